/**
 * How a test run's verdict reads in a log line: `passed`, `failed`, or, for a run that passed while the command
 * exited non-zero (the failures it had before the ticket are excluded, see testJudge.passes), `passed apart from
 * the failures from before the ticket`, so `passed (exit 1)` does not read as a contradiction.
 */
export function testRunWord(run: { passed: boolean; exitCode: number | null }): string {
  if (!run.passed) return 'failed';
  return run.exitCode === 0 ? 'passed' : 'passed apart from the failures from before the ticket';
}
