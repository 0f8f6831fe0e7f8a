import type { RefusedChange } from '../workspace/stageableChanges';
import type { PhaseContext } from './phaseContext';
import { stamp } from './pipelineEvent';

/**
 * Tells the person, as a `log` warning, which changes in the worktree were left uncommitted and why (they stay
 * on disk in the worktree, outside the branch). Nothing is emitted when nothing was refused.
 */
export function reportRefused(ctx: Pick<PhaseContext, 'ticket' | 'emit'>, refused: readonly RefusedChange[]): void {
  if (refused.length === 0) return;
  const list = refused.map((r) => `${r.path} (${r.reason})`).join('; ');
  ctx.emit(stamp({ type: 'log', ticketId: ctx.ticket.id, level: 'warn', message: `not committed, left out of the change: ${list}` }));
}
