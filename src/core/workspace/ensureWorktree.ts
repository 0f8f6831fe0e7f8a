import { lstat, readFile, realpath } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
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
  if (await unchangedSinceConfirmed(worktree)) return;
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
  await remember(worktree.path, branch);
}

/**
 * What git confirmed about a worktree, as the files git reads to answer: the folder's `.git` file (which
 * repository and worktree entry it belongs to) and that entry's `HEAD` (`ref: refs/heads/<branch>`).
 */
interface Confirmed {
  gitFile: string;
  headFile: string;
  head: string;
  branch: string;
}

/** Worktrees git confirmed, by path; each check re-reads the files and compares (see unchangedSinceConfirmed). */
const confirmed = new Map<string, Confirmed>();
/** Worktrees remembered at most (one per ticket; an epic runs a few at once). */
const MAX_CONFIRMED = 32;

/**
 * Remembers what git just confirmed, when the files say the same: the folder has a `.git` file (a linked
 * worktree) and its `HEAD` names `branch`. Not otherwise (a main checkout, a detached HEAD, a reftable repository
 * whose `HEAD` file is a placeholder): those keep asking git every time.
 */
async function remember(path: string, branch: string): Promise<void> {
  const gitFile = await readFile(join(path, '.git'), 'utf8').catch(() => undefined);
  const gitdir = /^gitdir: (.+)$/m.exec(gitFile ?? '')?.[1]?.trim();
  if (gitFile === undefined || gitdir === undefined || branch === '') return;
  const headFile = join(resolve(path, gitdir), 'HEAD');
  const head = await readFile(headFile, 'utf8').catch(() => '');
  if (head.trim() !== `ref: refs/heads/${branch}`) return;
  confirmed.delete(path);
  confirmed.set(path, { gitFile, headFile, head, branch });
  if (confirmed.size > MAX_CONFIRMED) confirmed.delete(confirmed.keys().next().value ?? path);
}

/**
 * True when the worktree is, byte for byte, as it was when git last confirmed it: still a folder at its canonical
 * path, the same `.git` file, the same `HEAD` (on the branch asked for). Git's own answer is a function of these
 * files, so the check before every phase, edit batch, test run and commit (≈ 25 a ticket) costs four file reads
 * instead of a git process. Anything else (gone, moved, replaced, another branch, detached) is false, and
 * ensureWorktree asks git, which names what changed.
 */
async function unchangedSinceConfirmed(worktree: Pick<WorktreeInfo, 'path'> & Partial<Pick<WorktreeInfo, 'branch'>>): Promise<boolean> {
  const known = confirmed.get(worktree.path);
  if (known === undefined || (worktree.branch !== undefined && worktree.branch !== known.branch)) return false;
  try {
    const [stat, real, gitFile, head] = await Promise.all([
      lstat(worktree.path), realpath(worktree.path), readFile(join(worktree.path, '.git'), 'utf8'), readFile(known.headFile, 'utf8'),
    ]);
    return stat.isDirectory() && real === worktree.path && gitFile === known.gitFile && head === known.head;
  } catch {
    return false;
  }
}

/** True when `ensureWorktree` would pass; false when the folder is gone or no longer the ticket's worktree. */
export async function worktreePresent(worktree: Pick<WorktreeInfo, 'path'> & Partial<Pick<WorktreeInfo, 'branch'>>): Promise<boolean> {
  return ensureWorktree(worktree).then(() => true, () => false);
}
