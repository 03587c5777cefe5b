import { openAuth, type AuthAttempt } from '../auth/index.js';
import { authSectionSchema, type AuthSection } from '../config/index.js';
import type { AuditSink, AuthService, Clock, Logger } from '../core/index.js';
import { createHttpAuth, type HttpAuth } from '../server/index.js';

export interface AuthWiringOptions {
  /** Folder of users.db (usersDirOf). */
  readonly dir: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The server is HTTPS (session cookies get Secure). */
  readonly https: boolean;
  readonly metricsToken?: string | undefined;
  readonly audit?: AuditSink | undefined;
  /** How to make the first user, for the log line when users.db has none. */
  readonly firstUser: string;
}

export interface AuthWiring {
  readonly service: AuthService;
  readonly http: HttpAuth;
  /**
   * The periodic pass (every second): the console sessions take in what `hazgate user` ended and
   * write their last uses (at most once a minute); what `hazgate user …` changed since the last pass
   * is journaled (every 5 s; at once at start).
   */
  tick(now: number): void;
  close(): void;
}

/** How often users.db is read for changes made by `hazgate user …`. */
const ADMIN_EVENTS_EVERY_MS = 5_000;

/**
 * Auth is always on: users.db opened (created, owner-only, when missing), the auth service over it,
 * the server's sessions (kept in users.db as SHA-256 of their ids: a restart keeps the control room
 * logged in) and audit. A store without users is said at start with how to make one.
 * Attempts are logged with the user, the address and the outcome; never a password or a token.
 */
export function wireAuth(section: AuthSection | undefined, o: AuthWiringOptions): AuthWiring {
  const settings = section ?? authSectionSchema.parse({});
  const logger = o.logger.child({ component: 'auth' });
  const opened = openAuth(settings, {
    dir: o.dir,
    clock: o.clock,
    onAttempt: (a) => logAttempt(logger, a),
    onJwksStale: (e) => logger.warn({ code: e.code, err: e.message }, 'the identity provider’s keys could not be fetched again; the last ones are used'),
  });
  const users = opened.store.listUsers().length;
  if (users === 0) logger.warn({ users: opened.store.file }, `no users yet: nobody can log in or connect. Create the first one: ${o.firstUser}`);
  else logger.info({ users, file: opened.store.file }, `${users} user(s) in ${opened.store.file}`);
  const s = settings.sessions;
  const http = createHttpAuth({
    auth: opened.service,
    sessions: { idleTimeoutMs: s.idleTimeout, maxAgeMs: s.maxAge, maxSessions: s.maxSessions },
    sessionPersistence: {
      records: opened.store.sessions,
      onError: (err) => logger.warn({ code: 'HG_ERR_AUTH_STORE', err: String(err) }, 'console sessions could not be read or written in users.db; they go on in memory and it is tried again'),
    },
    https: o.https,
    metricsToken: o.metricsToken,
    audit: o.audit,
    now: () => o.clock.now(),
  });
  let lastPass = -Infinity;
  const journalAdminEvents = (now: number): void => {
    if (o.audit === undefined || now - lastPass < ADMIN_EVENTS_EVERY_MS) return;
    lastPass = now;
    try {
      const events = opened.store.adminEvents.pending();
      for (const e of events) {
        o.audit.record({ kind: e.kind, user: e.subject, address: null, time: e.at, message: e.message, details: { by: e.actor, via: 'hazgate user' } });
      }
      const last = events.at(-1);
      if (last !== undefined) opened.store.adminEvents.markJournaled(last.seq);
    } catch (err) {
      logger.warn({ code: 'HG_ERR_AUTH_STORE', err: String(err) }, 'user changes made with hazgate user could not be read for the audit; retried');
    }
  };
  journalAdminEvents(o.clock.now());
  const tick = (now: number): void => {
    http.sessions.maintain();
    journalAdminEvents(now);
  };
  const close = (): void => {
    http.sessions.close();
    opened.close();
  };
  return { service: opened.service, http, tick, close };
}

/** Good token uses at debug (one per request), password logins at info, refusals at warn. */
function logAttempt(logger: Logger, a: AuthAttempt): void {
  const fields = { method: a.method, user: a.user, address: a.address, outcome: a.outcome, ...(a.retryAfterMs === undefined ? {} : { retryAfterMs: a.retryAfterMs }) };
  if (a.outcome === 'ok') {
    if (a.method === 'token') logger.debug(fields, `API token of ${a.user} accepted`);
    else logger.info(fields, `${a.user} logged in from ${a.address}`);
    return;
  }
  const what = a.method === 'token' ? 'API token' : `login as "${a.user.slice(0, 64)}"`;
  logger.warn({ code: a.outcome === 'locked' ? 'HG_ERR_AUTH_LOCKED' : 'HG_ERR_AUTH_FAILED', ...fields, user: a.user.slice(0, 64) }, `${what} from ${a.address} refused (${a.outcome})`);
}
