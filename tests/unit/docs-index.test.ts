import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** docs/README.md is the index of docs/: it links every page and document there, and every link it has leads somewhere. */
const docs = fileURLToPath(new URL('../../docs/', import.meta.url));
const index = readFileSync(join(docs, 'README.md'), 'utf8');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [relative(docs, path)];
  });
}

describe('docs/README.md', () => {
  it('links every file of docs/', () => {
    const files = filesUnder(docs).filter((f) => f !== 'README.md');
    expect(files.length).toBeGreaterThan(12);
    for (const f of files) expect(index, f).toContain(`](${f})`);
  });

  it('has no broken link, and README points to it', () => {
    const links = [...index.matchAll(/\]\(([^)#]+)\)/g)].map((m) => m[1] ?? '').filter((l) => !/^https?:/.test(l));
    expect(links.length).toBeGreaterThan(20);
    for (const l of links) expect(existsSync(resolve(docs, l)), l).toBe(true);
    expect(readFileSync(join(dirname(docs), 'README.md'), 'utf8')).toContain('](docs/README.md)');
  });

  it('the operator guide and the upgrade notes link only what exists', () => {
    for (const page of ['operator-guide.md', 'upgrade.md']) {
      const text = readFileSync(join(docs, page), 'utf8');
      for (const [, l] of text.matchAll(/\]\(([^)#]+)\)/g)) expect(existsSync(resolve(docs, l ?? '')), `${page}: ${l}`).toBe(true);
    }
  });
});
