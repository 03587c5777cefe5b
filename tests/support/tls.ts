import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A certificate and its key, as PEM file paths. */
export interface CertFiles {
  readonly cert: string;
  readonly key: string;
}

/**
 * A throw-away PKI for TLS tests, made with the openssl CLI in a temp dir: a CA, a server
 * certificate for 127.0.0.1 (subjectAltName IP:127.0.0.1, serverAuth), a client certificate
 * (clientAuth), and a second CA that signed none of them (a wrong `ca` for refusal tests).
 */
export interface TestPki {
  readonly dir: string;
  /** The CA certificate (PEM) that signed `server` and `client`. */
  readonly ca: string;
  readonly server: CertFiles;
  readonly client: CertFiles;
  /** A client certificate signed by `otherCa`: not trusted by anyone trusting `ca`. */
  readonly strangerClient: CertFiles;
  /** A CA certificate unrelated to `ca`. */
  readonly otherCa: string;
  /** Removes the temp dir. */
  dispose(): Promise<void>;
}

const DAYS = '2';

export async function makeTestPki(): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), 'hazgate-pki-'));
  const file = (name: string): string => join(dir, name);
  await makeCa(file('ca'), 'hazgate test CA');
  await makeCa(file('other-ca'), 'hazgate unrelated CA');
  await writeFile(file('server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\n');
  await writeFile(file('client.ext'), 'extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\n');
  await makeLeaf(file('server'), '127.0.0.1', file('ca'), file('server.ext'));
  await makeLeaf(file('client'), 'hazgate-test-client', file('ca'), file('client.ext'));
  await makeLeaf(file('stranger'), 'hazgate-stranger', file('other-ca'), file('client.ext'));
  return {
    dir,
    ca: file('ca.crt'),
    server: { cert: file('server.crt'), key: file('server.key') },
    client: { cert: file('client.crt'), key: file('client.key') },
    strangerClient: { cert: file('stranger.crt'), key: file('stranger.key') },
    otherCa: file('other-ca.crt'),
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** P-256 keys: fast to make, and every peer we test against (Mosquitto, Node) takes them. */
const NEW_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

async function makeCa(base: string, name: string): Promise<void> {
  await openssl([
    'req', '-x509', ...NEW_KEY, '-keyout', `${base}.key`, '-out', `${base}.crt`, '-days', DAYS, '-subj', `/CN=${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
}

async function makeLeaf(base: string, commonName: string, caBase: string, extFile: string): Promise<void> {
  await openssl(['req', '-new', ...NEW_KEY, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', `/CN=${commonName}`]);
  await openssl([
    'x509', '-req', '-in', `${base}.csr`, '-CA', `${caBase}.crt`, '-CAkey', `${caBase}.key`, '-CAcreateserial',
    '-out', `${base}.crt`, '-days', DAYS, '-extfile', extFile,
  ]);
}

async function openssl(args: readonly string[]): Promise<void> {
  try {
    await run('openssl', args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0] ?? ''} failed: ${stderr || (error as Error).message}`);
  }
}
