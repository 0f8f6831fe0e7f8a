import type { TestRunResult } from '../../workspace/testCommandRunner';
import { describeTestRun } from '../../workspace/testCommandRunner';
import type { Objection } from '../objection';
import { LIBTEST_FAILING, LIBTEST_PASSING } from './libtestLines';
import { judgeRustcErrors } from './rustcErrors';
import { setupFix, setupProblem } from './setupProblem';
import { UNITTEST_FAILING, UNITTEST_IMPORT_FAILURE, UNITTEST_PASSING, UNITTEST_SPLIT_LINES } from './unittestLines';

/**
 * The suite before any change of the ticket: the failing tests that were there already (excluded from the
 * judgement; empty when the baseline passed) and the tests seen passing (a new failure of one of them after the
 * tests step means the step broke an existing test).
 */
export interface Baseline {
  failures: string[];
  passing: string[];
  /**
   * The tests the tests step wrote, as the red run named them failing (see newTestNames); recorded with the
   * baseline. A run that still names one of them failing is never green, whatever its exit code.
   */
  newTests?: string[];
  /**
   * How many tests the run before any change named passing (`passing.length` when the names are at hand; recorded
   * with the baseline, since the names are not): a later run of the same command that names none reported nothing
   * a judge can read.
   */
  namedPassing?: number;
  /**
   * Whether the run before any change printed its runner's summary (RUN_SUMMARY): a later run of the same command
   * that prints none had its output silenced, even where no passing test is named (dot reporters, jest by default).
   */
  summarized?: boolean;
}

/**
 * The closing summary of the common runners (any one is enough): mocha `3 passing`, jest `Tests: 3 passed`, vitest
 * `Tests  3 passed`, pytest `=== 3 passed in 0.1s ===`, unittest `Ran 3 tests in`, libtest `test result: ok.`,
 * node:test and tape `# pass 3` / `ℹ pass 3`, ava `3 tests passed`, @hapi/lab `3 tests complete` / `1 of 3 tests
 * failed`, uvu `Total: 3`, go `ok  pkg 0.1s` / `PASS`.
 */
const RUN_SUMMARY = /^\s*\d+ passing\b|^Tests:\s+.*\b\d+ (?:passed|failed|total)\b|^\s*Tests\s+.*\b\d+ (?:passed|failed)\b|^=+ .*\b\d+ (?:passed|failed|errors?)\b.* in [\d.]+s|^Ran \d+ tests? in |^test result: (?:ok|FAILED)\.|^# (?:pass|fail|tests) +\d+|^ℹ (?:pass|fail|tests) \d+|^\s*\d+ tests? (?:passed|failed)\b|^\d+ tests? complete\b|^\d+ of \d+ tests? failed\b|^\s*Total:\s+\d+|^(?:ok|FAIL)\s+\S+\s+[\d.]+s\b|^(?:PASS|FAIL)$/m;

/** Whether a run printed one of the runners' summaries (RUN_SUMMARY), in its kept result lines or its output. */
function summarized(run: Pick<TestRunResult, 'output' | 'resultLines'>): boolean {
  return RUN_SUMMARY.test(run.output) || (run.resultLines !== undefined && RUN_SUMMARY.test(run.resultLines));
}

/** A baseline that passed (also what a run without a recorded baseline is judged against). */
export const CLEAN_BASELINE: Baseline = { failures: [], passing: [] };

/**
 * What the plan adds, to tell a missing part of the code the plan will write from a test's own mistake: the files
 * its tasks create or change (a Python module), and its tasks' titles and descriptions, where the new names are
 * written (a Rust method or function).
 */
export interface PlannedWork {
  files: readonly string[];
  text: string;
}

/** No plan known: every new module or name is the test's mistake. */
const NO_PLAN: PlannedWork = { files: [], text: '' };

/**
 * Failing-test lines of the common runners, each capturing the test's name:
 * TAP (node:test, tape: `not ok 3 - name`), mocha (`  1) name`), uvu (`FAIL  suite  "name"`), vitest
 * (`FAIL  file > suite > name`, `× name`), jest (`✕ name` when verbose; `● suite › name` above each failure's
 * details, and `FAIL file` above a file's), ava 3 (`✖ name`), ava 4 and later (`✘ [fail]: name`), pytest
 * (`FAILED path::name`; not unittest's `FAILED (failures=1)`), go (`--- FAIL: Name`), cargo's libtest
 * (LIBTEST_FAILING), unittest -v (UNITTEST_FAILING).
 */
