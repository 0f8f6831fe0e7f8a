import { lstat, realpath } from 'node:fs/promises';
import { basename } from 'node:path';
import type { WorktreeInfo } from '../pipeline/phaseContext';
import { gitClient } from './gitClient';
import { WorktreeError } from './worktreeError';

/**
 * Checks that a ticket's worktree is still there and still itself before anything is written or committed in it:
 * the folder exists, git's top level from inside it is that folder, and its HEAD is the ticket's branch. Without
 * this check a folder deleted mid-run (by the user or a cleanup tool) would be re-created as a plain directory
 * and git would find an enclosing repository (a home directory or monorepo under git) and commit there.
 * `ticketId` (for the message) defaults to the folder's name, which is the ticket id in Shipwright's layout.
 * @throws WorktreeError('missing') naming the path and saying how to go on (`shipwright resume <id>`)
 */
export async function ensureWorktree(worktree: Pick<WorktreeInfo, 'path'> & Partial<Pick<WorktreeInfo, 'branch'>>, ticketId = basename(worktree.path)): Promise<void> {
  const gone = (why: string): WorktreeError => new WorktreeError(
    'missing',
    `the worktree of ticket ${ticketId} at ${worktree.path} ${why}; the run stopped and nothing was written anywhere else. Run \`shipwright resume ${ticketId}\` to re-create it${worktree.branch === undefined ? '' : ` from branch ${worktree.branch}`}.`,
    [worktree.path],
  );
  const stat = await lstat(worktree.path).catch(() => undefined);
  if (stat === undefined) throw gone('is gone (deleted while the ticket ran?)');
  if (!stat.isDirectory()) throw gone('is no longer a folder');
  let top: string;
  let branch: string;
  try {
    // One git process, not two: this check runs before every phase, edit batch, test run and commit (≈ 25 per ticket).
    // `--symbolic-full-name HEAD` prints `refs/heads/<branch>`, or `HEAD` when detached.
    const [topLine = '', headLine = ''] = (await gitClient(worktree.path).raw(['rev-parse', '--show-toplevel', '--symbolic-full-name', 'HEAD'])).split('\n');
    top = await realpath(topLine.trim());
    const head = headLine.trim();
    branch = head.startsWith('refs/heads/') ? head.slice('refs/heads/'.length) : '';
  } catch {
    throw gone('is no longer a git worktree');
  }
  if (top !== worktree.path) throw gone(`is no longer a git worktree (git finds the repository at ${top} instead)`);
  if (worktree.branch !== undefined && branch !== worktree.branch) throw gone(`is on ${branch === '' ? 'a detached HEAD' : branch}, not on ${worktree.branch}`);
}

/** True when `ensureWorktree` would pass; false when the folder is gone or no longer the ticket's worktree. */
export async function worktreePresent(worktree: Pick<WorktreeInfo, 'path'> & Partial<Pick<WorktreeInfo, 'branch'>>): Promise<boolean> {
  return ensureWorktree(worktree).then(() => true, () => false);
}
