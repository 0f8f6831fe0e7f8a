import { join } from 'node:path';
import { runInHost } from './runInHost';
import { repoRoot } from './codeServer';
import { filesOf, scratchRepo } from './suite/scratchRepo';

/**
 * `node out/test/integration/runInHostMain.js`: runs the in-host suites (out/test/integration/suite in a
 * trusted workspace, out/test/integration/untrusted in an untrusted one) in code-server, each on a scratch git
 * repository; prints each test and exits non-zero when any failed.
 */
async function main(): Promise<number> {
  const trusted = await runSuite('trusted workspace', 'suite', false);
  const untrusted = await runSuite('untrusted workspace', 'untrusted', true);
  return trusted || untrusted;
}

/** Runs one in-host suite folder on a fresh git repository; 0 when it passed. */
async function runSuite(name: string, folder: string, untrusted: boolean): Promise<number> {
  // The calculator fixture as a fresh repository: the trusted suite runs real tickets on it.
  const repo = scratchRepo(filesOf(join(repoRoot, 'test', 'fixtures', 'calculator')));
  const workspace = repo.dir;
  try {
    const outcome = await runInHost({
      workspace,
      extensionTestsPath: join(__dirname, folder, 'index.js'),
      workspaceTrust: untrusted,
      settings: untrusted ? { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.banner': 'never' } : undefined,
    });
    const r = outcome.results;
    if (!r) {
      console.error(`in-host suite wrote no results (exit ${outcome.exitCode}); console:\n${outcome.console.join('\n')}`);
      return 1;
    }
    for (const t of r.tests) console.log(`${t.state === 'passed' ? '✔' : t.state === 'failed' ? '✘' : '-'} ${t.title}${t.error ? `\n    ${t.error.split('\n').join('\n    ')}` : ''}`);
    console.log(`in-host (${name}): ${r.passes} passing, ${r.failures} failing, ${r.pending} pending (workbench exit ${outcome.exitCode})`);
    for (const line of outcome.console) if (line.includes('SHIPWRIGHT_METRIC')) console.log(line.replace(/^.*SHIPWRIGHT_METRIC /, 'metric: '));
    if (process.env.SHIPWRIGHT_TEST_VERBOSE) console.log(outcome.console.join('\n'));
    return outcome.exitCode === 0 && r.failures === 0 ? 0 : 1;
  } finally {
    repo.cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