const FAILING = [
  // jest's `● Console` (logged output) and `● Test suite failed to run` (a file that did not load) name no test.
  /^\s*● (?!Console$|Test suite failed to run$)(.+?)\s*$/gm,
  /^\s*not ok \d+(?:\s+-)?\s+(.+?)\s*(?:#.*)?$/gm,
  /^\s+\d+\) (.+?)\s*:?$/gm,
  /^\s*FAIL\s+(.+?)\s*$/gm,
  // Not eslint's and xo's `✖  12:5  message  rule` or `✖ 3 problems (…)`, nor node's spec reporter's `✖ failing tests:`.
  /^\s*[✕×✗✘✖]\s+(?:\[fail\]:\s*)?(?!\s*(?:\d+:\d+\s|\d+ problems? \(|failing tests:))(.+?)\s*$/gm,
  /^FAILED (?!\()(\S+)/gm,
  /^\s*--- FAIL: (\S+)/gm,
  ...LIBTEST_FAILING,
  ...UNITTEST_FAILING,
];
/**
 * Passing-test lines: TAP `ok 3 - name`, mocha/jest/vitest `✔ name` / `✓ name`, go `--- PASS: Name`, pytest
 * `PASSED`, libtest `test name ... ok`, unittest -v `test_x (…) ... ok`.
 */
const PASSING = [
  /^\s*ok \d+(?:\s+-)?\s+(.+?)\s*(?:#.*)?$/gm,
  /^\s*[✔✓√]\s+(.+?)\s*$/gm,
  /^\s*--- PASS: (\S+)/gm,
  /^(\S+::\S+) PASSED/gm,
  ...LIBTEST_PASSING,
  ...UNITTEST_PASSING,
];

/** A name without its duration (`(12ms)`, `12 ms`) and with single spaces, so two runs compare equal. */
function normalise(name: string): string {
  return name.replace(/\s*\(?\d+(?:\.\d+)?\s*m?s\)?\s*$/, '').replace(/\s+/g, ' ').trim();
}

const TAP_RESULT = /^(\s*)(not )?ok \d+(?:\s+-)?\s+(.+?)\s*(?:#.*)?$/;
const TAP_PLAN = /^(\s*)1\.\.\d+\s*$/;
/** node:test's TAP says why a test failed in its YAML block: `subtestsFailed` when only a subtest did. */
const TAP_FAILURE_TYPE = /^\s*failureType: '(\w+)'/;
const SPEC_FAILED = /^(\s*)✖ (.+?)\s*$/;
const SPEC_CLOSE = /^(\s*)([✔✖]) (.+?)\s*$/;
const SPEC_GROUP = /^\s*▶ /;
/**
 * node:test's spec reporter then lists the tests that failed on their own (a parent that failed only through a
 * subtest is left out: `failureType !== kSubtestsFailed`, lib/internal/test_runner/reporter/spec.js). Kept among
 * the result lines so that its entries never read as the close of a group above them.
 */
const SPEC_SUMMARY = /^\s*✖ failing tests:/;
const indentOf = (line: string): number => line.length - line.trimStart().length;

/**
 * The text without the result lines of parents that did not fail on their own, as node:test prints them: in TAP
 * a result line right after a deeper subtest plan (`    1..15` then `not ok 1 - markdownTable()`), dropped when
 * passing, or failing with `failureType: 'subtestsFailed'` (without that line, as in result lines cut short, when
 * a deeper `not ok` is in its block); in the spec reporter the `✔ name` that closes a `▶ name` group, or the
 * `✖ name` closing one that holds a deeper `✖` (a parent that also failed on its own is listed again in the
 * failing-tests summary, which is never dropped). Otherwise a new subtest inside an existing test would read as
 * "a test that passed before now fails". Decided at each line's place, so another file's test of the same name
 * still counts.
 */
function withoutParents(text: string): string {
  const lines = text.split('\n');
  const drop = new Set<number>();
  const previous = (i: number): number => {
    let j = i - 1;
    while (j >= 0 && lines[j].trim() === '') j--;
    return j;
  };
  let summary = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (SPEC_SUMMARY.test(line)) summary = true;
    // A new run (another file's `node --test`, a workspace) starts with a group or a TAP result before any summary.
    else if (SPEC_GROUP.test(line)) summary = false;
    const tap = TAP_RESULT.exec(line);
    if (tap !== null) {
      const j = previous(i);
      const plan = j >= 0 ? TAP_PLAN.exec(lines[j]) : null;
      if (plan === null || plan[1].length <= tap[1].length) continue;
      if (tap[2] === undefined) {
        drop.add(i);
        continue;
      }
      let why: string | undefined;
      for (let k = i + 1; k < lines.length && k <= i + 12 && (lines[k].trim() === '' || indentOf(lines[k]) > tap[1].length); k++) {
        why = TAP_FAILURE_TYPE.exec(lines[k])?.[1] ?? why;
        if (why !== undefined) break;
      }
      let childFailed = false;
      for (let k = j - 1; why === undefined && k >= 0 && (lines[k].trim() === '' || indentOf(lines[k]) > tap[1].length); k--) {
        if (/^\s*not ok /.test(lines[k])) { childFailed = true; break; }
      }
      if (why === 'subtestsFailed' || (why === undefined && childFailed)) drop.add(i);
      continue;
    }
    if (summary) continue;
    const close = SPEC_CLOSE.exec(line);
    if (close === null) continue;
    const failing = close[2] === '✖';
    let childFailed = false;
    for (let k = previous(i); k >= 0; k = previous(k)) {
      if (indentOf(lines[k]) > close[1].length) {
        childFailed ||= SPEC_FAILED.test(lines[k]);
        continue;
      }
      // The line that closes a `▶ name` group: a passing parent, or one failing because a subtest did.
      if (indentOf(lines[k]) === close[1].length && SPEC_GROUP.test(lines[k]) && (!failing || childFailed)) drop.add(i);
      break;
    }
  }
  return drop.size === 0 ? text : lines.filter((_, i) => !drop.has(i)).join('\n');
}

/**
 * The test names a run gives by `patterns`, parents left out (withoutParents). Read from every result line of the
 * whole run when they were kept; when they were cut at their cap, from those and the trimmed output together.
 */
function names(run: Pick<TestRunResult, 'output' | 'resultLines' | 'resultLinesTruncated'>, patterns: RegExp[]): string[] {
  const text = withoutParents(run.resultLines === undefined ? run.output : run.resultLinesTruncated === true ? `${run.resultLines}\n${run.output}` : run.resultLines);
  const found = new Set<string>();
  for (const p of patterns) for (const m of text.matchAll(p)) found.add(normalise(m[1]));
  found.delete('');
  return [...found];
}

/**
 * Why a run is not green whatever its exit code, or undefined. Code under test can force the exit status (an
 * `atexit` hook calling `os._exit(0)`, `process.exitCode = 0` in an exit listener) while the runner still names
 * the new tests failing (seen on hukkin/tomli and hapijs/bourne), or also silence the runner (stdout and stderr
 * replaced), so that a run whose command named passing tests, or printed its summary, before any change shows none.
 */
export function notGreenAtAnyExit(run: TestRunResult, baseline: Baseline): string | undefined {
  const newTests = baseline.newTests ?? [];
  const failingNew = newTests.length > 0 ? names(run, FAILING).filter((n) => newTests.includes(n)) : [];
  if (failingNew.length > 0) return `it names the new tests failing: ${failingNew.join('; ')}`;
  const named = baseline.namedPassing ?? baseline.passing.length;
  if (named > 0 && names(run, PASSING).length === 0) return `it names no passing test, where the same command named ${named} before any change (its output was silenced, or it stopped before the tests)`;
  if (baseline.summarized === true && !summarized(run)) return 'it prints no test summary, where the same command printed one before any change (its output was silenced, or it stopped before the tests)';
  return undefined;
}

/**
 * The tests a red run names failing that the run before any change (`before`) did not name at all, failing or
 * passing, and the baseline does not know: the tests the tests step wrote, as this runner names them. A line the
 * runner prints on every run in a failing test's form (jest's `● Validation Warning:`) is in both, so it is never
 * one. At most 100.
 */
export function newTestNames(red: TestRunResult, baseline: Baseline, before: TestRunResult): string[] {
  const known = new Set([...baseline.failures, ...baseline.passing, ...names(before, [...FAILING, ...PASSING])]);
  return names(red, FAILING).filter((n) => !known.has(n)).slice(0, 100);
}

/** Whether a run names any test, failing or passing, in a form the judge reads (setupProblem's test of a run that tested something). */
export function namesAnyTest(run: Pick<TestRunResult, 'output' | 'resultLines' | 'resultLinesTruncated'>): boolean {
  return names(run, [...FAILING, ...PASSING]).length > 0;
}

/**
 * Lines worth keeping from a whole run for the judge (see TestRunOptions.keepLines): every failing and passing
 * test line and what withoutParents reads. A verbose run of a real suite (pytest -v on tkem/cachetools: 23 KB for
 * 277 tests) is longer than the output budget, and names cut from the middle would hide a test that passed before.
 */
export const RESULT_LINE = new RegExp([...FAILING, ...PASSING].map((r) => r.source).concat([RUN_SUMMARY.source, '^\\s*1\\.\\.\\d+\\s*$', '^\\s*▶ ', SPEC_SUMMARY.source, TAP_FAILURE_TYPE.source, ...UNITTEST_SPLIT_LINES]).join('|'));

/** A name that is only a file (`src/__tests__/index.ts`): jest's `FAIL <file>` line above its tests' failures. */
const BARE_FILE = /^\S+\.\w{1,5}$/;

/**
 * The failing tests a run names; undefined when it failed without naming any in a form we know. A file named as
 * failing (jest's `FAIL <file>`) counts only when none of the run's failures is named as a test: else a test that
 * failed before any change would stand for every test of its file, and a new failure in that file would be missed.
 */
export function failingTests(run: TestRunResult): string[] | undefined {
  // Result lines cut at their cap may have lost a failure: the run cannot be read whole.
  if (run.resultLinesTruncated === true && run.exitCode !== 0) return undefined;
  const found = names(run, FAILING);
  if (run.exitCode !== 0 && found.length === 0) return undefined;
  const tests = found.filter((n) => !BARE_FILE.test(n));
  return tests.length > 0 ? tests : found;
}

/** Output of a runner that found no test at all (node:test, mocha, pytest, jest, go, unittest: 3.11 and 3.12+). */
const NO_TESTS = /^# tests 0$|\b0 passing\b(?![\s\S]*\bfailing\b)|no tests ran|collected 0 items|No tests found|no test files|^Ran 0 tests in |^NO TESTS RAN$/m;
/**
 * A name the code uses that is declared nowhere: JavaScript's `ReferenceError: x is not defined` (node:test's TAP
 * gives the message and the error's name on lines of their own; @hapi/lab prints the message alone, above the stack
 * frames), Python's `NameError: name 'x' is not defined`.
 */
const NOT_DEFINED = /\bReferenceError: ([\w$]+) is not defined\b|^\s*error: '([\w$]+) is not defined'\s*$(?:\n.*){0,3}?\n\s*name: 'ReferenceError'|\bNameError: name '(\w+)' is not defined|^[ \t]+([\w$]+) is not defined[ \t]*\n(?:[ \t]*\n)?[ \t]+at /gm;
/**
 * A source location in a stack frame, a pytest report or a rustc error: `(file:///…/test.js:327:12)`,
 * `tests/test_peek.py:7: NameError`, `--> src/lib.rs:12:5`.
 */
const LOCATION = /([\w.\/~<>@+-]+\.(?:[cm]?[jt]sx?|py|rs)):(\d+)/;
/**
 * A frame of a Python traceback, the innermost one right above the error: `  File "./tests/test_x.py", line 14, in
 * test_y` (unittest, pytest --tb=native), `tests/test_x.py:14: in test_y` (pytest --tb=short).
 */
const TRACEBACK_FRAME = /^\s*File "([^"\n]+)", line (\d+)|^([\w.\/~<>@+-]+\.py):(\d+): in \w+/;

/**
 * Where an error matched at `index` was thrown: the frame of a Python traceback just above it (the innermost frame
 * comes last, above the error, with its code and carets), else the first source location within the lines after
 * it (a JavaScript stack, pytest's `file:line: Error`); undefined when there is neither.
 */
function thrownAt(output: string, index: number): string | undefined {
  const above = output.slice(0, index).split('\n').slice(0, -1);
  for (let i = above.length - 1; i >= 0 && i >= above.length - 6 && above[i].trim() !== ''; i--) {
    const frame = TRACEBACK_FRAME.exec(above[i]);
    if (frame !== null) return `${frame[1] ?? frame[3]}:${frame[2] ?? frame[4]}`;
  }
  for (const line of output.slice(index).split('\n').slice(0, 14)) {
    const at = LOCATION.exec(line);
    // A `file://` URL's path: `file:///abs/x.js` → `/abs/x.js`, `file://./x.js` (runTests' relative form) → `./x.js`.
    if (at !== null) return `${at[1].replace(/^\/\/(?=[/.~<])/, '')}:${at[2]}`;
  }
  return undefined;
}

/** Python could not import a module: `ModuleNotFoundError: No module named 'cachetools.inspect'`. */
const PY_NO_MODULE = /\bModuleNotFoundError: No module named '([\w.]+)'/;

/** Whether `module` (`pkg.sub`) is a file the plan creates or changes (`pkg/sub.py`, `src/pkg/sub/__init__.py`). */
function planned(module: string, files: readonly string[]): boolean {
  const rel = module.replace(/\./g, '/');
  return files.some((f) => [`${rel}.py`, `${rel}/__init__.py`].some((end) => f === end || f.endsWith(`/${end}`)));
}

/** Failures that are the test file's own fault rather than missing behaviour. */
const SYNTAX = /\bSyntaxError\b|\bIndentationError\b|\bTabError\b|\bsyntax error\b|\bParseError\b/;
/**
 * An ES module importing a name the code does not export yet: Node reports it as a SyntaxError ("The requested
 * module '../src/calc.js' does not provide an export named 'sub'"), but it is the missing behaviour itself, the
 * usual red of a new function in an ESM package.
 */
const MISSING_EXPORT = /SyntaxError: The requested module '(?:\.{1,2}\/|<checkout>\/)[^'\n]*' does not provide an export named '[^'\n]*'/g;
/**
 * Errors saying the code of the repository lacks a file, a name or a parameter the new tests use, which stop some
 * runners before any test runs (mocha loads every module first; `tsc && …` type-checks first): Node's missing ESM
 * export of a repository module, a missing module by relative path (`Cannot find module '../src/slug'`; a missing
 * package is objected to before), TypeScript's "has no exported member" of a relative module (TS2305, TS2614,
 * TS2724), a missing relative module (TS2307), "property does not exist" (TS2339, TS2551), a new parameter or option
 * (TS2554, TS2353), and Python's "cannot import name" from a module outside site-packages. The behaviour is
 * missing: red for the right reason. Paths are as runTests leaves them (`./…`, `../…`, `<checkout>/…`).
 */
const MISSING_NAME = new RegExp([
  MISSING_EXPORT.source,
  "Cannot find module '(?:\\.{1,2}/|<checkout>/)",
  "\\berror TS(?:2305|2614|2724): Module '\"\\.{1,2}/",
  "\\berror TS2307: Cannot find module '\\.{1,2}/",
  '\\berror TS(?:2339|2551|2554|2353):',
  // pytest prints it as `E   ImportError: …` in its error section.
  "^(?:E\\s+)?ImportError: cannot import name '[^'\\n]+' from '[^'\\n]+' \\((?![^)\\n]*(?:site|dist)-packages)[^)\\n]*\\)",
].join('|'), 'm');
/**
 * A missing npm package (a bare module name; a missing relative module is a legitimate red before code). Paths
 * as runTests leaves them (withoutLocalPaths: `./…`, `~/…`, `<checkout>/…`) are not package names.
 */
export const MISSING_PACKAGE = /Cannot find (?:module|package) '([^'./~<][^']*)'/;
/**
 * Whether a stack frame in `output` points into one of the new test files (`at … (./test/x.test.js:3:9)`,
 * `at ./test/x.test.js:3:9`): the tests were loaded and threw, which a linter's `test/x.test.js:3:9` line is not.
 */
function thrownIn(output: string, testPaths: readonly string[]): boolean {
  return testPaths.some((p) => {
    const name = (p.split('/').pop() ?? p).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`^\\s*at (?:.*\\()?(?:\\S*/)?${name}:\\d+:\\d+\\)?\\s*$`, 'm').test(output);
  });
}

