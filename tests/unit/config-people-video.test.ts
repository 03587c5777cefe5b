import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSite } from '../../src/app/index.js';
import { formatProblem } from '../../src/config/index.js';

/** Checks across rules, video adapters and the people and video sections. */

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function problems(text: string): string {
  dir = mkdtempSync(join(tmpdir(), 'hg-config-pv-'));
  writeFileSync(join(dir, 'site.yaml'), text);
  const out = loadSite(join(dir, 'site.yaml'));
  return out.ok ? '' : out.problems.map(formatProblem).join('\n');
}

const BASE = `site: { id: s }
points:
  - { id: GT-1, kind: gas, unit: "%LEL", range: [0, 100] }
`;
const WEBHOOK = (dedup: string) => `adapters:
  - { kind: video-webhook, id: ai-box, port: 8091, dedupWindow: ${dedup} }
`;

describe('people and video cross-checks', () => {
  it('refuses a rule id that personnel location or video uses for its conditions', () => {
    const text = problems(`${BASE}rules:
  - { id: sos, kind: stale, select: { points: [GT-1] }, after: 30s, priority: 3 }
  - { id: camera-offline, kind: stale, select: { points: [GT-1] }, after: 30s, priority: 3 }
  - { id: gas-stale, kind: stale, select: { points: [GT-1] }, after: 30s, priority: 3 }
`);
    expect(text).toContain('rules[0].id');
    expect(text).toContain('rule id "sos" is reserved');
    expect(text).toContain('rule id "camera-offline" is reserved');
    expect(text).not.toContain('gas-stale');
  });

  it('refuses a de-duplication window as long as the video hold, accepts a shorter one', () => {
    expect(problems(`${BASE}${WEBHOOK('60s')}video: { hold: 60s }\n`)).toContain('dedupWindow 60000 ms must be shorter than video.hold 60000 ms');
    expect(problems(`${BASE}${WEBHOOK('90s')}`)).toContain('adapters[0].dedupWindow');
    expect(problems(`${BASE}${WEBHOOK('30s')}video: { hold: 60s }\n`)).toBe('');
  });
});
