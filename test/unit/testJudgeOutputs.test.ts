import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { failingTests, judgeBaseline, passes, redCheck, RESULT_LINE } from '../../src/core/pipeline/implementation/testJudge';
import { setupProblem } from '../../src/core/pipeline/implementation/setupProblem';
import { runTestCommand, type TestRunResult } from '../../src/core/workspace/testCommandRunner';

/**
 * Output recorded from the real tools (test/fixtures/runner-output, captured with CI=true NO_COLOR=1 on 2026-11-30):
 * ava 3.15 (sindresorhus/slugify's), ava 6.4, xo 0.38 as `npm test`'s linter, Node 20's test runner and mocha 12 on
 * ES modules (a missing export, a missing file, a name a package lacks), mocha on a test file that throws while loading,
 * pytest 9 -v stopped at collection (recorded by a reviewer helper), jest 29 through kcd-scripts with two test files, tsc 5 on an import the code does not export, npx
 * without network and in npm's offline mode, @hapi/lab 26 on hapijs/bourne (passing, and a test using an undeclared
 * name).
 */
const output = (name: string): string => readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'runner-output', name), 'utf8');
const run = (command: string, exitCode: number, text: string): TestRunResult => ({
  command, exitCode, timedOut: false, cancelled: false, output: text, redacted: 0, confined: true, outputChars: text.length, durationMs: 2_000,
});

