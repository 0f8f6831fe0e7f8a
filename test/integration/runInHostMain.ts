import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInHost } from './runInHost';

/**
 * `node out/test/integration/runInHostMain.js`: runs the in-host suite (out/test/integration/suite) in
 * code-server on an empty temp folder, prints each test and exits non-zero when any failed.
 */
async function main(): Promise<number> {
  const workspace = mkdtempSync(join(tmpdir(), 'shipwright-ws-'));
  try {
    const outcome = await runInHost({ workspace, extensionTestsPath: join(__dirname, 'suite', 'index.js') });
    const r = outcome.results;
    if (!r) {
      console.error(`in-host suite wrote no results (exit ${outcome.exitCode}); console:\n${outcome.console.join('\n')}`);
      return 1;
    }
    for (const t of r.tests) console.log(`${t.state === 'passed' ? '✔' : t.state === 'failed' ? '✘' : '-'} ${t.title}${t.error ? `\n    ${t.error.split('\n').join('\n    ')}` : ''}`);
    console.log(`in-host: ${r.passes} passing, ${r.failures} failing, ${r.pending} pending (workbench exit ${outcome.exitCode})`);
    for (const line of outcome.console) if (line.includes('SHIPWRIGHT_METRIC')) console.log(line.replace(/^.*SHIPWRIGHT_METRIC /, 'metric: '));
    if (process.env.SHIPWRIGHT_TEST_VERBOSE) console.log(outcome.console.join('\n'));
    return outcome.exitCode === 0 && r.failures === 0 ? 0 : 1;
  } finally {
    rmSync(workspace, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
