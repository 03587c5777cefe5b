import { parseArgs } from 'node:util';
import { AUDIT_KINDS, isAuditKind } from '../core/audit.js';
import { HazgateError, parseDurationText } from '../core/index.js';

export type Command = 'start' | 'validate' | 'simulate' | 'demo' | 'pki' | 'journal' | 'rules' | 'centre' | 'user' | 'doctor' | 'version' | 'help';

/** `hazgate pki list|trust`: OPC UA certificates of a site's adapters. */
export interface PkiArgs {
  readonly action: 'list' | 'trust';
  readonly adapter?: string;
  readonly thumbprint?: string;
  readonly file?: string;
  readonly all: boolean;
}

/** `hazgate user add|remove|token|list|revoke-token`: the local user store (docs/auth.md). */
export interface UserArgs {
  readonly action: 'add' | 'remove' | 'token' | 'list' | 'revoke-token';
  /** The user (add, remove, token) or the token id (revoke-token). */
  readonly subject?: string;
  readonly role?: string;
  readonly sites?: string;
  readonly areas?: string;
  /** `--name`: the token's label. */
  readonly tokenName?: string;
  readonly expires?: string;
  /** `--dir`: the folder of users.db, instead of the site's. */
  readonly dir?: string;
}

/** `hazgate journal audit` filters (docs/audit.md); checked here, `since` turned into a time when run. */
export interface JournalAuditArgs {
  readonly since?: string;
  readonly limit: number;
  readonly kind?: string;
  readonly user?: string;
}

export interface CliArgs {
  readonly command: Command;
  readonly config?: string;
  readonly logLevel: string;
  readonly pki?: PkiArgs;
  /** `journal verify|audit --file`. */
  readonly journalFile?: string;
  /** `journal audit`: present for it, absent for `journal verify`. */
  readonly journalAudit?: JournalAuditArgs;
  /** `rules test FILE...`. */
  readonly ruleTests?: readonly string[];
  readonly user?: UserArgs;
}

export const USAGE = `Usage: hazgate <command> [options]

Commands:
  start     --config FILE   run the gateway for a site
  validate  --config FILE   check a site file; prints every problem and exits 1 when there are any
  simulate  --config FILE   run the site's device simulator (its "simulator" section) against its broker
  demo     [--config FILE]  run the gateway and the simulator together (default: the demo tank farm)
  pki list  --config FILE [--adapter ID]
                            OPC UA certificates of the site's adapters: trusted and rejected, with thumbprints
  pki trust --config FILE --adapter ID (--thumbprint HEX | --file CERT | --all)
                            trust a rejected server certificate (or a certificate file) for that adapter
  journal verify (--config FILE | --file JOURNAL.db)
                            check the alarm journal's hash chain; names the first broken record, exit 1
  journal audit (--config FILE | --file JOURNAL.db) [--since 24h|ISO-TIME] [--limit N] [--kind K] [--user U]
                            the journal's audit records (logins, refusals, administration) as JSON lines, oldest first
  rules test FILE...        run rule tests (a series of readings and the alarm transitions expected); exit 1 on a failure
  centre    --config FILE   run a monitoring centre: take many sites' feeds, serve their alarms (docs/centre.md)
  user add NAME --role viewer|operator|engineer|admin [--sites a,b] [--areas x,y]
                            add a user; the password is asked for (or read from HAZGATE_USER_PASSWORD or stdin)
  user remove NAME          remove a user and their API tokens
  user token NAME [--name LABEL] [--expires 90d|never]
                            issue an API token: printed this once, only its hash is kept
  user list                 users, their roles, scopes and tokens
  user revoke-token ID      revoke an API token
                            user commands take [--config FILE | --dir DIR] (default: the demo site's users.db)
  doctor    --config FILE   validate the site, then check the data folder, databases, listen ports, brokers,
                            devices, servers, InfluxDB and uplink are there and reachable; exit 4 when one is not
  version                   print the version (also --version)

Options:
  --config, -c FILE   site file (YAML)
  --log-level LEVEL   trace | debug | info | warn | error (default info, or HAZGATE_LOG_LEVEL)
  --help, -h          this text

Exit codes: 0 ok, 1 invalid config, 2 bad command line, 3 failed to start, 4 a doctor check failed.`;

const LOG_LEVELS: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

