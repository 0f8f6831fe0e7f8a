import { runTestCommand, describeTestRun, type TestRunResult } from '../../workspace/testCommandRunner';
import type { PhaseContext } from '../phaseContext';
import type { PhaseId } from '../phaseId';
import { stamp } from '../pipelineEvent';

/**
 * Runs the project's test command in the ticket's worktree with the configured timeout and output budget,
 * and emits a `testRun` event saying what was expected (`red` after the tests step, `green` after code).
 */
export async function runTests(ctx: PhaseContext, command: string, phase: PhaseId, expect: 'red' | 'green'): Promise<TestRunResult> {
  const run = await runTestCommand({
    command,
    cwd: ctx.worktree.path,
    timeoutMs: ctx.config.testTimeoutMs,
    outputBudgetChars: ctx.config.testOutputBudgetChars,
    signal: ctx.signal,
  });
  ctx.emit(stamp({
    type: 'testRun', ticketId: ctx.ticket.id, phase, expect, passed: run.exitCode === 0, exitCode: run.exitCode, timedOut: run.timedOut,
    summary: describeTestRun(run),
  }));
  return run;
}

/** A run as prompt text: what ran, how it ended, and the (trimmed) output. */
export function runAsText(run: TestRunResult): string {
  return `${describeTestRun(run)}\n\n${run.output.trim() || '(no output)'}`;
}
