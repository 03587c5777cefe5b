import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalUserAdmin, SqliteUserStore } from '../auth/index.js';
import { ALL_SCOPES, systemClock } from '../core/index.js';

/** What the demo did about a first user. */
export interface DemoAdmin {
  /** The administrator made now, with its password (shown this once), or null when users.db had users. */
  readonly created: { readonly user: string; readonly password: string } | null;
  /** `<users dir>/demo-admin.txt` when it exists (owner-only). */
  readonly file: string | null;
  readonly usersDb: string;
}

export const DEMO_ADMIN = 'admin';

/**
 * `hazgate demo` starts with one command and auth is always on: when users.db has no user yet, a
 * local `admin` with a random password is made, and the password written to
 * `<users dir>/demo-admin.txt` (readable by its owner only) for the tests and the console. A site
 * that has users keeps them: nothing is made or changed.
 */
export async function ensureDemoAdmin(dir: string): Promise<DemoAdmin> {
  const store = new SqliteUserStore(dir);
  try {
    const file = join(dir, 'demo-admin.txt');
    if (store.listUsers().length > 0) return { created: null, file: existsSync(file) ? file : null, usersDb: store.file };
    // 144 random bits, 24 characters: no word list guesses it, and it fits on a sticky note.
    const password = randomBytes(18).toString('base64url');
    await new LocalUserAdmin({ store, clock: systemClock, defaultTokenExpiryMs: null }).addUser({ name: DEMO_ADMIN, password, roles: ['admin'], scopes: ALL_SCOPES });
    const made = new Date(systemClock.now()).toISOString();
    writeFileSync(file, `# the hazgate demo's administrator, made ${made} because ${store.file} had no user\nuser: ${DEMO_ADMIN}\npassword: ${password}\n`, { mode: 0o600 });
    chmodSync(file, 0o600); // a file left from an earlier demo keeps its mode otherwise
    return { created: { user: DEMO_ADMIN, password }, file, usersDb: store.file };
  } finally {
    store.close();
  }
}
