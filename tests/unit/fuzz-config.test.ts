import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseLocationScenario } from '../../devices/location/parse.js';
import { parseScenario } from '../../devices/simulator/parse.js';
import { loadSite } from '../../src/app/index.js';
import { parseYamlText, type ConfigProblem } from '../../src/config/index.js';
import { ERROR_CODES, HazgateError } from '../../src/core/errors.js';
import { anyText, expectBounded, fuzzParams, mutatedText, timed } from './fuzz-fixtures.js';

/**
 * Config and scenario files under fuzz (issue #11 item 6): YAML text → the site config
 * (parseYamlText, loadSite with its includes, schema and cross-checks) and the simulators'
 * scenario files. A bad file gives the list of its problems (ConfigProblem[] for a site,
 * HG_ERR_SIM_SCENARIO for a scenario), each problem short; nothing else is thrown, nothing hangs.
 * Every problem is listed (a person fixes a file best seeing all of it), so only each one is bounded.
 */

const ROOT = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8');
const SITE_NAMES = readdirSync(new URL('deploy/sites/', ROOT)).filter((f) => f.endsWith('.yaml'));
const SITES = SITE_NAMES.map((f) => read(`deploy/sites/${f}`));
const SCENARIOS = ['tank-farm-leak', 'modbus-plant', 'esd-tank-farm'].map((n) => read(`devices/scenarios/${n}.yaml`));
const PEOPLE_SCENARIOS = ['people-plant', 'people-mine'].map((n) => read(`devices/scenarios/${n}.yaml`));

/** `lol1` … `lol9`, each nine of the one before: 9^9 strings once expanded. */
const BILLION_LAUGHS = ['lol0: &a0 "lol"', ...Array.from({ length: 9 }, (_, i) => `lol${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(', ')}]`)].join('\n');

/** What breaks YAML readers: anchors and aliases, merge keys, tags, directives, env references, flow and block indicators. */
const YAML_HOSTILE: readonly string[] = [
  '&a ', '*a', '*b', '<<: *a\n', '<<: [*a, *a]\n', '!!binary ', '!!js/function ', '!!python/object ', '!<tag:x> ', '!!set ', '!!omap ',
  '? ', '- ', ': ', '{', '}', '[', ']', '"', "'", '\t', '%YAML 1.1\n', '%TAG ! x\n', '---\n', '...\n', '|\n', '>-\n', '#',
  '${HOME}', '${UNSET_FUZZ_VARIABLE}', '${X:-', '$${', '\uFEFF', '\u0000', '\r', '~', '.nan', '.inf', '-.inf', '0x7fffffffffffffffff', '1e999',
  `\n${BILLION_LAUGHS}\n`, `\nz: &z\n  self: *z\n`,
];
const yamlInsert = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...YAML_HOSTILE) }, fc.string({ maxLength: 6 }));

/** YAML that is deep, wide or self-referencing (the targeted tests go deeper; these keep the runs quick). */
const hostileYaml: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1, max: 5_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: 1, max: 2_000 }).map((n) => `a: ${'{b: '.repeat(n)}1${'}'.repeat(n)}`),
  fc.integer({ min: 1, max: 1_000 }).map((n) => Array.from({ length: n }, (_, i) => `${' '.repeat(i)}k:`).join('\n')),
  fc.integer({ min: 1, max: 2_000 }).map((n) => `${'- '.repeat(n)}x`),
  fc.constant(BILLION_LAUGHS),
  fc.constant('site: &s\n  id: *s\n'),
  // yaml's duplicate-key check is quadratic in a mapping's keys (10,000 take a second): kept below that.
  fc.integer({ min: 1, max: 2_000 }).map((n) => Array.from({ length: n }, (_, i) => `k${i}: &a${i} ${i}`).join('\n')),
);

const yamlText: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: mutatedText(SITES, yamlInsert) },
  { weight: 1, arbitrary: anyText },
  { weight: 1, arbitrary: hostileYaml },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...SITES), hostileYaml).map(([site, h]) => `${site}\nextra: ${h.replace(/\n/g, '\n  ')}\n`) },
);

function expectProblems(problems: readonly ConfigProblem[]): void {
  expect(problems.length).toBeGreaterThan(0);
  for (const p of problems) expectBounded(`${p.path}: ${p.message}`);
}

function expectScenarioRefusal(error: unknown): void {
  if (!(error instanceof HazgateError)) throw error;
  expect(error.code).toBe('HG_ERR_SIM_SCENARIO');
  expect(Object.hasOwn(ERROR_CODES, error.code)).toBe(true);
  for (const p of error.details['problems'] as { path: string; message: string }[]) expectBounded(`${p.path}: ${p.message}`);
}

