import { detectTestCommand } from '../../workspace/detectTestCommand';
import type { HandoffSummary } from '../handoffSummary';
import { baselineRunFor, type BaselineRun } from '../implementation/baselineRun';
import { NO_TEST_COMMAND, setupStop } from '../implementation/setupStop';
import type { PhaseContext } from '../phaseContext';
import { stamp } from '../pipelineEvent';

/** What the preflight found: a baseline for implementation to reuse, or the stop to hand to a person. */
export type PreflightResult = { ok: true; baselineRun: BaselineRun } | { ok: false; summary: HandoffSummary };

/** How a stop before any model call opens its text. */
const LEAD = 'Stopped before any model was called';

/**
 * Runs the project's test command on the untouched worktree before the ticket's first model call, and judges it as
 * implementation would. A command that cannot be found, cannot run, times out, or fails with no test told apart
 * stops the ticket there, before the spec, design and plan are paid for (a runner npx cannot download, a linter
 * that already fails, a missing script). The run is the one implementation needs anyway (baselineRunFor), so a
 * healthy suite costs no extra run. `ctx` is implementation's context, or an epic's split's (its children's suite).
 * @throws Error when cancelled during the run
 */
export async function testPreflight(ctx: PhaseContext): Promise<PreflightResult> {
  const command = ctx.config.testCommand ?? (await detectTestCommand(ctx.worktree.path));
  if (command === undefined) return { ok: false, summary: setupStop(ctx, LEAD, NO_TEST_COMMAND) };
  ctx.emit(stamp({ type: 'log', ticketId: ctx.ticket.id, level: 'info', message: `checking the test command before the first model call: \`${command}\`` }));
  const baselineRun = await baselineRunFor(ctx, command, { forReuse: true });
  if (!baselineRun.judged.ok) return { ok: false, summary: setupStop(ctx, LEAD, baselineRun.judged.advice, baselineRun.run) };
  return { ok: true, baselineRun };
}
