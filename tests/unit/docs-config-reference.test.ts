import { readdirSync, readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { substituteEnv } from '../../src/config/index.js';
import { configDocs, REGENERATE } from '../support/gen-docs.js';
import { configRows, type JsonSchema } from '../support/config-reference.js';

/** The configuration reference and the editors' JSON Schemas are generated from the zod schemas: the committed copies must be current. */
const root = new URL('../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');
const generated = configDocs();

function schemaOf(name: string): JsonSchema {
  return JSON.parse(read(`docs/schema/${name}`)) as JsonSchema;
}

describe('docs/config-reference.md and docs/schema', () => {
  it('are what the zod schemas give now', () => {
    expect([...generated.keys()].sort()).toEqual(['docs/config-reference.md', 'docs/schema/centre.schema.json', 'docs/schema/site.schema.json']);
    for (const [path, text] of generated) expect(read(path) === text, `${path} is out of date: run ${REGENERATE}`).toBe(true);
  });

  it('list every top-level key of both files with a description, a type and the defaults', () => {
    const md = read('docs/config-reference.md');
    for (const name of ['site.schema.json', 'centre.schema.json']) {
      const schema = schemaOf(name);
      expect(schema['$schema']).toBe('https://json-schema.org/draft/2020-12/schema');
      const rows = configRows(schema);
      for (const key of Object.keys(schema['properties'] as object)) {
        expect(md, key).toContain(`### \`${key}\``);
        const row = rows.find((r) => r.path === key);
        expect(row?.description, `${name}: ${key} has no description (add .describe() in src/config)`).not.toBe('');
      }
    }
    expect(md).toContain('| `store.journalSync` | enum | `"group"` | `"full"`, `"group"`, `"normal"` |');
    expect(md).toContain('| `alarms.maxShelve` | number or string | `28800000` |');
    expect(md).toContain('| `mqtt.clientId` | string (required) |');
  });

  it('check the example files: each names its schema on the first line and is valid against it', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const validators = { sites: ajv.compile(schemaOf('site.schema.json')), centre: ajv.compile(schemaOf('centre.schema.json')) };
    const files = [
      ...readdirSync(new URL('deploy/sites/', root)).filter((f) => f.endsWith('.yaml')).map((f) => ({ path: `deploy/sites/${f}`, kind: 'sites' as const })),
      { path: 'deploy/centre/centre.yaml', kind: 'centre' as const },
    ];
    expect(files.length).toBeGreaterThan(5);
    for (const { path, kind } of files) {
      const text = read(path);
      const schemaFile = kind === 'sites' ? 'site' : 'centre';
      expect(text.split('\n')[0], path).toBe(`# yaml-language-server: $schema=../../docs/schema/${schemaFile}.schema.json`);
      const validate = validators[kind];
      // As the loader reads it: the environment's values (here the file's defaults, or a stand-in secret) put in first.
      const env = Object.fromEntries([...text.matchAll(/\$\{(\w+)\}/g)].map((m) => [m[1], 'x'.repeat(32)]));
      const substituted = substituteEnv(path, text, env);
      expect(substituted.problems, path).toEqual([]);
      expect(validate(parse(substituted.text)), `${path}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
    }
  });

  it('refuses what the loader refuses: an unknown key, a wrong type, a value out of range', () => {
    const validate = new Ajv2020({ strict: false }).compile(schemaOf('site.schema.json'));
    const site = { site: { id: 'a' } };
    expect(validate(site)).toBe(true);
    expect(validate({ ...site, server: { port: 8080, tls: undefined, bogus: 1 } })).toBe(false);
    expect(validate({ ...site, server: { port: 'eighty' } })).toBe(false);
    expect(validate({ ...site, server: { port: '${HAZGATE_HTTP_PORT:-8080}' } })).toBe(true);
    expect(validate({ ...site, store: { journalSync: 'sometimes' } })).toBe(false);
    expect(validate({ ...site, rules: [{ id: 'r', kind: 'threshold', select: { points: ['P'] }, levels: [{ name: 'H', direction: 'high', limit: 1, priority: 2, onDelay: '5s' }] }] })).toBe(true);
    expect(validate({ ...site, rules: [{ id: 'r', kind: 'nonsense', select: { points: ['P'] } }] })).toBe(false);
  });
});