/** Where a person sets the test command, as the advice names it (the same key in the CLI and in VS Code). */
const SET_TEST_COMMAND = 'set `testCommand` in .shipwright/config.json (in VS Code: the Shipwright: Test Command setting)';

/** What the run before any change says: a baseline to judge against, or why the ticket cannot be judged at all. */
export type BaselineJudgement = { ok: true; baseline: Baseline } | { ok: false; advice: string };

/**
 * Judges the run before the tests step. A set-up problem, a time-out, or failures that cannot be told apart
 * stop the ticket (advice for the person); failing tests that can be named are recorded as pre-existing.
 */
export function judgeBaseline(run: TestRunResult): BaselineJudgement {
  const passing = names(run, PASSING);
  if (run.timedOut) return { ok: false, advice: `the test command times out before any change (${describeTestRun(run)}): raise \`testTimeoutMs\` or ${SET_TEST_COMMAND} to a faster command, then resume` };
  const setup = setupProblem(run);
  if (setup !== undefined) {
    return { ok: false, advice: `the tests cannot run in the worktree before any change: ${setup}. ${setupFix(run)} or ${SET_TEST_COMMAND}, then resume` };
  }
  // Only when pytest stopped at collection, or unittest failed to import test modules, and no test is named failing
  // otherwise: one test importing a missing module inside its body is a failure like any other, recorded as
  // pre-existing.
  const noModule = run.exitCode === 0 || names(run, FAILING).some((n) => !UNITTEST_IMPORT_FAILURE.test(n)) ? null : PY_NO_MODULE.exec(run.output);
  if (noModule !== null) {
    const top = noModule[1].split('.')[0];
    return { ok: false, advice: `the tests cannot run in the worktree before any change: Python cannot import '${noModule[1]}' (${describeTestRun(run)}). If '${top}' is this repository's own package, make it importable where the tests run: \`PYTHONPATH=src\` (or \`.\`) before the test command in \`testCommand\`, or \`pip install -e .\` as \`worktree.setupCommand\`; else install it there (\`worktree.setupCommand\`), then resume` };
  }
  if (run.exitCode === 0) return { ok: true, baseline: { failures: [], passing, summarized: summarized(run) } };
  const failures = failingTests(run);
  if (failures === undefined) {
    return { ok: false, advice: `the test suite already fails before any change (${describeTestRun(run)}) and its failing tests cannot be told apart in the output: fix the suite or ${SET_TEST_COMMAND} to a passing part of it, then resume` };
  }
  return { ok: true, baseline: { failures, passing, summarized: summarized(run) } };
}

