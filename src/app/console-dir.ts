import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding hazgate's own package.json, above this file (src/app or dist/src/app); null if none. */
function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && isHazgate(manifest)) return dir;
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function isHazgate(manifest: string): boolean {
  try {
    return (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'hazgate';
  } catch {
    return false;
  }
}

/**
 * Where the built supervisor console lies: `HAZGATE_CONSOLE_DIR` when set (a console served from
 * elsewhere; the server says so when it holds no index.html), else `<package root>/dist/console`
 * when `npm run build` made it, else null (the server answers `/` with 503 and says why). Walking
 * up from this file finds the same root from dist/src/app (the process) and src/app (vitest).
 */
export function consoleDir(env: NodeJS.ProcessEnv = process.env): string | null {
  const override = env['HAZGATE_CONSOLE_DIR'];
  if (override !== undefined && override !== '') return resolve(override);
  const root = packageRoot();
  if (root === null) return null;
  const dir = join(root, 'dist', 'console');
  return existsSync(join(dir, 'index.html')) ? dir : null;
}
