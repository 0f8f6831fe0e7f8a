import { codeState } from '../../workspace/codeState';
import type { PhaseContext } from '../phaseContext';
import { runTests, type JudgedRun } from './runTests';
import { judgeBaseline, type BaselineJudgement } from './testJudge';

/**
 * The test command's run on the worktree before any change of the ticket, judged (judgeBaseline), with the code it
 * saw (`codeState` right after the run, so files the run itself writes, such as coverage reports, count as seen).
 */
export interface BaselineRun {
  command: string;
  run: JudgedRun;
  judged: BaselineJudgement;
  /** {@link codeState} of the worktree after the run. */
  codeState: string;
}

/**
 * The baseline for `command`: `earlier` (the preflight's, made before the ticket's first model call) when it ran
 * the same command and the code is the same now, else a fresh run, judged.
 * @throws Error when the run was cancelled (the caller's signal): a cancelled run judges nothing
 */
export async function baselineRunFor(ctx: PhaseContext, command: string, earlier?: BaselineRun): Promise<BaselineRun> {
  if (earlier !== undefined && earlier.command === command && earlier.codeState === (await codeState(ctx.worktree.path))) return earlier;
  const run = await runTests(ctx, command, 'implementation', 'green', { failures: [], passing: [] });
  if (run.cancelled || ctx.signal.aborted) throw new Error(`the test run before any change was cancelled (${command})`);
  return { command, run, judged: judgeBaseline(run), codeState: await codeState(ctx.worktree.path) };
}
