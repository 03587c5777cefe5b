import type { FastifyInstance } from 'fastify';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { HazgateError, silentLogger } from '../../src/core/index.js';
import { CentreScope, CentreWsHub, createCentreHttpServer, createHttpServer, SiteScope, WsHub } from '../../src/server/index.js';
import { TestAuth } from './auth.js';

/**
 * A gateway's and a centre's fastify apps with every route registered and nothing behind them, for
 * the generated references (gen-docs.ts, docs-api tests): the console is a stand-in folder with a
 * page and its icon, so the routes are those of a built console whatever was built here.
 */
export interface DocApps {
  readonly gateway: FastifyInstance;
  readonly centre: FastifyInstance;
  /** Headers of a viewer of everything. */
  viewer(): Record<string, string>;
  close(): Promise<void>;
}

const none = () => [];
const unused = () => {
  throw new Error('unused');
};

function consoleStandIn(dir: string): string {
  const consoleDir = join(dir, 'console');
  mkdirSync(join(consoleDir, 'assets'), { recursive: true });
  writeFileSync(join(consoleDir, 'index.html'), '<!doctype html><meta name="hazgate-mode" content="">');
  writeFileSync(join(consoleDir, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  return consoleDir;
}

export async function openDocApps(version: string): Promise<DocApps> {
  const dir = mkdtempSync(join(tmpdir(), 'hg-doc-apps-'));
  const auth = TestAuth.open(dir);
  const consoleDir = consoleStandIn(dir);
  const alarms = { retained: none, get: () => undefined, act: unused };
  const points = { list: none, get: () => undefined, latest: () => undefined };
  const scope = new SiteScope('s', points, auth.service);
  const hub = new WsHub({ siteId: 's', version, alarms, points, logger: silentLogger, now: () => 0, maxBufferedBytes: 1, maxMessageBytes: 1, scope });
  const gateway = createHttpServer({
    siteId: 's', version, alarms, points, hub, metrics: new Registry(), scope, consoleDir, logger: silentLogger, http: auth.http, now: () => 0, components: () => ({}),
    bypasses: { list: none, register: unused, end: unused, inServiceRates: none },
    journal: { append: () => undefined, loadRetained: none, recent: none, close: () => undefined },
    health: { kpis: unused, floods: none }, history: { query: async () => [], queryColumns: unused },
  });
  const centreScope = new CentreScope(auth.service);
  const centreHub = new CentreWsHub({ centreId: 'c', version, alarms: none, sites: none, logger: silentLogger, now: () => 0, maxBufferedBytes: 1, maxMessageBytes: 1, scope: centreScope });
  const centre = createCentreHttpServer({
    centreId: 'c', version, read: { sites: none, alarms: none, history: none, values: none }, hub: centreHub, metrics: new Registry(), components: () => ({}), now: () => 0, maxBatchBytes: 1024,
    feed: { receiveSigned: () => { throw new HazgateError('HG_ERR_UPLINK_BAD_SIGNATURE', 'unsigned'); }, refuse: (_r, e) => e }, http: auth.http, scope: centreScope, consoleDir,
  });
  await Promise.all([gateway.ready(), centre.ready()]);
  return {
    gateway,
    centre,
    viewer: () => auth.as('docs-viewer', 'viewer'),
    async close() {
      await Promise.all([gateway.close(), centre.close(), hub.close(10), centreHub.close(10)]);
      auth.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
