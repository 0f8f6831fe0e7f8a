import type { RunState } from '../pipeline/runState';
import type { FileDecision } from '../ports/approvalPort';
import { keepBranch } from '../workspace/keepBranch';
import { isDeliverable, mergeApproved } from '../workspace/mergeApproved';

/**
 * Ends a `ready` ticket as a person decided: `merge` brings the approved files into the user's branch (rejected
 * and undecided files stay out, and so do the deliverables under `.shipwright/` unless `includeDeliverables`);
 * `keep-branch` puts the same approved change on a branch for a pull request (keepBranch). The state becomes `done`.
 * @throws Error when the ticket is not ready, and WorktreeError from the merge (stale approval, wrong branch,
 *   dirty checkout, conflict) — nothing is written then and the ticket stays `ready`.
 */
export async function finishTicket(state: RunState, decisions: FileDecision[], mode: 'merge' | 'keep-branch', opts: { includeDeliverables?: boolean } = {}): Promise<RunState> {
  if (state.state !== 'ready') throw new Error(`ticket ${state.ticket.id} is ${state.state}, not ready: nothing to finish`);
  if (!state.worktree) throw new Error(`ticket ${state.ticket.id} has no worktree`);
  if (mode === 'keep-branch') {
    const k = await keepBranch(state.worktree, decisions, opts);
    if (k.branch === state.worktree.branch) return { ...state, state: 'done', reason: `nothing approved: branch ${k.branch} kept as it is (${k.pushHint})` };
    const rejected = k.leftOut.filter((p) => !isDeliverable(p));
    const notes = k.leftOut.length - rejected.length;
    return {
      ...state,
      state: 'done',
      reason: `branch ${k.branch} holds the approved change as one commit on ${k.baseCommit.slice(0, 10)}, for a pull request (${k.pushHint})${rejected.length ? `; left out ${rejected.join(', ')}` : ''}${notes ? `; ${notes} deliverable(s) stay on branch ${state.worktree.branch}` : ''}`,
    };
  }
  const m = await mergeApproved(state.worktree, decisions, opts);
  const rejected = m.leftOut.filter((p) => !isDeliverable(p));
  const kept = m.leftOut.length - rejected.length;
  return {
    ...state,
    state: 'done',
    reason: `merged ${m.merged.length} file(s) into ${m.intoBranch} at ${m.mergeCommit.slice(0, 10)}${rejected.length ? `; left out ${rejected.join(', ')}` : ''}${kept ? `; ${kept} deliverable(s) stay on branch ${state.worktree.branch}` : ''}`,
  };
}
