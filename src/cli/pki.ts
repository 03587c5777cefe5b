import { listPki, opcuaPkiDir, trustCertificates, type CertificateInfo } from '../../adapters/opcua/index.js';
import { adapterDataDir, type SiteConfig } from '../app/index.js';
import type { PkiArgs } from './args.js';

/**
 * `hazgate pki list|trust`: the OPC UA adapters' certificate folders. A server certificate is
 * trusted only by an operator's act: the first connection puts it in rejected/, this moves it.
 */
export async function runPki(config: SiteConfig, args: PkiArgs, out: (line: string) => void): Promise<number> {
  const adapters = config.adapters.filter((a) => a.kind === 'opcua' && (args.adapter === undefined || a.id === args.adapter));
  if (adapters.length === 0) {
    out(args.adapter === undefined ? `site ${config.site.id} has no OPC UA adapter` : `site ${config.site.id} has no OPC UA adapter "${args.adapter}"`);
    return 1;
  }
  for (const a of adapters) {
    if (a.kind !== 'opcua') continue;
    const dir = opcuaPkiDir(a, adapterDataDir(config, a.id));
    if (args.action === 'list') {
      const { trusted, rejected } = await listPki(dir);
      out(`${a.id} (${dir})`);
      for (const c of trusted) out(`  trusted   ${line(c)}`);
      for (const c of rejected) out(`  rejected  ${line(c)}`);
      if (trusted.length + rejected.length === 0) out('  (no peer certificates yet: connect once, then trust what lands in rejected)');
      continue;
    }
    const trusted = await trustCertificates(dir, { ...(args.thumbprint === undefined ? {} : { thumbprint: args.thumbprint }), ...(args.file === undefined ? {} : { file: args.file }) });
    if (trusted.length === 0) {
      out(`${a.id}: nothing to trust (no rejected certificate matches; run hazgate pki list)`);
      return 1;
    }
    for (const c of trusted) out(`${a.id}: trusted ${line(c)}`);
  }
  return 0;
}

function line(c: CertificateInfo): string {
  return `${c.thumbprint}  ${c.subject}  (valid to ${c.validTo})`;
}
