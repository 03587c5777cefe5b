import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OPCUACertificateManager } from 'node-opcua';

/**
 * The adapter's PKI folder, for `hazgate pki`: own certificate (created on first start), trusted/
 * and rejected/ peer certificates. A server certificate is never trusted implicitly: the first
 * connection to an unknown server puts its certificate in rejected/, and an operator trusts it.
 */
export interface CertificateInfo {
  readonly file: string;
  /** SHA-1 thumbprint, hex without colons (what OPC UA tools show). */
  readonly thumbprint: string;
  readonly subject: string;
  readonly validTo: string;
}

export interface PkiListing {
  readonly trusted: readonly CertificateInfo[];
  readonly rejected: readonly CertificateInfo[];
}

export async function listPki(pkiDir: string): Promise<PkiListing> {
  return withManager(pkiDir, (cm) => ({ trusted: certificatesIn(cm.trustedFolder), rejected: certificatesIn(cm.rejectedFolder) }));
}

/**
 * Trusts rejected certificates (all, or the one whose thumbprint starts with `thumbprint`) or a
 * certificate file given by path; returns what it trusted.
 */
export async function trustCertificates(pkiDir: string, select: { readonly thumbprint?: string; readonly file?: string }): Promise<CertificateInfo[]> {
  return withManager(pkiDir, async (cm) => {
    const candidates = select.file !== undefined ? [infoOf(select.file)].filter((c): c is CertificateInfo => c !== undefined) : certificatesIn(cm.rejectedFolder);
    const wanted = select.thumbprint?.replaceAll(':', '').toUpperCase();
    const chosen = wanted === undefined ? candidates : candidates.filter((c) => c.thumbprint.startsWith(wanted));
    for (const c of chosen) await cm.trustCertificate(derOf(c.file));
    return chosen;
  });
}

async function withManager<T>(pkiDir: string, f: (cm: OPCUACertificateManager) => T | Promise<T>): Promise<T> {
  const { OPCUACertificateManager: Manager } = await import('node-opcua');
  const cm = new Manager({ rootFolder: pkiDir, automaticallyAcceptUnknownCertificate: false });
  await cm.initialize();
  try {
    return await f(cm);
  } finally {
    await cm.dispose();
  }
}

function certificatesIn(folder: string): CertificateInfo[] {
  let names: string[];
  try {
    names = readdirSync(folder);
  } catch {
    return [];
  }
  return names
    .filter((n) => /\.(der|pem|crt)$/i.test(n))
    .map((n) => infoOf(join(folder, n)))
    .filter((c): c is CertificateInfo => c !== undefined);
}

function infoOf(file: string): CertificateInfo | undefined {
  try {
    const x = new X509Certificate(readFileSync(file));
    return { file, thumbprint: x.fingerprint.replaceAll(':', ''), subject: x.subject.replaceAll('\n', ', '), validTo: x.validTo };
  } catch {
    return undefined;
  }
}

function derOf(file: string): Buffer {
  return new X509Certificate(readFileSync(file)).raw;
}
