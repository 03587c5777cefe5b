import { runRuleTestFile } from '../app/index.js';
import { EXIT } from './commands.js';

/** `hazgate rules test FILE...`: each test's verdict and, for a failure, every difference. Exit 1 when any fails. */
export function runRuleTests(files: readonly string[], write: (line: string) => void): number {
  let failures = 0;
  for (const file of files) {
    const out = runRuleTestFile(file);
    if (out.ok) {
      write(`ok    ${file}: ${out.name} (${out.transitions.length} transitions)`);
      continue;
    }
    failures++;
    write(`FAIL  ${file}: ${out.name}`);
    for (const p of out.problems) write(`      ${p}`);
  }
  write(`${files.length - failures} passed, ${failures} failed`);
  return failures === 0 ? EXIT.ok : EXIT.invalidConfig;
}
