import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { authHeaders, provisionToken } from './auth.js';
import { GatewayProcess } from './gateway-process.js';
import { waitFor } from './wait.js';

/**
 * The provincial feed as processes: site gateways (`hazgate start` with an `uplink` section) and
 * centres (`hazgate centre`), each with its own config file and HTTP port, restartable on the same
 * data folder; and what each holds of a site's journal, read from its SQLite files.
 *
 * Configs are written as JSON, which is YAML too: no quoting to get wrong.
 */

/** One journal record as both sides keep it: the journal's seq, the record's text, its chain hash. */
export interface ChainedRecord {
  readonly seq: number;
  readonly record: string;
  readonly hash: string | null;
}

/** A GET over HTTP, or HTTPS trusting `ca` (a self-signed centre); rejects when nothing answers. */
export function httpGet(url: string, ca?: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const done = (res: import('node:http').IncomingMessage): void => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
    };
    const req = url.startsWith('https:') ? httpsRequest(url, { headers, ...(ca === undefined ? {} : { ca }) }, done) : httpRequest(url, { headers }, done);
    req.setTimeout(10_000, () => req.destroy(new Error(`GET ${url}: no answer in 10 s`)));
    req.on('error', reject);
    req.end();
  });
}

/** What a process serving HTTP(S) on a fixed port needs to be stopped, killed and started again. */
class RestartableProcess {
  private proc: GatewayProcess | undefined;
  /** Output of every run so far, for failure messages. */
  private earlier = '';

  constructor(
    readonly name: string,
    readonly http: string,
    private readonly args: readonly string[],
    private readonly ca?: Buffer,
    /** An API token of a user in its users.db (its API wants one; probes and /metrics do not). */
    private readonly token?: string,
  ) {}

  /** Spawns it and waits for `probe` (/readyz, or /healthz: answering) to say 200; one that exits fails at once with its output. */
  async start(readyMs = 30_000, probe: '/readyz' | '/healthz' = '/readyz'): Promise<void> {
    if (this.proc !== undefined) this.earlier += this.proc.output;
    const proc = GatewayProcess.spawn([...this.args], {});
    this.proc = proc;
    await waitFor(async () => proc.exitCode !== null || (await this.get(probe).catch(() => null))?.status === 200, readyMs, `${this.name} to answer 200 on ${probe}`, 100);
    if (proc.exitCode !== null) throw new Error(`${this.name} exited with ${proc.exitCode}:\n${this.tail()}`);
  }

  async kill9(): Promise<void> {
    await this.proc?.kill9();
  }

  async stop(): Promise<void> {
    await this.proc?.stop();
  }

  get running(): boolean {
    return this.proc !== undefined && this.proc.exitCode === null;
  }

  /** The last lines of its output (every run), to name what went wrong. */
  tail(lines = 30): string {
    return `${this.earlier}${this.proc?.output ?? ''}`.trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** An unlabelled sample of /metrics, or NaN when absent or the process does not answer. */
  async metric(name: string): Promise<number> {
    const text = await this.get('/metrics').then((r) => r.body).catch(() => '');
    const m = new RegExp(`^${name.replace(/[{}"]/g, (c) => `\\${c}`)} ([0-9.e+-]+)$`, 'm').exec(text);
    return m === null ? Number.NaN : Number(m[1]);
  }

  get(path: string): Promise<{ status: number; body: string }> {
    return httpGet(`${this.http}${path}`, this.ca, this.authorization);
  }

  protected get authorization(): Record<string, string> {
    return this.token === undefined ? {} : authHeaders(this.token);
  }

  protected async getJson<T>(path: string): Promise<T> {
    const res = await this.get(path);
    if (res.status !== 200) throw new Error(`${this.name}: GET ${path} answered ${res.status}: ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as T;
  }
}

export interface SiteGatewaySpec {
  readonly site: string;
  readonly dir: string;
  readonly httpPort: number;
  /** The site config without `store` and `server`, which are filled in here. */
  readonly config: Record<string, unknown>;
}

export interface GatewayAlarm {
  readonly conditionId: string;
  readonly eventId: string;
  readonly state: string;
}

/** A site gateway process: `hazgate start --config <dir>/site.yaml`, its data in `<dir>/data`. */
export class SiteGateway extends RestartableProcess {
  readonly site: string;
  readonly dataDir: string;

  constructor(spec: SiteGatewaySpec) {
    mkdirSync(spec.dir, { recursive: true });
    const file = join(spec.dir, 'site.yaml');
    const dataDir = join(spec.dir, 'data');
    writeFileSync(file, JSON.stringify({ ...spec.config, store: { dir: dataDir }, server: { port: spec.httpPort } }, null, 1));
    // users.db of the site, <store dir>/auth: an operator who acknowledges as the storm's operator.
    super(spec.site, `http://127.0.0.1:${spec.httpPort}`, ['start', '--config', file], undefined, provisionToken(join(dataDir, 'auth'), 'storm.operator', 'operator'));
    this.site = spec.site;
    this.dataDir = dataDir;
  }

  /** The outbox's last seq and the centre's last ack (hazgate_uplink_*). */
  async feedSeqs(): Promise<{ last: number; acked: number }> {
    return { last: await this.metric('hazgate_uplink_last_seq'), acked: await this.metric('hazgate_uplink_acked_seq') };
  }

  async alarms(): Promise<GatewayAlarm[]> {
    return (await this.getJson<{ alarms: GatewayAlarm[] }>('/api/alarms')).alarms;
  }

  /** Acknowledges an alarm as an operator would (its latest eventId); false when the gateway refused or is away. */
  async acknowledge(a: GatewayAlarm): Promise<boolean> {
    const res = await fetch(`${this.http}/api/alarms/${a.conditionId}/acknowledge`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.authorization },
      body: JSON.stringify({ eventId: a.eventId }),
    }).catch(() => null);
    return res?.status === 200;
  }

