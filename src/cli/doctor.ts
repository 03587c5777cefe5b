import { formatDoctorResult, runDoctor, VERSION } from '../app/index.js';
import { EXIT, loadOrReport } from './commands.js';

/**
 * `hazgate doctor --config FILE`: the site is validated as `validate` does (every problem, exit 1),
 * then each check prints `ok` or `FAIL` with what to do; exit 4 when any check failed.
 */
export async function runDoctorCommand(file: string, write: (line: string) => void): Promise<number> {
  const config = loadOrReport(file);
  if (config === null) return EXIT.invalidConfig;
  write(`hazgate ${VERSION} doctor, site ${config.site.id}`);
  write(`ok   config ${file}: ${config.points.length} points, ${config.rules.length} rules, ${config.adapters.length} adapters`);
  const results = await runDoctor(config);
  for (const r of results) write(formatDoctorResult(r));
  const failed = results.filter((r) => !r.ok).length;
  write(failed === 0 ? `all ${results.length} checks ok` : `${failed} of ${results.length} checks failed`);
  return failed === 0 ? EXIT.ok : EXIT.checksFailed;
}
