#!/usr/bin/env node
import { parseCli, USAGE, type CliArgs } from './cli/args.js';
import { DEMO_SITE, EXIT, loadOrReport, runDemo, runSimulate, runStart, runValidate, type Running } from './cli/commands.js';
import { runCentre } from './cli/centre.js';
import { runDoctorCommand } from './cli/doctor.js';
import { createLogger } from './cli/logger.js';
import { journalFileOf, runJournal } from './cli/journal.js';
import { runPki } from './cli/pki.js';
import { runRuleTests } from './cli/rules.js';
import { runUserCommand } from './cli/user.js';
import { VERSION } from './app.js';
import { isHazgateError, type Logger } from './core/index.js';

async function main(argv: readonly string[]): Promise<number | Running> {
  let args: CliArgs;
  try {
    args = parseCli(argv, process.env);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  if (args.command === 'help') return (process.stdout.write(`${USAGE}\n`), EXIT.ok);
  if (args.command === 'version') return (process.stdout.write(`hazgate ${VERSION}\n`), EXIT.ok);
  if (args.command === 'journal' && args.journalFile !== undefined) return runJournal(args, args.journalFile);
  if (args.command === 'rules' && args.ruleTests !== undefined) return runRuleTests(args.ruleTests, (line) => process.stdout.write(`${line}\n`));
  if (args.command === 'centre') return runCentre(args.config ?? '', args.logLevel);
  if (args.command === 'user' && args.user !== undefined) return runUserCommand(args.user, args.config);
  const file = args.config ?? DEMO_SITE;
  if (args.command === 'validate') return runValidate(file);
  if (args.command === 'doctor') return runDoctorCommand(file, (line) => process.stdout.write(`${line}\n`));
  const config = loadOrReport(file);
  if (config === null) return EXIT.invalidConfig;
  if (args.command === 'journal') return runJournal(args, journalFileOf(config));
  if (args.command === 'pki' && args.pki !== undefined) return runPki(config, args.pki, (line) => process.stdout.write(`${line}\n`));
  const logger: Logger = createLogger(args.logLevel, { site: config.site.id });
  try {
    if (args.command === 'simulate') return await runSimulate(config, logger);
    if (args.command === 'demo') return await runDemo(config, logger, args.config);
    return await runStart(config, logger, file);
  } catch (e) {
    const code = isHazgateError(e) ? e.code : 'HG_ERR_INTERNAL';
    logger.error({ code, err: e instanceof Error ? e.message : String(e) }, 'hazgate failed to start');
    return EXIT.startFailed;
  }
}

/** First SIGINT/SIGTERM stops gracefully (adapters first, then drain); a second one exits at once. */
function stopOnSignals(running: Running): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`${signal}: stopping\n`);
    running.stop().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(`stop failed: ${String(e)}\n`);
        process.exit(EXIT.startFailed);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  reloadOnSighup(running);
}

/**
 * SIGHUP reloads the site file (docs/reload.md): the gateway logs and audits the result, and keeps
 * its configuration when the file is refused. Without a reload (simulate, demo) SIGHUP is ignored
 * rather than ending the process.
 */
function reloadOnSighup(running: Running): void {
  process.on('SIGHUP', () => {
    if (running.reload === undefined) return void process.stderr.write('SIGHUP: nothing to reload in this mode\n');
    running.reload({ user: 'signal:SIGHUP', address: null }).catch((e: unknown) => process.stderr.write(`SIGHUP: ${e instanceof Error ? e.message : String(e)}\n`));
  });
}

// Bad input is handled where it arrives; an uncaught exception is a bug with unknown state behind
// it. Say so loudly and exit, so the supervisor (systemd) restarts us and the journal restores alarms.
process.on('uncaughtException', (e) => {
  process.stderr.write(`HG_ERR_INTERNAL uncaught exception, exiting for a clean restart: ${e.stack ?? String(e)}\n`);
  process.exit(70);
});

const out = await main(process.argv.slice(2));
// Exit at once with the code: after a failed start nothing may linger half-open (stdout and
// stderr are synchronous for files and pipes on Linux, so nothing printed is lost).
if (typeof out === 'number') process.exit(out);
else stopOnSignals(out);