  /** Every record of its journal.db, in seq order. */
  journal(): ChainedRecord[] {
    const db = new Database(join(this.dataDir, 'journal.db'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare<[], ChainedRecord>('SELECT seq, record, hash FROM alarm_transitions ORDER BY seq').all();
    } finally {
      db.close();
    }
  }
}

export interface CentreNodeSpec {
  readonly name: string;
  readonly dir: string;
  readonly httpPort: number;
  readonly config: Record<string, unknown>;
}

export interface CentreSiteView {
  readonly site: string;
  readonly lastSeq: number;
  readonly ackUpto: number;
  readonly gaps: { readonly open: number[][]; readonly lost: number[][] };
  readonly chain: { readonly verdict: string; readonly records: number; readonly tampered: { seq: number; problem: string }[] };
  readonly alarms: { readonly total: number };
  readonly messages: { readonly applied: number; readonly duplicates: number };
}

export interface CentreAlarm extends GatewayAlarm {
  readonly site: string;
  readonly journalSeq: number;
}

/** A centre process: `hazgate centre --config <dir>/<name>.yaml` (the store dir is in its config). */
export class CentreNode extends RestartableProcess {
  /** With `server.tls` in the config it is reached over HTTPS, trusting its certificate file. */
  constructor(spec: CentreNodeSpec) {
    mkdirSync(spec.dir, { recursive: true });
    const file = join(spec.dir, `${spec.name}.yaml`);
    const server = (spec.config['server'] ?? {}) as { tls?: { cert: string } };
    writeFileSync(file, JSON.stringify({ ...spec.config, server: { ...server, port: spec.httpPort } }, null, 1));
    const tls = server.tls;
    // users.db of the centre, <store dir>/auth (its store dir is `data` beside the config unless given).
    const storeDir = (spec.config['store'] as { dir?: string } | undefined)?.dir ?? join(spec.dir, 'data');
    const token = provisionToken(join(storeDir, 'auth'), 'inspector', 'viewer');
    super(spec.name, `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${spec.httpPort}`, ['centre', '--config', file], tls === undefined ? undefined : readFileSync(tls.cert), token);
  }

  async sites(): Promise<CentreSiteView[]> {
    return (await this.getJson<{ sites: CentreSiteView[] }>('/api/sites')).sites;
  }

  async site(id: string): Promise<CentreSiteView | undefined> {
    return (await this.sites()).find((s) => s.site === id);
  }

  async alarms(site: string): Promise<CentreAlarm[]> {
    return (await this.getJson<{ alarms: CentreAlarm[] }>(`/api/alarms?site=${encodeURIComponent(site)}`)).alarms;
  }
}

/** A site's journal records as the centre stored them (centre.db, table journal), in journal seq order. */
export function centreJournal(storeDir: string, site: string): ChainedRecord[] {
  const db = new Database(join(storeDir, 'centre.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[string], ChainedRecord>('SELECT jseq AS seq, record, hash FROM journal WHERE site = ? ORDER BY jseq').all(site);
  } finally {
    db.close();
  }
}

/** How many feed messages of a site up to a seq the centre stored (table applied: one row per site and seq). */
export function centreAppliedCount(storeDir: string, site: string, upto: number): number {
  const db = new Database(join(storeDir, 'centre.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare<[string, number], { n: number }>('SELECT count(*) AS n FROM applied WHERE site = ? AND seq <= ?').get(site, upto)?.n ?? 0;
  } finally {
    db.close();
  }
}
