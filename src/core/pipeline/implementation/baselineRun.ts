import { codeState } from '../../workspace/codeState';
import type { PhaseContext } from '../phaseContext';
import { runTests, type JudgedRun } from './runTests';
import { judgeBaseline, type BaselineJudgement } from './testJudge';

/**
 * The test command's run on the worktree before any change of the ticket, judged (judgeBaseline), with the code it
 * saw when it is to be reused (`codeState` right after the run, so files the run itself writes, such as coverage
 * reports, count as seen; undefined when git could not tell, and then it is never reused).
 */
export interface BaselineRun {
  command: string;
  run: JudgedRun;
  judged: BaselineJudgement;
  /** {@link codeState} of the worktree after the run. */
  codeState?: string;
}

/** codeState, or undefined when git cannot stage the worktree: the run is then made again rather than reused. */
const stateOf = (path: string): Promise<string | undefined> => codeState(path).catch(() => undefined);

/**
 * The baseline for `command`: `earlier` (the preflight's, made before the ticket's first model call) when it ran
 * the same command and the code is the same now, else a fresh run, judged. `forReuse`: record the code state, for a
 * later call to compare against.
 * @throws Error when the run was cancelled (the caller's signal): a cancelled run judges nothing
 */
export async function baselineRunFor(ctx: PhaseContext, command: string, opts: { earlier?: BaselineRun; forReuse?: boolean } = {}): Promise<BaselineRun> {
  const { earlier } = opts;
  if (earlier?.codeState !== undefined && earlier.command === command && earlier.codeState === (await stateOf(ctx.worktree.path))) return earlier;
  const run = await runTests(ctx, command, 'implementation', 'green', { failures: [], passing: [] });
  if (run.cancelled || ctx.signal.aborted) throw new Error(`the test run before any change was cancelled (${command})`);
  // A passing run's state was taken by runTests already: not staged and hashed twice.
  return { command, run, judged: judgeBaseline(run), codeState: opts.forReuse ? (run.codeState ?? (await stateOf(ctx.worktree.path))) : undefined };
}
