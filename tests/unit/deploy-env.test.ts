import { describe, expect, it } from 'vitest';
import { at, dockerRuntime, filesUnder, isRecord, namesReadByCode, namesReferencedBySiteFiles, parseUnit, readText, readYaml, readYamlDocs } from '../support/deploy-files.js';

/**
 * Every environment variable the deployment files give hazgate is one hazgate reads: in its code
 * (HAZGATE_LOG_LEVEL, HAZGATE_CONSOLE_DIR…) or as `${NAME}` in a site or centre file. A variable
 * nobody reads is a setting that silently does nothing (a typo, or a feature that was renamed).
 */

const SITE_FILES = ['deploy/compose/site.yaml'];

/** Where each deployment file hands variables to hazgate, with the names it hands over. */
function handedToHazgate(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  out.set('deploy/docker/Dockerfile ENV', [...dockerRuntime().env.keys()]);
  for (const unit of filesUnder('deploy/systemd').filter((f) => f.endsWith('.service'))) {
    const env = parseUnit(readText(unit)).get('Service')?.get('Environment') ?? [];
    out.set(`${unit} Environment=`, env.map((e) => e.split('=')[0] ?? ''));
  }
  for (const file of filesUnder('deploy/systemd/examples').filter((f) => f.endsWith('.env'))) {
    out.set(file, [...readText(file).matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] ?? ''));
  }
  const services = at(readYaml('deploy/compose/compose.yaml'), 'services');
  for (const name of ['hazgate', 'simulator']) {
    const env = at(services, name, 'environment');
    out.set(`compose ${name}.environment`, isRecord(env) ? Object.keys(env) : []);
  }
  for (const file of filesUnder('deploy/k8s').filter((f) => f.endsWith('.yaml'))) {
    for (const doc of readYamlDocs(file)) {
      if (at(doc, 'kind') === 'Secret') out.set(`${file} Secret`, Object.keys((at(doc, 'stringData') as object | undefined) ?? {}));
      const containers = (at(doc, 'spec', 'template', 'spec', 'containers') as unknown[] | undefined) ?? [];
      for (const c of containers) out.set(`${file} env`, ((at(c, 'env') as unknown[] | undefined) ?? []).map((e) => String(at(e, 'name'))));
    }
  }
  return out;
}

describe('environment variables in deploy/', () => {
  const code = namesReadByCode();
  const sites = namesReferencedBySiteFiles([...SITE_FILES, 'deploy/k8s/centre/configmap.yaml']);
  const handed = handedToHazgate();

  it('finds the variables hazgate\'s code reads and its site files name', () => {
    expect([...code]).toEqual(expect.arrayContaining(['HAZGATE_LOG_LEVEL', 'HAZGATE_CONSOLE_DIR', 'HAZGATE_USER_PASSWORD']));
    expect([...sites]).toEqual(expect.arrayContaining(['HAZGATE_DATA_DIR', 'HAZGATE_HTTP_PORT', 'INFLUX_TOKEN', 'CENTRE_METRICS_TOKEN']));
    expect(code.has('HAZGATE_NO_SUCH_SETTING') || sites.has('HAZGATE_NO_SUCH_SETTING')).toBe(false);
  });

  it('hands hazgate only variables it reads', () => {
    const unread: string[] = [];
    for (const [where, names] of handed) for (const name of names) if (!code.has(name) && !sites.has(name)) unread.push(`${where}: ${name}`);
    expect(unread).toEqual([]);
    expect([...handed.values()].flat().length).toBeGreaterThan(15);
  });

  it('lists in the systemd env examples every secret the example sites need', () => {
    const gateway = new Set(handed.get('deploy/systemd/examples/hazgate.env'));
    const centre = new Set(handed.get('deploy/systemd/examples/centre.env'));
    for (const name of ['INFLUX_TOKEN', 'HAZGATE_METRICS_TOKEN']) expect(gateway.has(name), name).toBe(true);
    for (const name of namesReferencedBySiteFiles().values()) {
      if ((name.startsWith('CENTRE_') && /KEY|TOKEN|PASSWORD/.test(name)) || name.endsWith('_FEED_KEY')) expect(centre.has(name), name).toBe(true);
    }
  });
});
