import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import type { InHostResults } from './inHostResults';
import { resultsFileEnv } from './inHostResults';

/**
 * Runs every `*.test.js` in `dir` with mocha's tdd UI inside the real extension host — the body of an in-host
 * suite's `run()` (the contract of `@vscode/test-electron` and of the workbench's `extensionTestsPath`):
 * resolves when every test passed, rejects otherwise. Writes the results (JSON, see InHostResults) to the file
 * named by `SHIPWRIGHT_TEST_RESULTS`, since the host's console goes to the browser, not the terminal.
 */
export async function runMochaIn(dir: string): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 120_000 });
  const grep = process.env.SHIPWRIGHT_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.test.js')).sort()) mocha.addFile(join(dir, f));
  await mocha.loadFilesAsync();
  const results: InHostResults = { passes: 0, failures: 0, pending: 0, tests: [] };
  await new Promise<void>((resolve) => {
    const runner = mocha.run(() => resolve());
    runner.on('pass', (t) => {
      results.passes++;
      results.tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration });
    });
    runner.on('fail', (t, err: unknown) => {
      results.failures++;
      const message = err instanceof Error ? `${err.message}\n${err.stack ?? ''}` : String(err);
      results.tests.push({ title: t.fullTitle(), state: 'failed', error: message });
    });
    runner.on('pending', (t) => {
      results.pending++;
      results.tests.push({ title: t.fullTitle(), state: 'pending' });
    });
  });
  const file = process.env[resultsFileEnv];
  if (file) writeFileSync(file, JSON.stringify(results, null, 2));
  if (results.failures > 0 || results.passes === 0) {
    throw new Error(`${results.failures} of ${results.passes + results.failures} in-host tests failed`);
  }
}
