import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { failingTests, judgeBaseline, newTestNames, passes, redCheck, RESULT_LINE, type PlannedWork } from '../../src/core/pipeline/implementation/testJudge';
import { judgeRustcErrors } from '../../src/core/pipeline/implementation/rustcErrors';
import { runTestCommand, type TestRunResult } from '../../src/core/workspace/testCommandRunner';

/**
 * Output recorded from the real tools on 2026-11-30 (test/fixtures/runner-output; the worktree's path written `.`
 * as runTests leaves it): `cargo test --offline` (Rust 1.95) on RazrFalcon/pico-args and `PYTHONPATH=src python3 -m
 * unittest -v` (Python 3.11) on hukkin/tomli, with the tests of a ticket adding `Arguments::len()`/`is_empty()`
 * (pico-args) and `is_valid()` (tomli). cargo-syntax-error, cargo-unplanned-name and unittest-v-name-error are the
 * outputs a real-repository probe (helper-26, /tmp/rr27) saw accepted as red. pytest-tb-short-name-error is pytest 9
 * (`-q --tb=short`) on the same tomli test file. cargo-no-fail-fast-* is `cargo test --no-fail-fast --offline` on a
 * two-target crate of a reviewer's probe (a lib test failing before the change; `doubles` in tests/other.rs).
 * unittest-v-new-tests-* and unittest-v-exit-forced are `PYTHONPATH=src python3 -m unittest discover -v` on tomli
 * before the ticket, after its tests step, and after a code step that registered `atexit` → `os._exit(0)`.
 * cargo-missing-derived: a reviewer's crate whose new test calls `Args::default()` and `.clone()` before the derive.
 */
const output = (name: string): string => readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'runner-output', name), 'utf8');
const run = (command: string, exitCode: number, text: string): TestRunResult => ({
  command, exitCode, timedOut: false, cancelled: false, output: text, redacted: 0, confined: true, outputChars: text.length, durationMs: 2_000,
});
/** The plan of the probe's pico-args ticket (its one task's title and description, as implementationPhase passes them). */
const lenPlan: PlannedWork = { files: ['src/lib.rs'], text: 'len and is_empty\nAdd pub fn len(&self) -> usize and pub fn is_empty(&self) -> bool to impl Arguments in src/lib.rs, before finish(), with /// doc comments.' };
const cargo = 'cargo test';
const unittest = 'PYTHONPATH=src python3 -m unittest discover -v';

