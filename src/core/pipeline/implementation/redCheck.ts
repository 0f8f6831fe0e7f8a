import type { TestRunResult } from '../../workspace/testCommandRunner';
import { describeTestRun } from '../../workspace/testCommandRunner';
import type { Objection } from '../objection';

/** Output of a runner that found no test at all (node:test, mocha, pytest, jest, go). */
const NO_TESTS = /^# tests 0$|\b0 passing\b(?![\s\S]*\bfailing\b)|no tests ran|collected 0 items|No tests found|no test files/m;
/** Failures that are the test file's own fault rather than missing behaviour. */
const SYNTAX = /\bSyntaxError\b|\bIndentationError\b|\bTabError\b|\bsyntax error\b|\bParseError\b/;
/** A missing npm package (a bare module name; a missing relative module is a legitimate red before code). */
const MISSING_PACKAGE = /Cannot find (?:module|package) '([^'./][^']*)'/;

/**
 * Whether a run after the tests step is red for the right reason (the behaviour is missing). Objections
 * (source `tests`): tests that pass before any code; a timeout; no tests found; a syntax error in one of the
 * new test files (named in the output); a missing test dependency. An assertion failure, a missing function or a
 * missing module of the repository itself are all fine: they are what missing code looks like.
 */
export function redCheck(run: TestRunResult, testPaths: readonly string[]): Objection[] {
  const tests = (message: string): Objection[] => [{ source: 'tests', message }];
  if (run.timedOut) return tests(`${describeTestRun(run)}: a test probably waits forever; tests must finish`);
  if (NO_TESTS.test(run.output)) return tests(`${describeTestRun(run)} but ran no tests: put the tests where the test command finds them`);
  if (run.exitCode === 0) {
    return tests(`the new tests pass before any code is written (${describeTestRun(run)}): they do not test the missing behaviour`);
  }
  const syntax = SYNTAX.exec(run.output);
  if (syntax !== null && testPaths.some((p) => run.output.includes(p.split('/').pop() ?? p))) {
    return tests(`the tests fail for the wrong reason: a ${syntax[0]} in the test code itself (${describeTestRun(run)}); they must fail only because the behaviour is missing`);
  }
  const missing = MISSING_PACKAGE.exec(run.output);
  if (missing !== null) return tests(`the tests need the package '${missing[1]}', which is not installed: use the test tools the repository already has`);
  return [];
}
