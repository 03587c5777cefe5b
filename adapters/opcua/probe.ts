import { MessageSecurityMode, OPCUAClient, SecurityPolicy } from 'node-opcua';
import { messageOf, withinTime, type ProbeOutcome } from '../lib/probe.js';
import type { OpcuaAdapterConfig } from './schema.js';

/**
 * GetEndpoints over a secure channel without security (what discovery uses), then disconnect: no
 * session, no certificate exchange, nothing read. Says whether the server offers the configured
 * security policy and mode, and which it offers when not.
 */
export async function probeOpcuaEndpoint(config: Pick<OpcuaAdapterConfig, 'id' | 'endpointUrl' | 'securityPolicy' | 'securityMode'>, timeoutMs: number): Promise<ProbeOutcome> {
  const client = OPCUAClient.create({
    applicationName: `hazgate-doctor-${config.id}`,
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
