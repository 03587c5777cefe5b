import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { HazgateError } from '../core/index.js';

/** The site's `server.tls`, as configured (file paths, already made absolute by the site loader). */
export interface ServerTlsFiles {
  readonly cert: string;
  readonly key: string;
  readonly ca?: string | undefined;
  readonly clientAuth: 'none' | 'require';
}

/** The files read: what the HTTPS server is made with. */
export interface ServerTlsMaterial {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca?: Buffer;
  readonly clientAuth: 'none' | 'require';
}

type PemName = 'cert' | 'key' | 'ca';

/**
 * Reads and checks the PEM files at boot, before anything is opened: a missing file, one that is
 * not PEM or a key that is not the certificate's stops the start naming the file, instead of the
 * gateway coming up without HTTPS or failing every handshake.
 * @throws HazgateError HG_ERR_CONFIG_READ listing every file that cannot be read or used.
 */
export function readServerTls(files: ServerTlsFiles): ServerTlsMaterial {
  const read: Partial<Record<PemName, Buffer>> = {};
  const problems: { readonly key: string; readonly file: string; readonly problem: string }[] = [];
  for (const name of ['cert', 'key', 'ca'] as const) {
    const file = files[name];
    if (file === undefined) continue;
    const got = readPem(name, file);
    if (typeof got === 'string') problems.push({ key: `server.tls.${name}`, file, problem: got });
    else read[name] = got;
  }
  const { cert, key, ca } = read;
  if (problems.length === 0 && cert !== undefined && key !== undefined && !new X509Certificate(cert).checkPrivateKey(createPrivateKey(key))) {
    problems.push({ key: 'server.tls.key', file: files.key, problem: 'is not the key of server.tls.cert' });
  }
  if (problems.length > 0 || cert === undefined || key === undefined) {
    const text = problems.map((p) => `${p.key} ${p.file} ${p.problem}`).join('; ');
    throw new HazgateError('HG_ERR_CONFIG_READ', `HTTPS cannot be served: ${text}`, { files: problems.map((p) => p.file), problems });
  }
  return { cert, key, clientAuth: files.clientAuth, ...(ca === undefined ? {} : { ca }) };
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
    else new X509Certificate(pem);
    return pem;
  } catch (cause) {
    return `is not a PEM ${name === 'key' ? 'private key' : 'certificate'}: ${messageOf(cause)}`;
  }
}

/** fastify's `https` option: with clientAuth require, the handshake refuses clients without a certificate signed by ca. */
export function httpsOptions(tls: ServerTlsMaterial): { key: Buffer; cert: Buffer; ca?: Buffer; requestCert: boolean; rejectUnauthorized: boolean } {
  const require = tls.clientAuth === 'require';
  return { key: tls.key, cert: tls.cert, ...(tls.ca === undefined ? {} : { ca: tls.ca }), requestCert: require, rejectUnauthorized: require };
}

function messageOf(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
