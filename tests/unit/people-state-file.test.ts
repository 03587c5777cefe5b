import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSite } from '../../src/app/index.js';
import { PeopleStateFile } from '../../src/app/people-state-file.js';
import { wirePeople } from '../../src/app/people-wiring.js';
import { silentLogger, type Logger, type ZoneHeadcount } from '../../src/core/index.js';

/** Who was where survives a restart: a mine whose tags only readers place keeps its underground list. */

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const SITE = `site: { id: mine }
people:
  zones:
    - { id: underground, kind: danger, readers: [R-shaft] }
  people:
    - { tagId: M1, personId: P1, name: Sun Gang, authorisedZones: [underground] }
`;

function wiring(told: ZoneHeadcount[] = []) {
  const out = loadSite(join(dir, 'site.yaml'));
  if (!out.ok) throw new Error('site');
  return wirePeople(out.config.people, out.config.points, silentLogger, (h) => void told.push(h), 300_000, 0);
}

function recordingLogger(lines: string[]): Logger {
  const log = (obj: object, msg?: string) => void lines.push(`${(obj as { code?: string }).code ?? ''} ${msg ?? ''}`);
  const logger: Logger = { debug: log, info: log, warn: log, error: log, child: () => logger };
  return logger;
}

describe('the people state file', () => {
  it('a miner underground before the restart is still underground after it', () => {
    dir = mkdtempSync(join(tmpdir(), 'hg-people-state-'));
    writeFileSync(join(dir, 'site.yaml'), SITE);
    const file = new PeopleStateFile(join(dir, 'people-state.json'), silentLogger, 10_000);
    const before = wiring();
    before.observe({ type: 'reader', event: { tagId: 'M1', readerId: 'R-shaft', kind: 'enter', ts: 1000 } }, 1000);
    file.keep(before, 2000);
    // Within the period nothing is written: the reader event after it would be lost without `force`.
    before.observe({ type: 'reader', event: { tagId: 'M1', readerId: 'R-shaft', kind: 'leave', ts: 3000 } }, 3000);
    file.keep(before, 5000);
    expect(file.read()?.tags[0]?.zones).toEqual([{ zoneId: 'underground', since: 1000 }]);
    before.observe({ type: 'reader', event: { tagId: 'M1', readerId: 'R-shaft', kind: 'enter', ts: 6000 } }, 6000);
    file.keep(before, 7000, true);

    const told: ZoneHeadcount[] = [];
    const after = wiring(told);
    file.restoreInto(after, 60_000);
    expect(after.service?.zone('underground', 60_000)?.people.map((p) => p.name)).toEqual(['Sun Gang']);
    expect(told.map((h) => [h.zoneId, h.headcount])).toEqual([['underground', 1]]);
  });

  it('a missing file starts empty quietly; a corrupt one starts empty and says so; an unwritable folder is reported, not thrown', () => {
    dir = mkdtempSync(join(tmpdir(), 'hg-people-state-'));
    const lines: string[] = [];
    expect(new PeopleStateFile(join(dir, 'none.json'), recordingLogger(lines)).read()).toBeUndefined();
    expect(lines).toEqual([]);
    writeFileSync(join(dir, 'bad.json'), '{"version": 1, "tags": "nope"');
    expect(new PeopleStateFile(join(dir, 'bad.json'), recordingLogger(lines)).read()).toBeUndefined();
    // kept for a look, not overwritten by the next write
    expect(readFileSync(join(dir, 'bad.json.unreadable'), 'utf8')).toBe('{"version": 1, "tags": "nope"');
    writeFileSync(join(dir, 'other.json'), JSON.stringify({ version: 9, takenAt: 0, tags: [] }));
    expect(new PeopleStateFile(join(dir, 'other.json'), recordingLogger(lines)).read()).toBeUndefined();
    mkdirSync(join(dir, 'taken'));
    expect(new PeopleStateFile(join(dir, 'taken'), recordingLogger(lines)).write({ version: 1, takenAt: 0, tags: [] })).toBe(false);
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['HG_ERR_STORE_OPEN', 'HG_ERR_STORE_OPEN', 'HG_ERR_STORE_WRITE']);
  });
});
