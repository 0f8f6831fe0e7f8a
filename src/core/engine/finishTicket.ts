import type { RunState } from '../pipeline/runState';
import type { FileDecision } from '../ports/approvalPort';

/** Placeholder until the workspace's merge lands; see mergeApproved. */
export async function finishTicket(state: RunState, _decisions: FileDecision[], _mode: 'merge' | 'keep-branch'): Promise<RunState> {
  throw new Error(`finishing ${state.ticket.id} is not wired yet`);
}
