import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageSecurityMode, OPCUACertificateManager, OPCUAClient, SecurityPolicy } from 'node-opcua';
import { messageOf, withinTime, type ProbeOutcome } from '../lib/probe.js';
import type { OpcuaAdapterConfig } from './schema.js';

/**
 * GetEndpoints over a secure channel without security (what discovery uses), then disconnect: no
 * session, no certificate exchange, nothing read. Says whether the server offers the configured
 * security policy and mode, and which it offers when not.
 */
export async function probeOpcuaEndpoint(config: Pick<OpcuaAdapterConfig, 'id' | 'endpointUrl' | 'securityPolicy' | 'securityMode'>, timeoutMs: number): Promise<ProbeOutcome> {
  // A throwaway PKI of its own: without one node-opcua makes a key and certificate under $HOME (and
  // fails where $HOME is not writable); the adapter's pkiDir is the running gateway's, not the doctor's.
  // It only asks GetEndpoints, so whatever certificate the server shows is accepted.
  const pki = await mkdtemp(join(tmpdir(), 'hazgate-doctor-pki-'));
  try {
    const certificates = new OPCUACertificateManager({ rootFolder: pki, automaticallyAcceptUnknownCertificate: true });
    try {
      await certificates.initialize();
      return await askEndpoints(config, timeoutMs, certificates);
    } finally {
      await certificates.dispose().catch(() => undefined);
    }
  } catch (e) {
    return { ok: false, detail: `${config.endpointUrl}: ${messageOf(e)}` };
  } finally {
    await rm(pki, { recursive: true, force: true });
  }
}

async function askEndpoints(config: Pick<OpcuaAdapterConfig, 'id' | 'endpointUrl' | 'securityPolicy' | 'securityMode'>, timeoutMs: number, certificates: OPCUACertificateManager): Promise<ProbeOutcome> {
  const client = OPCUAClient.create({
    applicationName: `hazgate-doctor-${config.id}`,
    clientCertificateManager: certificates,
    endpointMustExist: false,
    connectionStrategy: { maxRetry: 0, initialDelay: 100, maxDelay: 200 },
    transportTimeout: timeoutMs,
  });
  const look = async (): Promise<ProbeOutcome> => {
    try {
      await client.connect(config.endpointUrl);
      const endpoints = await client.getEndpoints();
      const wanted = SecurityPolicy[config.securityPolicy];
      const mode = MessageSecurityMode[config.securityMode];
      const offered = endpoints.map((e) => `${e.securityPolicyUri?.split('#')[1] ?? '?'}/${MessageSecurityMode[e.securityMode]}`);
      if (endpoints.some((e) => e.securityPolicyUri === wanted && e.securityMode === mode)) {
        return { ok: true, detail: `${config.endpointUrl} answers and offers ${config.securityPolicy}/${config.securityMode}` };
      }
      return { ok: false, detail: `${config.endpointUrl} does not offer ${config.securityPolicy}/${config.securityMode} (it offers ${[...new Set(offered)].join(', ')}): set securityPolicy and securityMode to one of these` };
    } catch (e) {
      return { ok: false, detail: `${config.endpointUrl}: ${messageOf(e)}: is the server running and the endpoint URL right?` };
    }
  };
  try {
    return await withinTime(timeoutMs, look(), config.endpointUrl);
  } finally {
    await client.disconnect().catch(() => undefined);
  }
}
