import { accessSync, constants, existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { databaseFiles, diskSpaceOf, formatBytes, lowSpaceReason } from './data-dir.js';
import type { DoctorCheck } from './doctor.js';
import type { SiteConfig } from './site-config.js';

/** The data folder: there (or creatable), writable, with room. */
export function dataDirCheck(config: SiteConfig): DoctorCheck {
  const dir = config.store.dir;
  return {
    what: `data folder ${dir}`,
    run: async () => {
      if (!existsSync(dir)) {
        let parent = dirname(dir);
        while (!existsSync(parent) && parent !== dirname(parent)) parent = dirname(parent);
        return writable(parent) ? { ok: true, detail: `not there yet; it is made at the first start (${parent} is writable)` } : { ok: false, detail: `missing, and ${parent} is not writable: create ${dir} for the user hazgate runs as` };
      }
      if (!writable(dir)) return { ok: false, detail: 'not writable: give the user hazgate runs as write access (chown/chmod)' };
      const space = diskSpaceOf(dir);
      if (space === null) return { ok: false, detail: 'its free space cannot be read' };
      const low = lowSpaceReason(dir, space);
      return low === undefined ? { ok: true, detail: `writable, ${formatBytes(space.freeBytes)} free` } : { ok: false, detail: `${low}: free space or move store.dir` };
    },
  };
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Each database that exists: opened read-only with a busy timeout and PRAGMA quick_check. A reader
 * never blocks a running gateway's writes (WAL); a database not there yet is made at start.
 */
export function databaseChecks(config: SiteConfig, timeoutMs: number): DoctorCheck[] {
  return databaseFiles(config).map(({ database, file }) => ({
    what: `database ${database} (${file})`,
    run: async () => {
      if (!existsSync(file)) return { ok: true, detail: 'not there yet; made at the first start' };
      let db: Database.Database | undefined;
      try {
        db = new Database(file, { readonly: true, fileMustExist: true, timeout: timeoutMs });
        const rows = db.pragma('quick_check') as Array<{ quick_check: string }>;
        const problems = rows.map((r) => r.quick_check).filter((r) => r !== 'ok');
        return problems.length === 0 ? { ok: true, detail: 'quick_check ok' } : { ok: false, detail: `quick_check found ${problems.length} problem(s), first: ${problems[0] ?? ''}: restore it from a backup (hazgate journal verify for the journal)` };
      } catch (e) {
        return { ok: false, detail: `cannot be read: ${e instanceof Error ? e.message : String(e)}: check its permissions, or restore it from a backup` };
      } finally {
        db?.close();
      }
    },
  }));
}

/** A port to listen on: free, or already held; `hazgate` when the HTTP server there is a hazgate answering /healthz. */
export interface ListenPort {
  readonly what: string;
  readonly host: string;
  readonly port: number;
}

export function listenPortsOf(config: SiteConfig): ListenPort[] {
  const out: ListenPort[] = [{ what: 'HTTP server', host: config.server.host, port: config.server.port }];
  if (config.broker?.enabled === true) out.push({ what: 'embedded MQTT broker', host: config.broker.host, port: config.broker.port });
  for (const a of config.adapters) if (a.kind === 'video-webhook') out.push({ what: `video webhook ${a.id}`, host: a.host, port: a.port });
  return out.filter((p) => p.port !== 0); // 0: any free port, chosen at start
}

/** Each listen port: free, or in use by a running hazgate (its /healthz answers). */
export function portChecks(config: SiteConfig, timeoutMs: number): DoctorCheck[] {
  const ports = listenPortsOf(config);
  let running: Promise<string | null> | undefined;
  const runningHazgate = (): Promise<string | null> => (running ??= healthz(config, timeoutMs));
  return ports.map((p) => ({
    what: `${p.what} port ${p.host}:${p.port}`,
    run: async () => {
      const err = await tryListen(p.host, p.port);
      if (err === null) return { ok: true, detail: 'free' };
      if (err !== 'EADDRINUSE') return { ok: false, detail: `cannot listen (${err}): check the address is one of this host's and the port allowed for this user` };
      const alive = await runningHazgate();
      if (alive !== null) return { ok: true, detail: `in use by the running hazgate (${alive} answers alive)` };
      return { ok: false, detail: 'in use by another program: stop it or choose another port' };
    },
  }));
}

/** null when host:port could be listened on (and was closed again), else the error code. */
export function tryListen(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    server.listen({ host, port, exclusive: true }, () => server.close(() => resolve(null)));
  });
}

/** The URL of /healthz when a hazgate answers `alive` at the configured HTTP port, else null. */
function healthz(config: SiteConfig, timeoutMs: number): Promise<string | null> {
  const tls = config.server.tls !== undefined;
  const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
  const url = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${config.server.port}/healthz`;
  return new Promise((resolve) => {
    // The gateway's own certificate may be for its public name: this only asks whether it is alive.
    const req = (tls ? httpsRequest : httpRequest)(url, { timeout: timeoutMs, ...(tls ? { rejectUnauthorized: false } : {}) }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(res.statusCode === 200 && body.includes('"alive"') ? url : null));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(null));
    req.end();
  });
}
