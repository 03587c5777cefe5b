import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedBrokerSchema } from '../../adapters/mqtt/index.js';
import { siteSchema } from '../../src/app/site-config.js';
import { parseCli } from '../../src/cli/args.js';
import { DEMO_SITE } from '../../src/cli/commands.js';
import { copiesOf, dockerRuntime, DOCKERFILE, filesUnder, readText, repoPathOfImagePath, ROOT } from '../support/deploy-files.js';
import { lintDockerfile, parseDockerfile } from '../support/dockerfile-lint.js';

/** deploy/docker/Dockerfile, checked as text (no Docker engine in CI), and the linter that checks it. */

const GOOD_TAIL = `
FROM node:20.20.2-bookworm-slim AS runtime
COPY --from=build --chown=root:root /src/dist ./dist
USER app
HEALTHCHECK CMD ["node", "-e", "0"]
ENTRYPOINT ["node", "dist/src/main.js"]
`;
const build = (lines: string): string => `FROM node:20.20.2-bookworm-slim AS build\nWORKDIR /src\n${lines}\n${GOOD_TAIL}`;

/** Each rule with a snippet that breaks it (and nothing else). */
const BAD: readonly (readonly [code: string, text: string])[] = [
  ['DL3006', `FROM node AS build\n${GOOD_TAIL}`],
  ['DL3007', `FROM node:latest AS build\n${GOOD_TAIL}`],
  ['HG001', 'FROM node:20-bookworm-slim\nUSER app\nHEALTHCHECK CMD ["true"]\nCMD ["node"]'],
  ['HG001', `FROM node:20-bookworm-slim\n${GOOD_TAIL}`],
  ['DL3022', GOOD_TAIL.replace('--from=build', '--from=0').replace('FROM', 'FROM node:20-bookworm-slim AS build\nFROM')],
  ['DL3002', build('').replace('USER app', 'USER root')],
  ['DL3002', build('').replace('USER app', 'USER 0:0')],
  ['DL3002', build('').replace('USER app\n', '')],
  ['DL3025', build('').replace('ENTRYPOINT ["node", "dist/src/main.js"]', 'ENTRYPOINT node dist/src/main.js')],
  ['DL3025', build('CMD npm start')],
  ['DL3014', build('RUN apt-get update && apt-get install --no-install-recommends g++ && rm -rf /var/lib/apt/lists/*')],
  ['DL3015', build('RUN apt-get update && apt-get install -y g++ && rm -rf /var/lib/apt/lists/*')],
  ['DL3009', build('RUN apt-get update && apt-get install -y --no-install-recommends g++')],
  ['DL3004', build('RUN sudo apt-get update')],
  ['HG002', build('RUN npm install')],
  ['DL4006', build('RUN wget -qO- https://example.com/x.sh | sh')],
  ['DL3020', build('ADD https://example.com/x.tar.gz /tmp/')],
  ['DL3020', build('ADD src /src/src')],
  ['DL3000', build('WORKDIR app')],
  ['HG004', GOOD_TAIL.replace('--chown=root:root ', '').replace('FROM', 'FROM node:20-bookworm-slim AS build\nFROM')],
  ['HG005', build('').replace('HEALTHCHECK CMD ["node", "-e", "0"]', '')],
  ['HG005', build('').replace('HEALTHCHECK CMD ["node", "-e", "0"]', 'HEALTHCHECK NONE')],
  ['HG006', build('ARG NPM_TOKEN')],
  ['HG006', build('ENV INFLUX_TOKEN=abc HAZGATE_DATA_DIR=/x')],
  ['HG006', `ARG GITHUB_TOKEN=x\n${build('')}`],
];

describe('the Dockerfile linter', () => {
  it('finds nothing in a clean multi-stage file', () => {
    expect(lintDockerfile(build('RUN npm ci'))).toEqual([]);
  });

  it.each(BAD)('reports %s', (code, text) => {
    const codes = lintDockerfile(text).map((f) => f.code);
    expect(codes).toContain(code);
  });

  it('names the line of a finding and reads continuation lines as one instruction', () => {
    const text = build('RUN apt-get update \\\n # a comment inside\n && apt-get install -y g++ \\\n && rm -rf /var/lib/apt/lists/*');
    const findings = lintDockerfile(text);
    expect(findings).toEqual([{ code: 'DL3015', line: 3, message: 'apt-get install without --no-install-recommends' }]);
  });

  it('substitutes ARG defaults declared before the first FROM', () => {
    expect(parseDockerfile('ARG IMG=node:latest\nFROM ${IMG} AS build').stages[0]?.image).toBe('node:latest');
    expect(lintDockerfile(`ARG IMG=node:latest\nFROM \${IMG} AS build\n${GOOD_TAIL}`).map((f) => f.code)).toContain('DL3007');
  });
});

