import { parseArgs } from 'node:util';
import { HazgateError } from '../core/index.js';

export type Command = 'start' | 'validate' | 'simulate' | 'demo' | 'version' | 'help';

export interface CliArgs {
  readonly command: Command;
  readonly config?: string;
  readonly logLevel: string;
}

export const USAGE = `Usage: hazgate <command> [options]

Commands:
  start     --config FILE   run the gateway for a site
  validate  --config FILE   check a site file; prints every problem and exits 1 when there are any
  simulate  --config FILE   run the site's device simulator (its "simulator" section) against its broker
  demo     [--config FILE]  run the gateway and the simulator together (default: the demo tank farm)
  version                   print the version (also --version)

Options:
  --config, -c FILE   site file (YAML)
  --log-level LEVEL   trace | debug | info | warn | error (default info, or HAZGATE_LOG_LEVEL)
  --help, -h          this text

Exit codes: 0 ok, 1 invalid config, 2 bad command line, 3 failed to start.`;

const LOG_LEVELS: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

const COMMANDS: readonly Command[] = ['start', 'validate', 'simulate', 'demo', 'version', 'help'];

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
  if (extra.length > 0) throw new HazgateError('HG_ERR_CLI_USAGE', `unexpected argument "${extra[0] ?? ''}"`);
  const needsConfig = command === 'start' || command === 'validate' || command === 'simulate';
  if (needsConfig && values.config === undefined) throw new HazgateError('HG_ERR_CLI_USAGE', `${command} needs --config FILE`);
  return { command, logLevel, ...(values.config === undefined ? {} : { config: values.config }) };
}
