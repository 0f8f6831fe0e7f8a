import type { PlannedChange } from '../../workspace/applyEdits';
import type { Objection } from '../objection';

/** Test files by the usual conventions: test/ tests/ __tests__/ spec/ folders, *.test.*, *.spec.*, test_*.py, *_test.py|go, *_spec.rb. */
const TEST_PATH = /(^|\/)(tests?|__tests__|specs?)\/|\.(test|spec)\.[cm]?[jt]sx?$|(^|\/)test_[^/]*\.py$|_test\.(py|go)$|_spec\.rb$/i;

/** True when a repository-relative path looks like a test file. */
export function isTestPath(path: string): boolean {
  return TEST_PATH.test(path);
}

/** Assertion calls in the common frameworks: `assert(`/`assert.x(`, Python's `assert` statement, `expect(`, `should`, Go's t.Error/Fatal, Rust's assert!, unittest. */
const ASSERTION = /\bassert(?:\.\w+)*\s*\(|^\s*assert\s|\bexpect\s*\(|\.should\b|\bt\.(?:Error|Errorf|Fatal|Fatalf|Fail)\s*\(|\bassert(?:_eq|_ne)?!\s*\(|\bself\.assert\w+\s*\(/gm;
/** Test cases: `test(`/`it(`, `def test_`, `func TestX`, `#[test]`. */
const TEST_CASE = /(?:^|[^.\w])(?:it|test)\s*\(|\bdef test_\w+|\bfunc Test\w+|#\[test\]/g;
/**
 * Ways to switch tests off or to run only some: .skip/.only/.todo, xit/xdescribe, pytest's and unittest's skips
 * (decorators and a module's `pytestmark = pytest.mark.skip`, also imported bare: `from unittest import skip` then `@skip(…)`/`@skipIf`/`@skipUnless`/
 * `@expectedFailure`; `pytest.skip(…)`, `pytest.importorskip(…)`, `self.skipTest(…)`, `raise unittest.SkipTest(…)`
 * or `raise SkipTest(…)` and a class's `__unittest_skip__ = True`, which unittest counts as skips: https://docs.python.org/3/library/unittest.html#skipping-tests-and-expected-failures),
 * Go t.Skip, `{ skip: true }`. Rust's are weakenedRustTests'.
 */
const DISABLED = /\.(?:skip|only|todo)\s*\(|\bx(?:it|describe|test)\s*\(|\bpytest\.mark\.(?:skip|xfail)|\b__unittest_skip__\b|\bpytest\.(?:skip|xfail|importorskip)\s*\(|@(?:unittest\.)?(?:skip(?:If|Unless)?|expectedFailure)\b|\bself\.skipTest\s*\(|\braise\s+(?:[\w.]+\.)?SkipTest\b|\bt\.Skip\w*\(|\b(?:skip|only|todo)\s*:\s*true/g;

/** Assertions that cannot fail: `assert(true)`, `assert True`, the same expression on both sides (`typeof f === typeof f`, `assert.equal(x, x)`, `expect(x).toBe(x)`). */
const TAUTOLOGY = /\bassert(?:\.\w+)?\(\s*(?:true|1|!0|!!1)\s*[,)]|^\s*assert\s+True\b|\bassert(?:\.\w+)?\(\s*([^,()]+?(?:\([^()]*\))?)\s*(?:===|!==|==|,)\s*\1\s*[,)]|\bexpect\(\s*([^()]+?)\s*\)\.(?:toBe|toEqual|toStrictEqual)\(\s*\2\s*\)/gm;

/** The text without comments (`//`, `/* *\/`, `#` lines but not Rust's `#[…]` and `#![…]`): a commented-out test is no test. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1').replace(/^\s*#(?!!?\[).*$/gm, '');
}

function count(re: RegExp, text: string): number {
  return code(text).match(re)?.length ?? 0;
}

/**
 * Objections (source `tests`) to a planned change that weakens a guarded test file: deleted, fewer assertions or
 * test cases than before (comments do not count), more skipped/only/todo markers, more assertions that are
 * always true (Rust files also get weakenedRustTests, wherever they are, see rustTestGuard). A counting heuristic over common frameworks: it
 * catches the usual ways a model makes a red test green without making the code right, not every way.
 */
export function weakenedTests(planned: readonly PlannedChange[], guarded: (path: string) => boolean): Objection[] {
  const objections: Objection[] = [];
  for (const c of planned) {
    if (!guarded(c.path) || c.before === null) continue;
    const where = c.path;
    if (c.after === null) {
      objections.push({ source: 'tests', where, message: `deleting the test file \`${c.path}\` is not allowed: make the code pass it` });
      continue;
    }
    const [a0, a1] = [count(ASSERTION, c.before), count(ASSERTION, c.after)];
    const [t0, t1] = [count(TEST_CASE, c.before), count(TEST_CASE, c.after)];
    const [d0, d1] = [count(DISABLED, c.before), count(DISABLED, c.after)];
    const [y0, y1] = [count(TAUTOLOGY, c.before), count(TAUTOLOGY, c.after)];
    if (y1 > y0) objections.push({ source: 'tests', where, message: `\`${c.path}\` would gain an assertion that is always true (the same thing on both sides): assert the behaviour` });
    if (a1 < a0) objections.push({ source: 'tests', where, message: `\`${c.path}\` would have ${a1} assertions instead of ${a0}: do not weaken tests, fix the code` });
    // A Rust file's test functions and ignores are counted by weakenedRustTests, which sees every Rust file.
    const rust = c.path.endsWith('.rs');
    if (t1 < t0 && !rust) objections.push({ source: 'tests', where, message: `\`${c.path}\` would have ${t1} test cases instead of ${t0}: do not remove tests` });
    if (d1 > d0 && !rust) objections.push({ source: 'tests', where, message: `\`${c.path}\` would skip or single out tests (.skip/.only/todo added): run them all` });
  }
  return objections;
}

/** Objections to a tests-step change that touches files other than tests (the plan's test files, or test-looking paths). */
export function onlyTestFiles(planned: readonly PlannedChange[], planTests: ReadonlySet<string>): Objection[] {
  return planned
    .filter((c) => !planTests.has(c.path) && !isTestPath(c.path))
    .map((c) => ({ source: 'edit', where: c.path, message: `the tests step writes test files only; \`${c.path}\` is not a test file (code comes in the next step)` }));
}