describe('deploy/docker/Dockerfile', () => {
  const text = readText(DOCKERFILE);
  const runtime = dockerRuntime(text);
  const { stages } = parseDockerfile(text);

  it('passes every lint rule', () => {
    expect(lintDockerfile(text)).toEqual([]);
  });

  it('builds in a stage with a compiler and runs in one without', () => {
    expect(stages.map((s) => s.name)).toEqual(['build', 'runtime']);
    const runs = (i: number): string => (stages[i]?.instructions ?? []).filter((x) => x.keyword === 'RUN').map((x) => x.args).join('\n');
    expect(runs(0)).toMatch(/python3 make g\+\+/);
    expect(runs(0)).toMatch(/npm ci/);
    expect(runs(0)).toMatch(/npm run build\s+&& npm prune --omit=dev/);
    expect(runs(1)).not.toMatch(/apt-get|g\+\+|npm (ci|install)/);
    // the runtime copies the build's pruned node_modules and dist, nothing else from it
    expect(copiesOf(stages[1]?.instructions ?? [], runtime.workdir, 'stages').map((c) => c.sources).flat()).toEqual(['/src/package.json', '/src/node_modules', '/src/dist']);
  });

  it('runs as the non-root user 10001 that owns only the data volume', () => {
    expect(runtime.user).toBe('hazgate');
    expect(runtime.uid).toBe(10001);
    expect(runtime.volumes).toEqual([runtime.env.get('HAZGATE_DATA_DIR')]);
    expect(runtime.stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args).join(' ')).toContain(`chown hazgate:hazgate ${runtime.volumes[0] ?? ''}`);
  });

  it('exposes the HTTP port and the embedded MQTT listener at hazgate\'s defaults', () => {
    const site = siteSchema.parse({ site: { id: 'x' } });
    expect(runtime.exposed).toEqual([site.server.port, embeddedBrokerSchema.parse({}).port]);
    expect(runtime.env.get('HAZGATE_HTTP_PORT')).toBe(String(site.server.port));
  });

  it('checks /healthz on the port hazgate listens on, with node (the slim image has no curl)', () => {
    const [exe, flag, script] = runtime.healthcheck;
    expect([exe, flag]).toEqual(['node', '-e']);
    expect(script).toContain('/healthz');
    expect(script).toContain("process.env.HAZGATE_HTTP_PORT || '8080'");
  });

  it('starts dist/src/main.js (the package bin) with a command the CLI knows', () => {
    const pkg = JSON.parse(readText('package.json')) as { bin: { hazgate: string } };
    expect(runtime.entrypoint).toEqual(['node', join(runtime.workdir, pkg.bin.hazgate)]);
    expect(existsSync(join(ROOT, pkg.bin.hazgate.replace(/^dist\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    expect(parseCli(runtime.cmd, {})).toMatchObject({ command: 'start', config: '/etc/hazgate/site.yaml' });
    expect(parseCli(['demo'], {})).toMatchObject({ command: 'demo' });
  });

  it('copies every file the demo sites read at run time', () => {
    // `hazgate demo` without --config opens DEMO_SITE, found relative to dist/src/cli/commands.js in the image.
    const demoUrl = /DEMO_SITE = fileURLToPath\(new URL\('([^']+)'/.exec(readText('src/cli/commands.ts'))?.[1] ?? '';
    const demoInImage = join(runtime.workdir, 'dist/src/cli', demoUrl);
    const demoInRepo = repoPathOfImagePath(runtime, demoInImage) ?? '';
    expect(demoInRepo).toBe('deploy/sites/demo-tank-farm.yaml');
    expect(DEMO_SITE.endsWith(demoInRepo)).toBe(true);
    for (const site of filesUnder('deploy/sites')) {
      for (const m of readText(site).matchAll(/(\.\.\/\.\.\/[\w./-]+\.ya?ml)/g)) {
        const inImage = join(runtime.workdir, 'deploy/sites', m[1] ?? '');
        const repo = repoPathOfImagePath(runtime, inImage);
        expect(repo, `${site}: ${m[1] ?? ''} is not in the image`).toBeDefined();
        expect(existsSync(join(ROOT, repo ?? '')), `${site}: ${repo ?? ''}`).toBe(true);
      }
    }
    for (const copy of runtime.contextCopies) for (const source of copy.sources) expect(existsSync(join(ROOT, source)), source).toBe(true);
  });

  it('compiles every code folder tsc builds for the gateway (tests/ stays out of the image)', () => {
    const tsconfig = JSON.parse(readText('tsconfig.json')) as { include: string[] };
    const copied = copiesOf(stages[0]?.instructions ?? [], '/src', 'context').flatMap((c) => c.sources);
    expect(copied).toEqual(expect.arrayContaining([...tsconfig.include.filter((d) => !d.startsWith('tests/')), 'package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.console.json']));
  });
});

/**
 * BuildKit's .dockerignore matching, as far as the file uses it: patterns in order, the last one
 * that matches a path or one of its parent folders decides; `!` re-includes; `*` within a path
 * segment, `**` across segments.
 */
function ignored(patterns: readonly string[], path: string): boolean {
  const parts = path.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let out = false;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = negate ? raw.slice(1) : raw;
    const re = new RegExp(`^${pattern.split('/').map((seg) => (seg === '**' ? '.*' : seg.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))).join('/').replace(/\.\*\//g, '(?:.*/)?')}$`);
    if (candidates.some((c) => re.test(c))) out = !negate;
  }
  return out;
}

describe('deploy/docker/Dockerfile.dockerignore', () => {
  const patterns = readText('deploy/docker/Dockerfile.dockerignore').split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  const sources = parseDockerfile(readText(DOCKERFILE)).stages.flatMap((s) => copiesOf(s.instructions, '/', 'context').flatMap((c) => c.sources));

  it('sends every file the Dockerfile copies from the context', () => {
    for (const source of sources) {
      const files = existsSync(join(ROOT, source)) && !source.includes('.') ? filesUnder(source).filter((f) => !f.endsWith('.db')) : [source];
      for (const file of files) expect(ignored(patterns, file), file).toBe(false);
    }
    expect(sources.length).toBeGreaterThan(8);
  });

  it('leaves out built output, modules, data, tests and secrets', () => {
    for (const path of ['node_modules/yaml/package.json', 'dist/src/main.js', 'data/demo/journal.db', '.git/HEAD', 'tests/unit/deploy-dockerfile.test.ts', 'deploy/compose/.env', 'deploy/sites/data/x', 'src/x/node_modules/a.js', 'deploy/sites/tls/site.key', 'BENCHMARKS.md']) {
      expect(ignored(patterns, path), path).toBe(true);
    }
  });
});