/**
 * Whether a run after the tests step is red for the right reason: the new tests fail, by assertion or because
 * the code they call does not exist yet, and nothing else fails newly. Objections (source `tests`): a time-out;
 * a set-up problem or missing package the new tests need; no tests found; tests that pass before any code; a
 * syntax error in a new test file; rustc refusing a new test file for its syntax or for a name the `plan` does not
 * add (judgeRustcErrors); a name a new test uses without declaring it (JavaScript, Python); a run that stopped
 * before any test ran (no test named, passing or failing, where the run before any change named some, and neither
 * a missing name of the code, a name the plan adds (rustc) nor a throw from a new test file explains it: a linter
 * or a build step refused the tests); only the baseline's failures failing; tests that passed before now failing.
 */
export function redCheck(run: TestRunResult, testPaths: readonly string[], baseline: Baseline = CLEAN_BASELINE, plan: PlannedWork = NO_PLAN): Objection[] {
  const tests = (message: string): Objection[] => [{ source: 'tests', message }];
  if (run.timedOut) return tests(`${describeTestRun(run)}: a test probably waits forever; tests must finish`);
  const noModule = run.exitCode === 0 ? null : PY_NO_MODULE.exec(run.output);
  if (noModule !== null && !planned(noModule[1], plan.files)) {
    // The suite imported before the tests step, so the module is new: the plan's to create, or a mistake.
    return tests(noModule[1].includes('.')
      ? `the tests import the module '${noModule[1]}', which does not exist and which no task of the plan creates (${describeTestRun(run)}): import the module the plan adds or changes`
      : `the tests need the package '${noModule[1]}', which is not installed and which no task of the plan creates (${describeTestRun(run)}): use the test tools the repository already has`);
  }
  const missing = MISSING_PACKAGE.exec(run.output);
  if (missing !== null && run.exitCode !== 0) return tests(`the tests need the package '${missing[1]}', which is not installed: use the test tools the repository already has`);
  const setup = setupProblem(run);
  if (setup !== undefined) return tests(`the tests fail for a reason that is not the missing behaviour: ${setup}`);
  if (NO_TESTS.test(run.output)) return tests(`${describeTestRun(run)} but ran no tests: put the tests where the test command finds them`);
  if (run.exitCode === 0) {
    return tests(`the new tests pass before any code is written (${describeTestRun(run)}): they do not test the missing behaviour`);
  }
  const syntax = SYNTAX.exec(run.output.replace(MISSING_EXPORT, ''));
  if (syntax !== null && testPaths.some((p) => run.output.includes(p.split('/').pop() ?? p))) {
    return tests(`the tests fail for the wrong reason: a ${syntax[0]} in the test code itself (${describeTestRun(run)}); they must fail only because the behaviour is missing`);
  }
  const rustc = judgeRustcErrors(run.output, testPaths, plan.text);
  if (rustc.kind === 'wrong') return tests(`the tests fail for the wrong reason: ${rustc.reason} (${describeTestRun(run)})`);
  for (const undeclared of run.output.matchAll(NOT_DEFINED)) {
    // Thrown in a test file, it never passes, whatever the code does: the test uses a name it does not import.
    const where = thrownAt(run.output, undeclared.index);
    const name = undeclared[1] ?? undeclared[2] ?? undeclared[3] ?? undeclared[4];
    const base = (p: string): string => p.split('/').pop() ?? p;
    if (where !== undefined && testPaths.some((p) => base(where.replace(/:\d+$/, '')) === base(p))) {
      return tests(`the tests fail for the wrong reason: \`${name}\` is not defined where the test uses it (${where}): a name the test neither declares nor imports, which no code can make pass; declare or import it, or correct its spelling`);
    }
  }
  const failing = failingTests(run);
  // A module the plan creates stops pytest at collection, a name the plan adds stops cargo's build: the behaviour
  // is missing, as with MISSING_NAME.
  if (failing === undefined && baseline.passing.length > 0 && names(run, PASSING).length === 0 && !MISSING_NAME.test(run.output) && noModule === null && rustc.kind !== 'missing' && !thrownIn(run.output, testPaths)) {
    // The runner's lines were recognised before any change; now the run names no test at all, passing or failing:
    // a step before the tests (a linter, a type check, a build) stopped it, and the new tests never ran.
    return tests(`${describeTestRun(run)} before any test ran: none of the ${baseline.passing.length} tests that passed before any change is reported, and no failing test is named. A step before the tests (a linter, a type check, a build) probably refused the new test code; the tests must pass the repository's own checks and fail only where the behaviour is missing`);
  }
  if (failing !== undefined && baseline.failures.length > 0) {
    const fresh = failing.filter((f) => !baseline.failures.includes(f));
    if (fresh.length === 0) return tests(`only the tests that failed before any change fail (${baseline.failures.join('; ')}): the new tests pass or did not run`);
  }
  if (failing !== undefined) {
    const broken = failing.filter((f) => baseline.passing.includes(f));
    if (broken.length > 0) return tests(`tests that passed before now fail: ${broken.join('; ')}; the tests step must only add failing tests for the missing behaviour`);
  }
  return [];
}

/**
 * Green: the run passes, or (with pre-existing failures) every test that fails failed already before any
 * change — the new tests and the rest of the baseline pass. Never while the run names one of the baseline's
 * `newTests` failing, even with exit code 0.
 */
export function passes(run: TestRunResult, baseline: Baseline = CLEAN_BASELINE): boolean {
  if (run.timedOut || notGreenAtAnyExit(run, baseline) !== undefined) return false;
  if (run.exitCode === 0) return true;
  if (baseline.failures.length === 0) return false;
  const failing = failingTests(run);
  return failing !== undefined && failing.every((f) => baseline.failures.includes(f));
}
