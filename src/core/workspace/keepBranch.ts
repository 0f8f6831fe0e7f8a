import type { WorktreeInfo } from '../pipeline/phaseContext';

/** The branch kept for a pull request, and how to publish it. */
export interface KeptBranch {
  branch: string;
  baseCommit: string;
  /** A command line for people, e.g. `git push -u origin shipwright/12-add-login`. */
  pushHint: string;
}

/**
 * Leaves the ticket's branch as it is (nothing is merged, pushed or removed) and says how to open a pull request.
 */
export function keepBranch(worktree: WorktreeInfo): KeptBranch {
  return { branch: worktree.branch, baseCommit: worktree.baseCommit, pushHint: `git push -u origin ${worktree.branch}` };
}
