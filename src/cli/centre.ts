import { Centre, loadCentre, VERSION } from '../app/index.js';
import { formatProblems } from '../config/index.js';
import { isHazgateError, systemClock, type Logger } from '../core/index.js';
import { EXIT, type Running } from './commands.js';
import { createLogger } from './logger.js';

/** `hazgate centre --config FILE`: exit 1 on an invalid config (every problem printed), 3 when it cannot start. */
export async function runCentre(file: string, logLevel: string): Promise<number | Running> {
  const out = loadCentre(file);
  if (!out.ok) {
    process.stderr.write(`${file}: ${out.problems.length} problem(s)\n${formatProblems(out.problems)}\n`);
    return EXIT.invalidConfig;
  }
  const config = out.config;
  const logger: Logger = createLogger(logLevel, { centre: config.centre.id });
  try {
    const centre = await Centre.start(config, { clock: systemClock, logger });
    const inputs = ['http', ...(config.mqtt === undefined ? [] : ['mqtt'])];
    logger.info({ url: centre.url, sites: config.sites.length, inputs, version: VERSION }, `hazgate ${VERSION} centre ${config.centre.id} at ${centre.url}`);
    return centre;
  } catch (e) {
    const code = isHazgateError(e) ? e.code : 'HG_ERR_INTERNAL';
    logger.error({ code, err: e instanceof Error ? e.message : String(e) }, 'hazgate centre failed to start');
    return EXIT.startFailed;
  }
}
