/**
 * Why a workspace operation failed.
 * - notARepo: the folder is not inside a git working tree
 * - noCommits: the repository has no commit yet, so there is nothing to start a ticket from
 * - exists: the ticket already has a worktree or branch (resume it with `open`, or remove it first)
 * - notFound: no worktree for that ticket
 * - missing: the ticket's worktree folder went away (or is no longer its worktree) while the ticket was under way
 * - wrongBranch: the user's checkout is not on the branch the ticket started from (or HEAD is detached)
 * - dirty: the user's checkout has uncommitted changes in files the operation would write
 * - conflict: the ticket's branch does not merge cleanly into the user's branch
 * - localPaths: a file to merge contains an absolute path of this machine (the worktree's or the checkout's)
 * - stale: a file changed after the person's decision on it (content hash differs)
 * - setupFailed: the worktree's set-up command failed or timed out
 * - git: a git command failed for another reason (the message carries git's own words)
 */
export type WorktreeErrorReason =
  | 'notARepo'
  | 'noCommits'
  | 'exists'
  | 'notFound'
  | 'missing'
  | 'wrongBranch'
  | 'dirty'
  | 'conflict'
  | 'stale'
  | 'localPaths'
  | 'setupFailed'
  | 'git';

/** An error of the workspace layer, tagged with a reason a caller can act on; `paths` names files involved. */
export class WorktreeError extends Error {
  override readonly name = 'WorktreeError';
  constructor(
    readonly reason: WorktreeErrorReason,
    message: string,
    readonly paths: string[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** True when `e` is a WorktreeError, with `reason` when given. */
  static is(e: unknown, reason?: WorktreeErrorReason): e is WorktreeError {
    return e instanceof WorktreeError && (reason === undefined || e.reason === reason);
  }
}
