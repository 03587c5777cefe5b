import { readFileSync } from 'node:fs';
import { HazgateError } from '../core/index.js';

/** TLS settings of an uplink transport, as configured: PEM file paths. */
export interface UplinkTlsOptions {
  /** CA certificate(s) the centre's certificate must chain to (default: Node's built-in roots). */
  readonly ca?: string;
  /** Client certificate and its key, for centres that authenticate sites by certificate. */
  readonly cert?: string;
  readonly key?: string;
  /** false accepts any server certificate: for a lab only (default true). */
  readonly rejectUnauthorized?: boolean;
}

/** The files read, as node:tls takes them. */
export interface UplinkTlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized: boolean;
}

/**
 * Reads the PEM files once, when the transport is created, so a wrong path fails at boot and not
 * at the first connection. @throws HazgateError HG_ERR_UPLINK_CONFIG naming every file that cannot be read.
 */
export function readTlsFiles(tls: UplinkTlsOptions | undefined, what: string): UplinkTlsMaterial {
  const material: UplinkTlsMaterial = { rejectUnauthorized: tls?.rejectUnauthorized ?? true };
  const problems: string[] = [];
  for (const name of ['ca', 'cert', 'key'] as const) {
    const file = tls?.[name];
    if (file === undefined) continue;
    try {
      material[name] = readFileSync(file);
    } catch (cause) {
      problems.push(`tls.${name} ${file}: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
  }
  if ((tls?.cert === undefined) !== (tls?.key === undefined)) problems.push('tls.cert and tls.key go together');
  if (problems.length > 0) throw new HazgateError('HG_ERR_UPLINK_CONFIG', `${what}: ${problems.join('; ')}`, { problems });
  return material;
}