suite('the test judge on cargo test and python -m unittest -v', () => {
  test('cargo: libtest names every test, a `should panic` one by its name alone; a compile error names none', () => {
    const before = judgeBaseline(run(cargo, 0, output('cargo-pass.txt')));
    assert.ok(before.ok);
    assert.equal(before.baseline.passing.length, 36);
    assert.ok(before.baseline.passing.includes('no_args') && before.baseline.passing.includes('invalid_flag_01'));
    assert.equal(failingTests(run(cargo, 101, output('cargo-missing-method.txt'))), undefined);
  });

  test('a run whose exit status the code forced to 0 (an atexit hook on hukkin/tomli) is not green while it names a new test failing', () => {
    const base = run(unittest, 0, output('unittest-v-new-tests-base.txt'));
    const judged = judgeBaseline(base);
    assert.ok(judged.ok);
    const red = run(unittest, 1, output('unittest-v-new-tests-red.txt'));
    const newTests = newTestNames(red, judged.baseline, base);
    assert.equal(newTests.length, 3, JSON.stringify(newTests));
    assert.ok(newTests.some((n) => n.includes('test_exported')));
    // What the code step's `atexit.register(lambda: os._exit(0))` left: exit 0, the three new tests still FAIL/ERROR.
    const forced = run(unittest, 0, output('unittest-v-exit-forced.txt'));
    assert.equal(passes(forced, judged.baseline), true, 'judged by its exit code alone, as before');
    assert.equal(passes(forced, { ...judged.baseline, newTests }), false);
    // The suite passing for real (the baseline's own run) stays green with the new tests recorded.
    assert.equal(passes(base, { ...judged.baseline, newTests }), true);
  });

  test('rustc: methods a standard trait the plan names brings (derive Default and Clone) are red for the right reason; unnamed, the wrong one', () => {
    // A reviewer's probe: `Args::default()` and `a.clone()` in a new test, E0599 for both until the derive exists.
    const derived = output('cargo-missing-derived.txt');
    assert.deepEqual(judgeRustcErrors(derived, ['tests/args.rs'], 'derive Default and Clone for `Args` in src/lib.rs, so that a default Args has n = 0.'), { kind: 'missing' });
    assert.equal(judgeRustcErrors(derived, ['tests/args.rs'], 'give `Args` a field n in src/lib.rs').kind, 'wrong');
  });

  test('cargo --no-fail-fast (what detection runs): a test broken in a later target is seen though an earlier target failed before the ticket', () => {
    // A crate whose lib tests hold a failure from before the ticket (known_failure); the change breaks `doubles` in
    // tests/other.rs. Plain `cargo test` stops after the lib target and never runs it, so nothing could see it.
    const before = judgeBaseline(run('cargo test --no-fail-fast', 101, output('cargo-no-fail-fast-before.txt')));
    assert.ok(before.ok);
    assert.deepEqual(before.baseline.failures, ['tests::known_failure']);
    assert.ok(before.baseline.passing.includes('doubles'));
    assert.equal(passes(run('cargo test --no-fail-fast', 101, output('cargo-no-fail-fast-after.txt')), before.baseline), false);
    assert.equal(passes(run('cargo test --no-fail-fast', 101, output('cargo-no-fail-fast-before.txt')), before.baseline), true);
  });

  test('rustc: a parse error in the test, or a name that neither exists nor is planned, is the wrong reason; a method, function, type or import the plan adds is red', () => {
    const before = judgeBaseline(run(cargo, 0, output('cargo-pass.txt')));
    assert.ok(before.ok);
    const syntax = redCheck(run(cargo, 101, output('cargo-syntax-error.txt')), ['tests/tests.rs'], before.baseline, lenPlan);
    assert.equal(syntax.length, 1);
    assert.match(syntax[0].message, /rustc refuses the test code itself \(`error: expected `;`, found `assert_eq`` at tests\/tests\.rs:499\): a syntax error/);
    const unplanned = redCheck(run(cargo, 101, output('cargo-unplanned-name.txt')), ['tests/tests.rs'], before.baseline, lenPlan);
    assert.equal(unplanned.length, 1);
    assert.match(unplanned[0].message, /`os_args` does not exist and no task of the plan adds it \(`error\[E0425\]: cannot find function `os_args` in this scope` at tests\/tests\.rs:499\)/);
    // The happy red: E0599 for the two methods the plan adds. Not "stopped before any test ran", though no test is named.
    const happy = run(cargo, 101, output('cargo-missing-method.txt'));
    assert.deepEqual(redCheck(happy, ['tests/tests.rs'], before.baseline, lenPlan), []);
    assert.match(redCheck(happy, ['tests/tests.rs'], before.baseline, { files: ['src/lib.rs'], text: 'Add pub fn count(&self) -> usize' })[0]?.message ?? '', /`len` does not exist and no task of the plan adds it/);
    // E0432 (import), E0425 (function in a crate, type), E0433 (path), E0599 (associated function): planned, red.
    const plan: PlannedWork = { files: ['src/lib.rs'], text: 'Add a `Counter` type with Counter::new and a `total` field, a Limit alias, pico_args::count_args(), and Arguments::with_limit(n).' };
    assert.deepEqual(redCheck(run(cargo, 101, output('cargo-missing-names.txt')), ['tests/tests.rs'], before.baseline, plan), []);
    assert.deepEqual(redCheck(run(cargo, 101, output('cargo-missing-types.txt')), ['tests/tests.rs'], before.baseline, plan), []);
    const noLimit = redCheck(run(cargo, 101, output('cargo-missing-types.txt')), ['tests/tests.rs'], before.baseline, { ...plan, text: plan.text.replace('a Limit alias, ', '') });
    assert.match(noLimit[0]?.message ?? '', /`Limit` does not exist and no task of the plan adds it \(`error\[E0425\]: cannot find type `Limit` in this scope`/);
    const noWithLimit = redCheck(run(cargo, 101, output('cargo-missing-names.txt')), ['tests/tests.rs'], before.baseline, { ...plan, text: plan.text.replace('with_limit', 'limit') });
    assert.match(noWithLimit[0]?.message ?? '', /`with_limit` does not exist/);
    // A macro has no error code: it is a missing name all the same, not the test's syntax.
    const macro = run(cargo, 101, output('cargo-missing-macro.txt'));
    assert.deepEqual(redCheck(macro, ['tests/tests.rs'], before.baseline, { files: ['src/lib.rs'], text: 'Add an args! macro building Arguments' }), []);
    assert.match(redCheck(macro, ['tests/tests.rs'], before.baseline, lenPlan)[0]?.message ?? '', /`args` does not exist and no task of the plan adds it \(`error: cannot find macro `args` in this scope` at tests\/tests\.rs:505\)/);
  });

  test('cargo end to end: a failure that predates the ticket is excluded, a new one is red, a test the step breaks is named, green is the known failure alone', () => {
    const before = judgeBaseline(run(cargo, 101, output('cargo-baseline-fail.txt')));
    assert.ok(before.ok, 'the failing suite is readable');
    assert.deepEqual(before.baseline.failures, ['known_failure']);
    assert.equal(before.baseline.passing.length, 36);
    const red = run(cargo, 101, output('cargo-red-fail.txt'));
    assert.deepEqual(failingTests(red), ['finish_keeps_free_values', 'known_failure']);
    assert.deepEqual(redCheck(red, ['tests/tests.rs'], before.baseline, lenPlan), []);
    assert.match(redCheck(run(cargo, 101, output('cargo-red-broken.txt')), ['tests/tests.rs'], before.baseline, lenPlan)[0]?.message ?? '', /tests that passed before now fail: no_args;/);
    assert.match(redCheck(run(cargo, 101, output('cargo-baseline-fail.txt')), ['tests/tests.rs'], before.baseline, lenPlan)[0]?.message ?? '', /only the tests that failed before any change fail \(known_failure\)/);
    assert.equal(passes(run(cargo, 101, output('cargo-baseline-fail.txt')), before.baseline), true);
    assert.equal(passes(red, before.baseline), false);
    // A `#[should_panic]` test that did not panic and a test returning Err fail under their names too; under
    // `cargo test -q` (terse: passing tests are dots) the `---- name stdout ----` headers name the failures.
    const kinds = ['empty_value_panics', 'finish_keeps_free_values', 'known_failure', 'returns_an_error'];
    assert.deepEqual(failingTests(run(cargo, 101, output('cargo-red-kinds.txt')))?.sort(), kinds);
    const terse = run('cargo test -q', 101, output('cargo-q-red.txt'));
    assert.deepEqual(failingTests(terse)?.sort(), kinds);
    assert.deepEqual(redCheck(terse, ['tests/tests.rs'], { failures: ['known_failure'], passing: [] }, lenPlan), []);
    assert.equal(passes(terse, { failures: ['known_failure'], passing: [] }), false);
  });

  test('unittest -v: every test is named, one with a docstring (its first line printed between name and result) too; `FAILED (failures=1, errors=2)` is no test', () => {
    const before = judgeBaseline(run(unittest, 0, output('unittest-v-pass.txt')));
    assert.ok(before.ok);
    assert.equal(before.baseline.passing.length, 16);
    assert.ok(before.baseline.passing.includes('test_types_import (tests.test_misc.TestMiscellaneous.test_types_import)'));
    assert.deepEqual(failingTests(run(unittest, 1, output('unittest-v-missing-attr.txt'))), [
      'test_exported (tests.test_is_valid.TestIsValid.test_exported)',
      'test_invalid_document (tests.test_is_valid.TestIsValid.test_invalid_document)',
      'test_valid_document (tests.test_is_valid.TestIsValid.test_valid_document)',
    ]);
  });

  test('unittest -v: a NameError raised in the new test (its traceback frame above the error) is the wrong reason; a planned name the code lacks is red', () => {
    const before = judgeBaseline(run(unittest, 0, output('unittest-v-pass.txt')));
    assert.ok(before.ok);
    const plan: PlannedWork = { files: ['src/tomli/_parser.py', 'src/tomli/__init__.py'], text: 'is_valid\nAdd def is_valid(__s: str) -> bool to src/tomli/_parser.py' };
    const nameError = redCheck(run(unittest, 1, output('unittest-v-name-error.txt')), ['tests/test_is_valid.py'], before.baseline, plan);
    assert.equal(nameError.length, 1);
    assert.match(nameError[0].message, /`textwrap` is not defined where the test uses it \(\.\/tests\/test_is_valid\.py:14\)/);
    assert.deepEqual(redCheck(run(unittest, 1, output('unittest-v-missing-attr.txt')), ['tests/test_is_valid.py'], before.baseline, plan), []);
    // `from tomli import is_valid` stops the module's import: unittest names it as a failed test, with the ImportError.
    assert.deepEqual(redCheck(run(unittest, 1, output('unittest-v-import-error.txt')), ['tests/test_is_valid.py'], before.baseline, plan), []);
    // Raised in the code under test, the NameError is not the test's fault.
    const inCode = output('unittest-v-name-error.txt').replace(/File "\.\/tests\/test_is_valid\.py", line 14, in test_invalid_document/, 'File "./src/tomli/_parser.py", line 14, in is_valid');
    assert.match(redCheck(run(unittest, 1, inCode), ['tests/test_is_valid.py'], before.baseline, plan)[0]?.message ?? '', /line 10|:10\)/, 'the other NameError, in the test, is still found');
    // pytest --tb=short prints the frame above the error too; the location after it is the next failure's.
    assert.match(redCheck(run('python3 -m pytest -q --tb=short', 1, output('pytest-tb-short-name-error.txt')), ['tests/test_is_valid.py'], before.baseline, plan)[0]?.message ?? '', /`textwrap` is not defined where the test uses it \(tests\/test_is_valid\.py:14\)/);
    const both = inCode.replace(/File "\.\/tests\/test_is_valid\.py", line 10, in test_valid_document/, 'File "./src/tomli/_parser.py", line 10, in is_valid');
    assert.deepEqual(redCheck(run(unittest, 1, both), ['tests/test_is_valid.py'], before.baseline, plan), []);
  });

  test('unittest end to end: a failure that predates the ticket is excluded, a test the step breaks is named, green is the known failure alone; a run of no tests is refused', () => {
    const before = judgeBaseline(run(unittest, 1, output('unittest-v-baseline-fail.txt')));
    assert.ok(before.ok, 'the failing suite is readable');
    assert.deepEqual(before.baseline.failures, ['test_known_failure (tests.test_known.TestKnown.test_known_failure)']);
    assert.equal(before.baseline.passing.length, 16);
    const red = run(unittest, 1, output('unittest-v-red.txt'));
    assert.deepEqual(redCheck(red, ['tests/test_is_valid.py'], before.baseline), []);
    assert.match(redCheck(run(unittest, 1, output('unittest-v-red-broken.txt')), ['tests/test_is_valid.py'], before.baseline)[0]?.message ?? '', /tests that passed before now fail: test_load \(tests\.test_misc\.TestMiscellaneous\.test_load\);/);
    assert.equal(passes(run(unittest, 1, output('unittest-v-baseline-fail.txt')), before.baseline), true);
    assert.equal(passes(red, before.baseline), false);
    // The repository's own package not importable (no PYTHONPATH=src): unittest names the failed import as a test
    // (`tests (unittest.loader._FailedTest.tests)`), which is no failure to exclude but a set-up to fix, as under pytest.
    const unimportable = judgeBaseline(run('python3 -m unittest discover -v', 1, output('unittest-v-own-package-missing.txt')));
    assert.ok(!unimportable.ok);
    assert.match(unimportable.advice, /Python cannot import 'tomli' .*`PYTHONPATH=src`/);
    // `discover` from the root of a layout whose tests/ is no package (Python 3.11 prints this and exits 0).
    assert.match(redCheck(run(unittest, 0, '\n----------------------------------------------------------------------\nRan 0 tests in 0.000s\n\nOK\n'), ['tests/test_a.py'])[0]?.message ?? '', /ran no tests/);
  });

  test('a long unittest -v run keeps every name, the docstring ones too, under the default output budget', async () => {
    const file = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'runner-output', 'unittest-v-pass.txt');
    // The run printed 20 times over (320 tests' lines, ≈ 40 KB): the output kept for a model is cut in the middle.
    const r = await runTestCommand({ command: `for i in $(seq 20); do cat '${file}' | sed "s/(tests\\./(tests$i./"; done`, cwd: __dirname, timeoutMs: 20_000, outputBudgetChars: 8_000, keepLines: RESULT_LINE });
    assert.ok(r.output.length < 8_200);
    const judged = judgeBaseline(r);
    assert.ok(judged.ok);
    assert.equal(judged.baseline.passing.length, 320);
    assert.ok(judged.baseline.passing.includes('test_types_import (tests7.test_misc.TestMiscellaneous.test_types_import)'));
  });
});
