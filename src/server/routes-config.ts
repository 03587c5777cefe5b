import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HazgateError, isHazgateError } from '../core/index.js';
import { principalOf } from './access.js';
import { noQuery, parseRequest } from './parse.js';

/** A reload's answer as the gateway gives it (src/app/reload.ts ReloadResult). */
export interface ConfigReloadAnswer {
  readonly applied: boolean;
  readonly dryRun: boolean;
  readonly plan: unknown;
  readonly digest: string | null;
  readonly previousDigest: string;
  readonly refused?: { readonly code: string; readonly message: string; readonly problems: readonly { readonly file: string; readonly path: string; readonly line?: number; readonly message: string }[] };
}

/** The gateway's configuration reload (docs/reload.md). */
export interface ConfigReloadService {
  /** @throws HazgateError HG_ERR_CONFIG_RELOAD with `details.busy` while another reload runs. */
  reload(by: { user: string; address: string | null }, dryRun: boolean): Promise<ConfigReloadAnswer>;
  /** The running configuration: its file, digest and when it was loaded. */
  current(): { readonly file: string | null; readonly digest: string; readonly loadedAt: number; readonly startedAt: number };
}

const reloadBody = z.object({ dryRun: z.boolean().default(false) }).strict();

function unavailable(): HazgateError {
  return new HazgateError('HG_ERR_CONFIG_RELOAD', 'this server has no configuration to reload');
}

/**
 * `GET /api/config` (the running configuration's digest and load time) and `POST /api/config/reload`
 * (`{}` applies the site file again, `{ "dryRun": true }` answers the plan only), both the
 * administrator's (`config.admin`). 200 `{ applied, plan, digest, … }`; 422 with the full report when
 * the file is invalid or needs a restart (nothing changed); 409 while another reload runs.
 */
export function registerConfigRoutes(app: FastifyInstance, reload: ConfigReloadService | null): void {
  app.get('/api/config', { config: { access: 'config.admin' } }, async (req) => {
    parseRequest(noQuery, req.query, 'query');
    if (reload === null) throw unavailable();
    return reload.current();
  });

  app.post('/api/config/reload', { config: { access: 'config.admin' } }, async (req, reply) => {
    parseRequest(noQuery, req.query, 'query');
    const body = parseRequest(reloadBody, req.body ?? {}, 'reload request');
    if (reload === null) throw unavailable();
    try {
      const out = await reload.reload({ user: principalOf(req).user, address: req.ip }, body.dryRun);
      if (out.refused === undefined) return out;
      return reply.status(422).send({ ...out, error: { code: out.refused.code, message: out.refused.message } });
    } catch (e) {
      if (!isHazgateError(e) || e.details['busy'] !== true) throw e;
      return reply.status(409).send({ error: { code: e.code, message: e.message } });
    }
  });
}