suite('the test judge on real runners\' output', () => {
  test('@hapi/lab\'s dot reporter names no passing test, but a run that prints no summary where the baseline printed one is not green (output silenced, exit forced to 0)', () => {
    const base = run('lab -a @hapi/code', 0, output('lab-pass.txt'));
    const judged = judgeBaseline(base);
    assert.ok(judged.ok);
    assert.equal(judged.baseline.passing.length, 0, 'lab names no passing test');
    assert.equal(judged.baseline.summarized, true);
    // What a probe's code step left on hapijs/bourne: process.stdout/stderr writes made no-ops, exit code forced to 0.
    assert.equal(passes(run('lab -a @hapi/code', 0, ''), judged.baseline), false);
    assert.equal(passes(base, judged.baseline), true);
    // A command that printed no summary before any change is judged by its exit code as before.
    assert.equal(passes(run('lab -a @hapi/code', 0, ''), { failures: [], passing: [], summarized: false }), true);
  });

  test('@hapi/lab: a name the new test never declares (`Bourn`, printed without ReferenceError above the frames) is the wrong reason', () => {
    // @hapi/lab 26 on hapijs/bourne, a test calling `Bourn.parse` (a typo of Bourne): a probe paid six code attempts for it.
    const red = run('lab -a @hapi/code test/wn.js', 1, output('lab-not-defined.txt'));
    const objections = redCheck(red, ['test/wn.js']);
    assert.equal(objections.length, 1, JSON.stringify(objections));
    assert.match(objections[0].message, /wrong reason: `Bourn` is not defined where the test uses it \(\.\/test\/wn\.js:8\)/);
  });

  test('ava 3 (`✖ name`) and ava 4 and later (`✘ [fail]: name`) name their failing tests as they name passing ones', () => {
    assert.deepEqual(failingTests(run('npx ava', 1, output('ava3-fail.txt'))), ['known failure']);
    assert.deepEqual(failingTests(run('npx ava', 1, output('ava6-fail.txt'))), ['breaks']);
    // A suite that already fails is judged against those failures instead of being refused as unreadable.
    const baseline = judgeBaseline(run('npx ava', 1, output('ava3-fail.txt')));
    assert.ok(baseline.ok);
    assert.deepEqual(baseline.baseline.failures, ['known failure']);
    assert.ok(baseline.baseline.passing.includes('custom separator') && baseline.baseline.passing.length === 20);
    // A test that passed before and fails after the tests step is seen as broken, with ava 6's names too.
    const ava6 = { failures: [], passing: ['adds', 'breaks'] };
    assert.match(redCheck(run('npx ava', 1, output('ava6-fail.txt')), ['test.js'], ava6)[0]?.message ?? '', /tests that passed before now fail: breaks/);
  });

  test('jest with several test files (not verbose): failures are read from its `● suite › name` blocks, so a failure already in the file the ticket extends masks nothing', () => {
    // kentcdodds/match-sorter with one known failure in src/__tests__/index.ts and a second test file.
    const before = judgeBaseline(run('npm test', 1, output('jest-multifile-baseline.txt')));
    assert.ok(before.ok);
    assert.deepEqual(before.baseline.failures, ['known failure: matches across word boundaries']);
    const red = run('npm test', 1, output('jest-multifile-red.txt'));
    assert.deepEqual(failingTests(red), ['known failure: matches across word boundaries', 'rankString › ranks equal strings', 'rankString › ranks each kind of partial match like matchSorter', 'rankString › ignores diacritics unless keepDiacritics is set']);
    assert.deepEqual(redCheck(red, ['src/__tests__/index.ts'], before.baseline), [], 'the new tests fail: red for the right reason');
    assert.equal(passes(red, before.baseline), false, 'new failures are not green');
    assert.equal(passes(run('npm test', 1, output('jest-multifile-baseline.txt')), before.baseline), true, 'only the known failure left: green');
  });

  test('a linter that stops `xo && ava` names no test: red is refused, because the new tests never ran', () => {
    const baseline = judgeBaseline(run('npx xo && npx ava', 0, output('ava3-pass.txt')));
    assert.ok(baseline.ok);
    const lint = run('npx xo && npx ava', 1, output('xo-fail.txt'));
    assert.equal(failingTests(lint), undefined, "xo's `✖  210:6  message  rule` lines are not tests");
    const objections = redCheck(lint, ['test.js'], baseline.baseline);
    assert.equal(objections.length, 1);
    assert.match(objections[0].message, /exited 1 in 2\.0 s before any test ran: none of the 20 tests that passed before any change is reported/);
    assert.match(objections[0].message, /linter/);
    assert.equal(passes(lint, baseline.baseline), false);
    // Once the linter passes and ava runs, the new test failing is red for the right reason.
    const red = run('npx xo && npx ava', 1, output('ava3-fail.txt'));
    assert.deepEqual(redCheck(red, ['test.js'], baseline.baseline), []);
  });

  test('a runner stopped before any test because the code lacks what the new tests use is red for the right reason: mocha on ES modules, a load-time throw, `tsc && …`', () => {
    const baseline = judgeBaseline(run('npx mocha test/', 0, output('mocha-esm-pass.txt')));
    assert.ok(baseline.ok);
    assert.deepEqual(baseline.baseline.passing, ['adds']);
    // mocha loads every ES module before running any: a missing export or a missing new file stops the whole run.
    assert.deepEqual(redCheck(run('npx mocha test/', 1, output('mocha-esm-missing-export.txt')), ['test/has.test.js'], baseline.baseline), []);
    assert.deepEqual(redCheck(run('npx mocha test/', 1, output('mocha-esm-missing-file.txt')), ['test/slug.test.js'], baseline.baseline), []);
    // A name a package does not export is the test's mistake, not missing behaviour: never red.
    assert.equal(redCheck(run('npx mocha test/', 1, output('mocha-esm-package-export.txt')), ['test/pkg.test.js'], baseline.baseline).length, 1);
    // A new test file that throws while loading, with its own frame in the stack.
    const thrown = run('npx mocha test/', 1, output('mocha-cjs-load-throw.txt'));
    assert.deepEqual(redCheck(thrown, ['test/has.test.js'], baseline.baseline), []);
    assert.equal(redCheck(thrown, ['test/other.test.js'], baseline.baseline).length, 1, 'a throw in another file does not count');
    // The type check before the tests refuses an import of a name the code does not export yet, a new method, a new
    // parameter; a name a package lacks is the test's mistake.
    assert.deepEqual(redCheck(run('tsc -p . && npx mocha', 2, output('tsc-missing-export.txt')), ['test/has.test.ts'], baseline.baseline), []);
    assert.deepEqual(redCheck(run('tsc -p . && npx mocha', 2, output('tsc-new-option.txt')), ['test/slug.test.ts'], baseline.baseline), []);
    const fromPackage = output('tsc-missing-export.txt').replace(`Module '"../index"'`, `Module '"lodash"'`);
    assert.equal(redCheck(run('tsc -p . && npx mocha', 2, fromPackage), ['test/has.test.ts'], baseline.baseline).length, 1);
  });

  test('pytest -v stopped at collection: a name the repository lacks is red; a missing package or a name from site-packages is not', () => {
    const baseline = judgeBaseline(run('pytest -v', 0, output('pytest-pass.txt')));
    assert.ok(baseline.ok);
    assert.deepEqual(baseline.baseline.passing, ['tests/test_a.py::test_a']);
    const missingName = output('pytest-missing-name.txt');
    assert.deepEqual(redCheck(run('pytest -v', 2, missingName), ['tests/test_b.py'], baseline.baseline), []);
    assert.equal(redCheck(run('pytest -v', 2, output('pytest-missing-package.txt')), ['tests/test_b.py'], baseline.baseline).length, 1);
    const fromSitePackages = missingName.replace('(./mypkg/slug.py)', '(./.venv/lib/python3.11/site-packages/requests/__init__.py)');
    assert.equal(redCheck(run('pytest -v', 2, fromSitePackages), ['tests/test_b.py'], baseline.baseline).length, 1);
    // Words in a test's name are not an error.
    assert.equal(redCheck(run('npx xo && pytest -v', 1, `${output('xo-fail.txt')}\n  it('cannot import name parsing')\n`), ['tests/test_b.py'], baseline.baseline).length, 1);
  });

  test('a runner whose lines are not recognised is still judged by its exit code alone', () => {
    const custom = run('make check', 2, 'checking calculator... mismatch: expected 2, got undefined\nmake: *** [check] Error 2\n');
    assert.deepEqual(redCheck(custom, ['test/check.sh'], { failures: [], passing: [] }), []);
  });

  test('an ES module importing a function the code does not export yet is red for the right reason, not a syntax error', () => {
    const esm = run('node --test test/', 1, output('node-esm-missing-export.txt'));
    assert.match(esm.output, /SyntaxError: The requested module '\.\.\/src\/calc\.js' does not provide an export named 'sub'/);
    assert.deepEqual(redCheck(esm, ['test/sub.test.js']), []);
    // A real syntax error in the same file still is one.
    const broken = run('node --test test/', 1, esm.output.replace("does not provide an export named 'sub'", "Unexpected token ')'").replace('The requested module', 'Bad'));
    assert.match(redCheck(broken, ['test/sub.test.js'])[0]?.message ?? '', /SyntaxError in the test code itself/);
  });

  test('npx that cannot download the runner is a missing runner, not a failing suite: offline (at once) and without network', () => {
    for (const [file, code] of [['npx-offline.txt', 'ENOTCACHED'], ['npx-no-network.txt', 'EAI_AGAIN']]) {
      const npx = run('npx ava', 1, output(file));
      assert.match(setupProblem(npx) ?? '', new RegExp(`npm tried to download \`ava\` to run it \\(npm error ${code}; .*\\), and tests run without network: the test runner is not installed`));
      const judged = judgeBaseline(npx);
      assert.ok(!judged.ok);
      assert.match(judged.advice, /cannot run in the worktree before any change: npm tried to download `ava`.*Install the project's dependencies/);
    }
    // A script that calls a package manager the machine lacks (unjs/destr: `pnpm lint && vitest run --coverage`).
    assert.match(setupProblem(run('npm test', 127, '\n> destr@2.0.5 test\n> pnpm lint && vitest run --coverage\n\nsh: 1: pnpm: not found\n')) ?? '', /calls the package manager pnpm, which is not installed where the tests run; a testCommand that calls the test runner itself/);
    // `npm test` failing prints `npm error code 1`: that is the suite failing, not a download.
    assert.equal(setupProblem(run('npm test', 1, 'not ok 1 - adds\nnpm error Lifecycle script `test` failed with error:\nnpm error code 1\n')), undefined);
  });

  test('node:test subtests in an existing test (wooorm/markdown-table): the parent that fails with them is no test of its own, in TAP and in the spec reporter', () => {
    for (const reporter of ['tap', 'spec']) {
      const before = judgeBaseline(run('node --test', 0, output(`node20-${reporter}-base.txt`)));
      assert.ok(before.ok);
      assert.equal(before.baseline.passing.length, 14, `${reporter}: the 14 subtests, not their parent`);
      assert.ok(!before.baseline.passing.includes('markdownTable()'));
      const red = run('node --test', 1, output(`node20-${reporter}-red.txt`));
      assert.deepEqual(failingTests(red), ['should escape pipes with `escapePipes`'], reporter);
      assert.deepEqual(redCheck(red, ['test.js'], before.baseline), [], `${reporter}: a new subtest failing is red for the right reason`);
    }
  });

  test('a parent is dropped only where it failed because of its subtests: one failing on its own, or another file\'s test of the same name, still fails', () => {
    const before = { failures: ['old broken'], passing: [] };
    // TAP: subtests pass, the parent's own body then throws.
    const own = ['    ok 1 - child', '    1..1', 'not ok 1 - parent', 'not ok 2 - old broken', '1..2'].join('\n');
    assert.deepEqual(failingTests(run('node --test', 1, own)), ['parent', 'old broken']);
    assert.equal(passes(run('node --test', 1, own), before), false, 'a parent failing on its own is a failure');
    // Another file's leaf test named like a parent elsewhere in the run.
    const twoFiles = ['    not ok 1 - inner', '    1..1', 'not ok 1 - add', '# file 2', 'not ok 1 - add', '1..1'].join('\n');
    assert.deepEqual(failingTests(run('node --test', 1, twoFiles)), ['inner', 'add']);
    // spec: a group whose subtests pass but which fails itself.
    const spec = ['▶ parent', '  ✔ child (1ms)', '✖ parent (2ms)', '', '✖ failing tests:', '', '✖ parent (2ms)'].join('\n');
    assert.deepEqual(failingTests(run('node --test', 1, spec)), ['parent']);
    // A parent whose subtest failed (known before) and which then failed on its own: TAP says so in failureType,
    // spec lists it in the failing-tests summary (where node leaves out parents that failed only through a subtest).
    const known = { failures: ['X'], passing: [] };
    const tapBoth = ['    not ok 1 - X', '      ---', "      failureType: 'testCodeFailure'", '      ...', '    1..1', 'not ok 1 - P', '  ---', '  duration_ms: 3', "  failureType: 'testCodeFailure'", "  error: 'P itself broke'", '  ...', '1..1'].join('\n');
    assert.deepEqual(failingTests(run('node --test', 1, tapBoth)), ['X', 'P']);
    assert.equal(passes(run('node --test', 1, tapBoth), known), false);
    const tapOnlyChild = tapBoth.replace("  failureType: 'testCodeFailure'\n  error: 'P itself broke'", "  failureType: 'subtestsFailed'\n  error: '1 subtest failed'");
    assert.deepEqual(failingTests(run('node --test', 1, tapOnlyChild)), ['X']);
    const specBoth = ['▶ P', '  ✖ X (1ms)', '✖ P (2ms)', '', '✖ failing tests:', '', 'test at a.test.js:2:5', '✖ X (1ms)', 'test at a.test.js:1:1', '✖ P (2ms)'].join('\n');
    assert.deepEqual(failingTests(run('node --test', 1, specBoth)), ['X', 'P']);
    assert.equal(passes(run('node --test', 1, specBoth), known), false);
    // Two runs in one command: the second file's leaf `parse` fails; the first file's parent of that name did not.
    const twoRuns = ['▶ parse', '  ✖ old (1ms)', '✖ parse (2ms)', '✖ failing tests:', '✖ old (1ms)', '✔ other (1ms)', '▶ b', '  ✔ fine (1ms)', '▶ b (1ms)', '✖ parse (1ms)', '✖ failing tests:', '✖ parse (1ms)'].join('\n');
    assert.deepEqual(failingTests(run('node --test a.test.js; node --test b.test.js', 1, twoRuns)), ['old', 'parse']);
    assert.equal(passes(run('node --test', 1, twoRuns), { failures: ['old'], passing: [] }), false);
  });

  test('result lines cut at their cap are not read as the whole run: a failure may be among the lines left out', async () => {
    const truncated: TestRunResult = { ...run('pytest -v', 1, 'FAILED tests/a.py::test_old\n'), resultLines: 'FAILED tests/a.py::test_old', resultLinesTruncated: true };
    assert.equal(failingTests(truncated), undefined);
    assert.equal(passes(truncated, { failures: ['tests/a.py::test_old'], passing: [] }), false);
    // A result line of a megabyte (pytest under CI=true does not shorten its summary line) keeps its start, where the
    // name is: the failure still counts; a long line of anything else is not kept; the lines after both are.
    const file = join(__dirname, '..', '..', '..', 'test-results', 'long-line.txt');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${'x'.repeat(1_000_000)}\nFAILED tests/x.py::test_new - ValueError: bad input ${'y'.repeat(1_000_000)}\nnot ok 1 - after the long lines\n`);
    const r = await runTestCommand({ command: `cat '${file}'; exit 1`, cwd: __dirname, timeoutMs: 20_000, outputBudgetChars: 8_000, keepLines: RESULT_LINE });
    const kept = (r.resultLines ?? '').split('\n');
    assert.equal(kept.length, 2);
    assert.ok(kept[0].startsWith('FAILED tests/x.py::test_new - ValueError: bad input yyy') && kept[0].length === 4_096);
    assert.equal(kept[1], 'not ok 1 - after the long lines');
    assert.equal(r.resultLinesTruncated, undefined);
    assert.deepEqual(failingTests(r)?.sort(), ['after the long lines', 'tests/x.py::test_new']);
    // Past the cap (2 MB of result lines: 250,000 of them here) the keeper stops and says so; a late failure was among those left out.
    const many = await runTestCommand({ command: "yes 'ok 1 - passes' | head -n 250000; echo 'not ok 2 - fails late'; exit 1", cwd: __dirname, timeoutMs: 20_000, outputBudgetChars: 8_000, keepLines: RESULT_LINE });
    assert.equal(many.resultLinesTruncated, true);
    assert.ok(!(many.resultLines ?? '').includes('fails late'));
    assert.equal(failingTests(many), undefined, 'a failing run that was cut cannot be read');
    assert.equal(passes(many, { failures: ['fails late'], passing: [] }), false);
  });

  test('a name the new test neither declares nor imports is the wrong reason: ReferenceError (node:test TAP) and NameError (pytest -q)', () => {
    const before = judgeBaseline(run('node --test', 0, output('node20-tap-base.txt')));
    assert.ok(before.ok);
    const js = redCheck(run('node --test', 1, output('node20-tap-ref.txt')), ['test.js'], before.baseline);
    assert.equal(js.length, 1);
    assert.match(js[0].message, /wrong reason: `markdownTabel` is not defined where the test uses it \(\.\/test\.js:327\)/);
    const py = redCheck(run('python3 -m pytest -q', 1, output('pytest-q-name-error.txt')), ['tests/test_peek.py'], { failures: [], passing: [] });
    assert.equal(py.length, 1);
    assert.match(py[0].message, /`peek` is not defined where the test uses it \(tests\/test_peek\.py:7\)/);
    // Thrown in the code under test, it is not the test's fault: no objection of this kind.
    assert.deepEqual(redCheck(run('node --test', 1, 'not ok 1 - adds\n  ---\n  error: \'helper is not defined\'\n  name: \'ReferenceError\'\n  stack: |-\n    add (file://./src/calc.js:3:10)\n  ...\n'), ['test/calc.test.js']), []);
  });

  test('pytest -q (tkem/cachetools): a module no task creates and a package that is not installed are the wrong reason; a module the plan creates is red', () => {
    const clean = { failures: [], passing: [] };
    const submodule = run('python3 -m pytest -q', 2, output('pytest-q-missing-submodule.txt'));
    assert.match(redCheck(submodule, ['tests/test_peek.py'], clean)[0]?.message ?? '', /the module 'cachetools\.inspect', which does not exist and which no task of the plan creates/);
    assert.deepEqual(redCheck(submodule, ['tests/test_peek.py'], clean, { files: ['src/cachetools/inspect.py', 'tests/test_peek.py'], text: '' }), []);
    assert.match(redCheck(run('python3 -m pytest -q', 2, output('pytest-q-missing-package.txt')), ['tests/test_peek.py'], clean)[0]?.message ?? '', /the package 'freezegun', which is not installed/);
    // Under -v the baseline names passing tests; a planned module stopping collection is still red, not "before any test ran".
    const verbose = judgeBaseline(run('pytest -v', 0, output('pytest-pass.txt')));
    assert.ok(verbose.ok && verbose.baseline.passing.length > 0);
    assert.deepEqual(redCheck(submodule, ['tests/test_peek.py'], verbose.baseline, { files: ['src/cachetools/inspect.py'], text: '' }), []);
  });

  test('the repository\'s own Python package not importable before any change stops with how to make it importable, not "failures cannot be told apart"', () => {
    const judged = judgeBaseline(run('python3 -m pytest', 2, output('pytest-own-package-missing.txt')));
    assert.ok(!judged.ok);
    assert.match(judged.advice, /Python cannot import 'cachetools' \(`python3 -m pytest` exited 2 in 2\.0 s\)\. If 'cachetools' is this repository's own package, make it importable where the tests run: `PYTHONPATH=src` .*`pip install -e \.` as `worktree\.setupCommand`/);
    // One test importing a missing module inside its body is a failure like any other, recorded as pre-existing.
    const runtime = judgeBaseline(run('python3 -m pytest -q', 1, 'FAILED tests/test_cfg.py::test_yaml - ModuleNotFoundError: No module named \'yaml\'\n1 failed, 276 passed in 0.9s\n'));
    assert.ok(runtime.ok);
    assert.deepEqual(runtime.baseline.failures, ['tests/test_cfg.py::test_yaml']);
    // A missing runner in a Python project gets Python's install example, not npm's.
    const missing = judgeBaseline(run('python3 -m pytest', 127, 'sh: 1: python3: not found\n'));
    assert.ok(!missing.ok);
    assert.match(missing.advice, /`worktree\.setupCommand` such as `pip install -e \.`/);
    assert.doesNotMatch(missing.advice, /npm ci/);
    // pytest itself not installed for the Python that runs it (`python3 -m pytest` prints it unquoted, exit 1).
    const noPytest = judgeBaseline(run('PYTHONPATH=src python3 -m pytest -v', 1, '/usr/bin/python3: No module named pytest\n'));
    assert.ok(!noPytest.ok);
    assert.match(noPytest.advice, /`\/usr\/bin\/python3: No module named pytest` \(.*\): the test runner pytest is not installed for that Python/);
    // A test command run from a virtualenv the fresh worktree does not have: the advice makes it there.
    const noVenv = judgeBaseline(run('.venv/bin/python -m pytest -q', 127, 'sh: 1: .venv/bin/python: not found\n'));
    assert.ok(!noVenv.ok);
    assert.match(noVenv.advice, /`worktree\.setupCommand` such as `python3 -m venv \.venv && \.venv\/bin\/pip install -e \.`/);
  });

  test('names are read from every result line of a long run, not from its trimmed output: pytest -v with 277 tests (23 KB) under the default 8,000-character budget', async () => {
    const file = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'runner-output', 'pytest-v-pass-277.txt');
    const opts = { command: `cat '${file}'`, cwd: __dirname, timeoutMs: 20_000, outputBudgetChars: 8_000 };
    const kept = await runTestCommand({ ...opts, keepLines: RESULT_LINE });
    assert.ok(kept.output.length < 8_200, 'the output a model reads stays trimmed');
    const judged = judgeBaseline(kept);
    assert.ok(judged.ok);
    assert.equal(judged.baseline.passing.length, 277);
    assert.ok(judged.baseline.passing.includes('tests/test_lru.py::LRUCacheTest::test_lru'));
    // Read from the trimmed output alone, most names (test_lru among them) were lost.
    const trimmed = judgeBaseline(await runTestCommand(opts));
    assert.ok(trimmed.ok && trimmed.baseline.passing.length < 100 && !trimmed.baseline.passing.includes('tests/test_lru.py::LRUCacheTest::test_lru'));
  });
});
