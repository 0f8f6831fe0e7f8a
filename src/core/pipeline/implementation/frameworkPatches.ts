import type { PlannedChange } from '../../workspace/applyEdits';
import type { Objection } from '../objection';
import { isTestPath } from './testGuard';

/**
 * Code outside the tests that rewrites the test framework the tests run under: an assignment to one of its
 * methods or a replacement of its module. Python: `unittest.TestCase.assertIs = …`, `TestCase.assertEqual = …`,
 * `setattr(unittest.TestCase, …)`, `pytest.fail = …`, `sys.modules["unittest"] = …`; JavaScript: `assert.equal = …`,
 * `expect.x = …` (a call such as `expect.extend({…})` is no assignment and passes), `chai.x = …`, `Code.expect = …`
 * (@hapi/code), `require('assert').x = …`, `Object.defineProperty(assert, …)`. On hukkin/tomli a code step made `assertIs` a no-op in `src/tomli/__init__.py`,
 * and an always-True `is_valid` reached ready.
 */
const PATCHES = [
  /\bunittest\.(?:TestCase|TestResult|TextTestRunner|TextTestResult|main)\.\w+\s*=(?!=)/g,
  /^\s*(?:unittest\.)?TestCase\.\w+\s*=(?!=)/gm,
  /\bsetattr\(\s*(?:unittest\.)?Test(?:Case|Result)\b/g,
  /\bpytest\.\w+\s*=(?!=)/g,
  /\bsys\.modules\[\s*['"](?:unittest|pytest|_pytest)\b/g,
  /^\s*(?:assert|expect|chai|Code|should)\.\w+\s*=(?!=)/gm,
  /\brequire\(\s*['"](?:node:)?assert(?:\/strict)?['"]\s*\)\.\w+\s*=(?!=)/g,
  /\bObject\.(?:defineProperty|assign)\(\s*(?:assert|expect|chai|Code)\b/g,
];

function count(text: string | null): number {
  return text === null ? 0 : PATCHES.reduce((n, re) => n + (text.match(re)?.length ?? 0), 0);
}

/**
 * Objections (source `tests`) to a change of a file that is not a test (see isTestPath; `tests` are the plan's and
 * the tests step's test files) that adds a rewrite of the test framework (PATCHES): the tests would then judge with
 * assertions that cannot fail. Counted against the file before the change, so a module that already configures
 * its framework may keep doing so.
 */
export function frameworkPatches(planned: readonly PlannedChange[], tests: ReadonlySet<string>): Objection[] {
  return planned
    .filter((c) => !isTestPath(c.path) && !tests.has(c.path) && count(c.after) > count(c.before))
    .map((c) => ({ source: 'tests', where: c.path, message: `\`${c.path}\` would rewrite the test framework the tests run under (an assertion method or the runner's module replaced): code may not change how tests judge; make the behaviour right instead` }));
}
