import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HazgateError } from '../../../src/core/errors.js';
import type { BrokerTlsFiles } from './schema.js';

/** The broker's TLS files, read: what node:tls takes. */
export interface BrokerTlsMaterial {
  readonly ca?: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly rejectUnauthorized: boolean;
}

type PemName = 'ca' | 'cert' | 'key';

/**
 * Reads and checks the PEM files once, when the adapter starts, so a wrong path, a file that is
 * not PEM or a key that does not belong to the certificate stops the start instead of failing
 * every connection attempt with a TLS error that names no file.
 * `who` starts the message: `mqtt plant-broker`.
 * @throws HazgateError HG_ERR_CONFIG_READ naming every file that cannot be read or used.
 */
export function readBrokerTls(files: BrokerTlsFiles, who: string): BrokerTlsMaterial {
  const read: Partial<Record<PemName, Buffer>> = {};
  const problems: { readonly key: string; readonly file: string; readonly problem: string }[] = [];
  for (const name of ['ca', 'cert', 'key'] as const) {
    const file = files[name];
    if (file === undefined) continue;
    const got = readPem(name, file);
    if (typeof got === 'string') problems.push({ key: `tls.${name}`, file, problem: got });
    else read[name] = got;
  }
  const { cert, key } = read;
  if (problems.length === 0 && cert !== undefined && key !== undefined && files.key !== undefined && !new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) {
    problems.push({ key: 'tls.key', file: files.key, problem: 'is not the key of tls.cert' });
  }
  if (problems.length > 0) {
    const text = problems.map((p) => `${p.key} ${p.file} ${p.problem}`).join('; ');
    throw new HazgateError('HG_ERR_CONFIG_READ', `${who}: ${text}`, { files: problems.map((p) => p.file), problems });
  }
  return { rejectUnauthorized: files.rejectUnauthorized, ...read };
}

/** The file's bytes, or why they are not what `name` asks for. */
function readPem(name: PemName, file: string): Buffer | string {
  let pem: Buffer;
  try {
    pem = readFileSync(file);
  } catch (cause) {
    return `cannot be read: ${messageOf(cause)}`;
  }
  try {
    if (name === 'key') createPrivateKey(pem);
    // X509Certificate takes the first certificate of a bundle: enough to tell PEM from anything else.
    else new X509Certificate(pem);
    return pem;
  } catch (cause) {
    return `is not a PEM ${name === 'key' ? 'private key' : 'certificate'}: ${messageOf(cause)}`;
  }
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
