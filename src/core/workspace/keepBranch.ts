import type { WorktreeInfo } from '../pipeline/phaseContext';
import type { FileDecision } from '../ports/approvalPort';
import { gitClient } from './gitClient';
import { approvedChange, approvedCommit, refuseLocalPaths } from './mergeApproved';

/** The branch kept for a pull request, and how to publish it. */
export interface KeptBranch {
  /** The branch to push: `<ticket branch>-pr` (or `-pr-2`…), or the ticket's own branch when nothing was approved. */
  branch: string;
  baseCommit: string;
  /** A command line for people, e.g. `git push -u origin shipwright/12-add-login-pr`. */
  pushHint: string;
  /** Paths of the change not on `branch` (rejected, undecided, Shipwright's notes). */
  leftOut: string[];
}

/**
 * Keeps the ticket's work for a pull request without touching the user's checkout: the approved change as one
 * commit on the base commit, on a new branch `<ticket branch>-pr` (`-pr-2`… when that name is taken; an existing
 * branch is never moved, and one already holding the same change on the same base is reused), as `finish --merge`
 * would bring it. Rejected files and Shipwright's notes (`.shipwright/<id>/`, unless `opts.includeDeliverables`) stay
 * out of it: a pull request's CI runs the repository's own checks, which may lint every markdown file
 * (`remark --frail .` on wooorm/markdown-table failed on the notes). The ticket's branch keeps every step and
 * note. With nothing approved, the ticket's branch is kept as it is and named.
 * @throws WorktreeError('stale') when an approved file changed after its decision; ('localPaths') when one holds an
 *   absolute path of this machine
 */
export async function keepBranch(worktree: WorktreeInfo, decisions: FileDecision[], opts: { includeDeliverables?: boolean } = {}): Promise<KeptBranch> {
  const { approved, leftOut } = await approvedChange(worktree, decisions, opts);
  const keep = (branch: string, left: string[]): KeptBranch => ({ branch, baseCommit: worktree.baseCommit, pushHint: `git push -u origin ${branch}`, leftOut: left });
  if (approved.length === 0) return keep(worktree.branch, []);
  await refuseLocalPaths(worktree, approved);
  const commit = await approvedCommit(worktree, leftOut);
  // Never moved: a branch of that name (a pull request of an earlier run of this id, with review commits on it)
  // is someone's; the next free suffix is used instead. One that already holds this very change (a finish asked
  // twice) is reused rather than doubled.
  const git = gitClient(worktree.path);
  const [tree, parent] = (await git.raw(['rev-parse', `${commit}^{tree}`, `${commit}^`])).trim().split('\n');
  for (let n = 1; ; n++) {
    const branch = n === 1 ? `${worktree.branch}-pr` : `${worktree.branch}-pr-${n}`;
    if ((await git.raw(['branch', '--list', branch])).trim() === '') {
      await git.raw(['branch', branch, commit]);
      return keep(branch, leftOut.map((f) => f.path));
    }
    const held = (await git.raw(['rev-parse', `${branch}^{tree}`, `${branch}^`]).catch(() => '')).trim().split('\n');
    if (held[0] === tree && held[1] === parent) return keep(branch, leftOut.map((f) => f.path));
  }
}
