/**
 * Result lines of Python's unittest run verbose (`python -m unittest -v`), as CPython's Lib/unittest/runner.py
 * (TextTestResult) prints them, recorded from Python 3.11 on hukkin/tomli in test/fixtures/runner-output/unittest-*.txt.
 * A test is named `test_x (tests.test_mod.TestCase.test_x)` (TestCase.__str__, Lib/unittest/case.py; before 3.11
 * without the method name in the parentheses), a module that failed to import `tests.test_x
 * (unittest.loader._FailedTest.tests.test_x)`; the whole of it is the name, the same in each form:
 * `test_x (…) ... FAIL` / `... ERROR` / `... unexpected success` (a success of an expected failure fails the run),
 * and the `FAIL: test_x (…)` / `ERROR: test_x (…)` header above each failure's traceback (a subtest's ` [msg]` or
 * ` (i=1)` after it is left out). A test with a docstring puts its first line between the name and ` ... ok`, on a
 * line of its own; the pattern reads both lines.
 */
export const UNITTEST_FAILING = [
  /^([\w.]+ \([\w.]+\))(?:\n[^\n]*?)? \.\.\. (?:FAIL|ERROR|unexpected success)$/gm,
  /^(?:FAIL|ERROR): ([\w.]+ \([\w.]+\))(?: \[.*\]| \(.*\))?$/gm,
];

/** unittest's passing line (see UNITTEST_FAILING): `test_x (tests.test_mod.TestCase.test_x) ... ok`. */
export const UNITTEST_PASSING = [/^([\w.]+ \([\w.]+\))(?:\n[^\n]*?)? \.\.\. ok$/gm];

/**
 * The two lines of a test with a docstring (`test_x (…)` alone, then `Its first line. ... ok`), which the
 * patterns above read together: both are kept among a long run's result lines, which are kept line by line.
 */
export const UNITTEST_SPLIT_LINES = ['^[\\w.]+ \\([\\w.]+\\)$', ' \\.\\.\\. (?:ok|FAIL|ERROR|unexpected success)$'];

/**
 * The name unittest gives a test module it could not import (`tests.test_x (unittest.loader._FailedTest.tests.test_x)`,
 * Lib/unittest/loader.py `_make_failed_import_test`): a failure of the set-up, not a test, where no test of the
 * module ran.
 */
export const UNITTEST_IMPORT_FAILURE = /\(unittest\.loader\._FailedTest\./;