describe('fuzz: YAML text', () => {
  it('parseYamlText gives data or its problems, whatever the text', () => {
    fc.assert(
      fc.property(yamlText, (text) => {
        const out = timed('parseYamlText', () => parseYamlText('site.yaml', text, {}));
        if (!out.ok) expectProblems(out.problems);
      }),
      fuzzParams(0x79616d6c, 150),
    );
  });
});

describe('fuzz: site files', () => {
  let dir = '';
  let siteFile = '';

  beforeAll(() => {
    // The site files include ../../rules/…: the file sits two folders below a copy of rules/.
    dir = mkdtempSync(join(tmpdir(), 'hg-fuzz-config-'));
    cpSync(new URL('rules/', ROOT), join(dir, 'rules'), { recursive: true });
    mkdirSync(join(dir, 'deploy', 'sites'), { recursive: true });
    siteFile = join(dir, 'deploy', 'sites', 'site.yaml');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function load(text: string): void {
    writeFileSync(siteFile, text);
    const out = timed('loadSite', () => loadSite(siteFile));
    if (!out.ok) expectProblems(out.problems);
  }

  it('loadSite loads or lists problems, never throws', () => {
    fc.assert(fc.property(yamlText, load), fuzzParams(0x73697465, 60));
  });

  it.each<[string, string]>([
    ['billion laughs', BILLION_LAUGHS],
    ['billion laughs inside a valid site', `${SITES[0] ?? ''}\n${BILLION_LAUGHS.split('\n').map((l) => `x${l}`).join('\n')}\n`],
    ['a site referring to itself', 'site: &s\n  id: plant\n  name: *s\n'],
    ['points that are their own attrs', (SITES[0] ?? '').replace(/^points:/m, 'loop: &p\n  - id: X\n    kind: gas\n    type: number\n    attrs: *p\npoints:')],
    ['flow nesting 20,000 deep', `${'['.repeat(20_000)}${']'.repeat(20_000)}`],
    ['block nesting 3,000 deep', Array.from({ length: 3_000 }, (_, i) => `${' '.repeat(i)}k:`).join('\n')],
    ['a megabyte key', `${'k'.repeat(1 << 20)}: 1\n`],
    ['a megabyte rule id', (SITES[0] ?? '').replace(/^rules:/m, `rules:\n  - id: ${'r'.repeat(1 << 20)}`)],
    // Found by the fuzz (seed 424242): yaml's 'Unexpected double-quoted-scalar token in YAML stream' quoted 2,700 characters.
    ['a stray quote in a broken file (yaml quotes the token whole)', read('deploy/sites/demo-people.yaml').replace('(issue 9)', '(i|\n 9)').replace('\n    levels:', '\n" levels:')],
    ['2,000 anchors', Array.from({ length: 2_000 }, (_, i) => `k${i}: &a${i} ${i}`).join('\n')],
  ])('%s', (_name, text) => load(text));
});

describe('fuzz: simulator scenario files', () => {
  it('parseScenario gives a scenario or one HG_ERR_SIM_SCENARIO listing short problems', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 5, arbitrary: mutatedText(SCENARIOS, yamlInsert) }, hostileYaml, anyText), (text) => {
        try {
          timed('parseScenario', () => parseScenario(text, 'scenario.yaml'));
        } catch (error) {
          expectScenarioRefusal(error);
        }
      }),
      fuzzParams(0x7363656e, 100),
    );
  });

  it('parseLocationScenario gives a scenario or one HG_ERR_SIM_SCENARIO listing short problems', () => {
    fc.assert(
      fc.property(fc.oneof({ weight: 5, arbitrary: mutatedText(PEOPLE_SCENARIOS, fc.oneof(yamlInsert, fc.constantFrom('W001..W999999', '..', 'W1..W9'))) }, hostileYaml, anyText), (text) => {
        try {
          timed('parseLocationScenario', () => parseLocationScenario(text, 'people.yaml'));
        } catch (error) {
          expectScenarioRefusal(error);
        }
      }),
      fuzzParams(0x70656f70, 100),
    );
  });

  it.each([
    ['billion laughs', BILLION_LAUGHS],
    ['a scenario referring to itself', 'scenario: &s\n  name: *s\n'],
    ['a stray quote in a broken file (yaml quotes the token whole)', read('deploy/sites/demo-people.yaml').replace('(issue 9)', '(i|\n 9)').replace('\n    levels:', '\n" levels:')],
  ])('%s', (_name, text) => {
    for (const parse of [parseScenario, parseLocationScenario]) {
      try {
        timed('parse scenario', () => parse(text, 'x.yaml'));
      } catch (error) {
        expectScenarioRefusal(error);
      }
    }
  });
});
