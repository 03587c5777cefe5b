import { resolveAuthPaths } from './auth-paths.js';
import { centreConfigSchema, centreCrossChecks, loadSiteConfig, resolvePath, type CentreConfig, type LoadResult } from '../config/index.js';

/** Loads and checks a centre file (every problem with file, path and line); its paths are made absolute against its folder. */
export function loadCentre(file: string): LoadResult<CentreConfig> {
  const out = loadSiteConfig(file, centreConfigSchema, centreCrossChecks);
  if (!out.ok) return out;
  const c = out.config;
  const tls = c.server.tls === undefined ? undefined : { cert: resolvePath(file, c.server.tls.cert), key: resolvePath(file, c.server.tls.key) };
  const server = { ...c.server, ...(tls === undefined ? {} : { tls }) };
  const store = { ...c.store, dir: resolvePath(file, c.store.dir) };
  return { ok: true, file, config: { ...c, store, server, auth: resolveAuthPaths(file, c.auth, store.dir) } };
}