const COMMANDS: readonly Command[] = ['start', 'validate', 'simulate', 'demo', 'pki', 'journal', 'rules', 'centre', 'user', 'doctor', 'version', 'help'];

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string', short: 'c' },
        'log-level': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean' },
        adapter: { type: 'string' },
        thumbprint: { type: 'string' },
        file: { type: 'string' },
        all: { type: 'boolean' },
        role: { type: 'string' },
        sites: { type: 'string' },
        areas: { type: 'string' },
        name: { type: 'string' },
        expires: { type: 'string' },
        dir: { type: 'string' },
        since: { type: 'string' },
        limit: { type: 'string' },
        kind: { type: 'string' },
        user: { type: 'string' },
      },
    });
  } catch (e) {
    throw new HazgateError('HG_ERR_CLI_USAGE', (e as Error).message);
  }
  const { values, positionals } = parsed;
  const logLevel = values['log-level'] ?? env['HAZGATE_LOG_LEVEL'] ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new HazgateError('HG_ERR_CLI_USAGE', `log level "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  if (values.version === true) return { command: 'version', logLevel };
  if (values.help === true || positionals.length === 0) return { command: 'help', logLevel };
  const [name, ...extra] = positionals;
  const command = COMMANDS.find((c) => c === name);
  if (command === undefined) throw new HazgateError('HG_ERR_CLI_USAGE', `unknown command "${name ?? ''}"`);
  const pki = command === 'pki' ? pkiArgs(extra, values) : undefined;
  if (command === 'journal') return journalArgs(extra, values, logLevel);
  if (command === 'rules') {
    if (extra[0] !== 'test' || extra.length < 2) throw new HazgateError('HG_ERR_CLI_USAGE', 'rules needs test FILE...');
    return { command, logLevel, ruleTests: extra.slice(1) };
  }
  if (command === 'user') return { command, logLevel, user: userArgs(extra, values), ...(values.config === undefined ? {} : { config: values.config }) };
  if (command !== 'pki' && extra.length > 0) throw new HazgateError('HG_ERR_CLI_USAGE', `unexpected argument "${extra[0] ?? ''}"`);
  const needsConfig = command === 'start' || command === 'validate' || command === 'simulate' || command === 'pki' || command === 'centre' || command === 'doctor';
  if (needsConfig && values.config === undefined) throw new HazgateError('HG_ERR_CLI_USAGE', `${command} needs --config FILE`);
  return { command, logLevel, ...(values.config === undefined ? {} : { config: values.config }), ...(pki === undefined ? {} : { pki }) };
}

type JournalValues = { config?: string; file?: string; since?: string; limit?: string; kind?: string; user?: string };

function journalArgs(extra: readonly string[], values: JournalValues, logLevel: string): CliArgs {
  const action = extra[0];
  if ((action !== 'verify' && action !== 'audit') || extra.length > 1) throw new HazgateError('HG_ERR_CLI_USAGE', `journal needs verify or audit, got "${extra.join(' ')}"`);
  if ((values.config === undefined) === (values.file === undefined)) throw new HazgateError('HG_ERR_CLI_USAGE', `journal ${action} needs --config FILE or --file JOURNAL.db`);
  const where = { ...(values.config === undefined ? {} : { config: values.config }), ...(values.file === undefined ? {} : { journalFile: values.file }) };
  const filters = (['since', 'limit', 'kind', 'user'] as const).filter((k) => values[k] !== undefined);
  if (action === 'verify') {
    if (filters[0] !== undefined) throw new HazgateError('HG_ERR_CLI_USAGE', `journal verify takes no --${filters[0]}`);
    return { command: 'journal', logLevel, ...where };
  }
  return { command: 'journal', logLevel, ...where, journalAudit: journalAuditArgs(values) };
}

/** `--limit` 1..100000 (default 100), `--since` a duration back from now or a time, `--kind` one of the audit kinds. */
function journalAuditArgs(values: JournalValues): JournalAuditArgs {
  const limit = values.limit === undefined ? 100 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new HazgateError('HG_ERR_CLI_USAGE', `--limit must be a whole number 1..100000, got "${values.limit ?? ''}"`);
  if (values.since !== undefined && parseSince(values.since, 0) === undefined) {
    throw new HazgateError('HG_ERR_CLI_USAGE', `--since must be a duration back from now (30m, 24h, 7d) or a time (2026-11-28T08:00:00+08:00), got "${values.since}"`);
  }
  if (values.kind !== undefined && !isAuditKind(values.kind)) throw new HazgateError('HG_ERR_CLI_USAGE', `--kind must be one of ${AUDIT_KINDS.join(', ')}, got "${values.kind}"`);
  return {
    limit,
    ...(values.since === undefined ? {} : { since: values.since }),
    ...(values.kind === undefined ? {} : { kind: values.kind }),
    ...(values.user === undefined ? {} : { user: values.user }),
  };
}

/** `--since`: a duration back from `now` (`24h`), an ISO 8601 time, or epoch ms; undefined when it is none of these. */
export function parseSince(text: string, now: number): number | undefined {
  const back = parseDurationText(text);
  if (back !== undefined) return now - back;
  if (/^\d+$/.test(text)) return Number(text);
  // A date with a time: a bare date would be read as UTC midnight, not the site's.
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return undefined;
  const t = Date.parse(text);
  return Number.isNaN(t) ? undefined : t;
}

function pkiArgs(extra: readonly string[], values: { adapter?: string; thumbprint?: string; file?: string; all?: boolean }): PkiArgs {
  const [action, ...rest] = extra;
  if (action !== 'list' && action !== 'trust') throw new HazgateError('HG_ERR_CLI_USAGE', `pki needs list or trust, got "${action ?? ''}"`);
  if (rest.length > 0) throw new HazgateError('HG_ERR_CLI_USAGE', `unexpected argument "${rest[0] ?? ''}"`);
  const all = values.all === true;
  if (action === 'trust') {
    if (values.adapter === undefined) throw new HazgateError('HG_ERR_CLI_USAGE', 'pki trust needs --adapter ID');
    const choices = [values.thumbprint !== undefined, values.file !== undefined, all].filter(Boolean).length;
    if (choices !== 1) throw new HazgateError('HG_ERR_CLI_USAGE', 'pki trust needs exactly one of --thumbprint HEX, --file CERT or --all');
  }
  return {
    action,
    all,
    ...(values.adapter === undefined ? {} : { adapter: values.adapter }),
    ...(values.thumbprint === undefined ? {} : { thumbprint: values.thumbprint }),
    ...(values.file === undefined ? {} : { file: values.file }),
  };
}

const USER_ACTIONS: readonly UserArgs['action'][] = ['add', 'remove', 'token', 'list', 'revoke-token'];

type UserValues = { role?: string; sites?: string; areas?: string; name?: string; expires?: string; dir?: string; config?: string };

function userArgs(extra: readonly string[], values: UserValues): UserArgs {
  const [name, ...rest] = extra;
  const action = USER_ACTIONS.find((a) => a === name);
  if (action === undefined) throw new HazgateError('HG_ERR_CLI_USAGE', `user needs ${USER_ACTIONS.join(', ')}, got "${name ?? ''}"`);
  const wanted = action === 'list' ? 0 : 1;
  if (rest.length !== wanted) throw new HazgateError('HG_ERR_CLI_USAGE', action === 'list' ? `unexpected argument "${rest[0] ?? ''}"` : `user ${action} needs ${action === 'revoke-token' ? 'a token ID' : 'a user NAME'}`);
  if (action === 'add' && values.role === undefined) throw new HazgateError('HG_ERR_CLI_USAGE', 'user add needs --role viewer|operator|engineer|admin');
  if (values.config !== undefined && values.dir !== undefined) throw new HazgateError('HG_ERR_CLI_USAGE', 'user takes --config FILE or --dir DIR, not both');
  const allowed: Record<UserArgs['action'], readonly (keyof UserValues)[]> = { add: ['role', 'sites', 'areas'], remove: [], token: ['name', 'expires'], list: [], 'revoke-token': [] };
  for (const key of ['role', 'sites', 'areas', 'name', 'expires'] as const) {
    if (values[key] !== undefined && !allowed[action].includes(key)) throw new HazgateError('HG_ERR_CLI_USAGE', `user ${action} takes no --${key}`);
  }
  const optional = { role: values.role, sites: values.sites, areas: values.areas, tokenName: values.name, expires: values.expires, dir: values.dir };
  return { action, ...(rest[0] === undefined ? {} : { subject: rest[0] }), ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)) };
}
