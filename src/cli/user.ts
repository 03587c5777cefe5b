import { userInfo } from 'node:os';
import { isRole, LocalUserAdmin, parseScopeList, SqliteUserStore, type AdminEvent } from '../auth/index.js';
import { usersDirOf, type SiteConfig } from '../app/index.js';
import { authSectionSchema } from '../config/auth.js';
import { HazgateError, isHazgateError, parseDurationText, systemClock, type Scopes, type TokenInfo, type UserInfo } from '../core/index.js';
import type { UserArgs } from './args.js';
import { DEMO_SITE, EXIT, loadOrReport } from './commands.js';
import { readPassword, type PasswordInput } from './password-input.js';

/** Where the user commands read from and write to; stdout gets results (the token alone, for scripts), stderr the notes. */
export interface UserIo extends PasswordInput {
  readonly out: (line: string) => void;
  readonly note: (line: string) => void;
}

function authOf(config: SiteConfig | undefined) {
  return config?.auth ?? authSectionSchema.parse({});
}

/**
 * `hazgate user …` from the command line: users.db in --dir, or the site's (--config, default the
 * demo site, as `hazgate demo` uses).
 */
export async function runUserCommand(args: UserArgs, configFile: string | undefined): Promise<number> {
  const io: UserIo = {
    env: process.env,
    stdin: process.stdin,
    prompt: (text) => void process.stderr.write(text),
    out: (line) => void process.stdout.write(`${line}\n`),
    note: (line) => void process.stderr.write(`${line}\n`),
  };
  if (args.dir !== undefined) return runUser(args, args.dir, undefined, io);
  const config = loadOrReport(configFile ?? DEMO_SITE);
  if (config === null) return EXIT.invalidConfig;
  return runUser(args, usersDirOf(config), config, io);
}

/** `hazgate user …` against users.db in `dir`; `config` supplies the default token expiry when given. */
export async function runUser(args: UserArgs, dir: string, config: SiteConfig | undefined, io: UserIo): Promise<number> {
  const defaults = authOf(config);
  let store: SqliteUserStore | undefined;
  try {
    store = new SqliteUserStore(dir);
    io.note(`users: ${store.file}`);
    const admin = new LocalUserAdmin({ store, clock: systemClock, defaultTokenExpiryMs: defaults.tokens.defaultExpiry });
    const done = await act(args, admin, io);
    if (done !== null) store.adminEvents.add({ at: systemClock.now(), actor: actorName(), ...done });
    return EXIT.ok;
  } catch (e) {
    if (!isHazgateError(e)) throw e;
    io.note(`${e.code}: ${e.message}`);
    return e.code === 'HG_ERR_CLI_USAGE' ? EXIT.usage : EXIT.invalidConfig;
  } finally {
    store?.close();
  }
}

/** Carries out the command; what it changed, for the audit (null for a listing). */
async function act(args: UserArgs, admin: LocalUserAdmin, io: UserIo): Promise<Pick<AdminEvent, 'kind' | 'subject' | 'message'> | null> {
  const subject = args.subject ?? '';
  switch (args.action) {
    case 'add': {
      const role = args.role ?? '';
      if (!isRole(role)) throw usage(`--role must be viewer, operator, engineer or admin, not "${role}"`);
      const scopes: Scopes = { sites: parseScopeList(args.sites ?? '*'), areas: parseScopeList(args.areas ?? '*') };
      const password = await readPassword(subject, io);
      const user = await admin.addUser({ name: subject, password, roles: [role], scopes });
      io.out(`added ${describeUser(user)}`);
      return { kind: 'user-added', subject, message: `user ${describeUser(user)} added with hazgate user` };
    }
    case 'remove': {
      const tokens = admin.listTokens(subject).length;
      admin.removeUser(subject);
      io.out(`removed user ${subject} and ${tokens} API token(s)`);
      return { kind: 'user-removed', subject, message: `user ${subject} and ${tokens} API token(s) removed with hazgate user` };
    }
    case 'token': {
      const issued = admin.createToken(subject, { name: args.tokenName ?? 'cli', ...expiryOf(args.expires) });
      io.note(`API token ${issued.id} "${issued.name}" for ${issued.user}, ${issued.expires === null ? 'never expires' : `expires ${iso(issued.expires)}`}.`);
      io.note('It is shown this once: hazgate keeps only its hash. Send it as "Authorization: Bearer <token>".');
      io.out(issued.token);
      return { kind: 'token-created', subject, message: `API token ${issued.id} "${issued.name}" created for ${issued.user} with hazgate user` };
    }
    case 'list':
      list(admin, io);
      return null;
    case 'revoke-token': {
      const t = admin.revokeToken(subject);
      io.out(`revoked API token ${t.id} "${t.name}" of ${t.user}`);
      return { kind: 'token-revoked', subject: t.user, message: `API token ${t.id} "${t.name}" of ${t.user} revoked with hazgate user` };
    }
  }
}

function list(admin: LocalUserAdmin, io: UserIo): void {
  const users = admin.listUsers();
  if (users.length === 0) io.out('no users yet: hazgate user add NAME --role admin');
  const now = systemClock.now();
  for (const u of users) {
    io.out(describeUser(u));
    for (const t of admin.listTokens(u.name)) io.out(`  token ${describeToken(t, now)}`);
  }
}

/** `--expires 90d` / `never` / absent (the configured default). */
function expiryOf(text: string | undefined): { expiresInMs?: number | null } {
  if (text === undefined) return {};
  if (text === 'never') return { expiresInMs: null };
  const ms = parseDurationText(text);
  if (ms === undefined || ms < 60_000) throw usage(`--expires must be a duration of at least 1m (30d, 12h) or never, not "${text}"`);
  return { expiresInMs: ms };
}

function describeUser(u: UserInfo): string {
  const list = (l: readonly string[] | '*'): string => (l === '*' ? '*' : l.length === 0 ? '-' : l.join(','));
  const state = u.disabled === null ? '' : `  DISABLED since ${iso(u.disabled)}`;
  return `${u.name}  role ${u.roles.join(',')}  sites ${list(u.scopes.sites)}  areas ${list(u.scopes.areas)}  created ${iso(u.created)}${state}`;
}

function describeToken(t: TokenInfo, now: number): string {
  const state = t.revoked !== null ? `revoked ${iso(t.revoked)}` : t.expires === null ? 'never expires' : `${t.expires <= now ? 'EXPIRED' : 'expires'} ${iso(t.expires)}`;
  return `${t.id}  "${t.name}"  ${state}  last used ${t.lastUsed === null ? 'never' : iso(t.lastUsed)}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function usage(message: string): HazgateError {
  return new HazgateError('HG_ERR_CLI_USAGE', message);
}

/** The operating-system account running the command (who changed the users, for the audit). */
function actorName(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env['USER'] ?? 'unknown';
  }
}
