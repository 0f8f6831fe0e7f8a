import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorktreeInfo } from '../pipeline/phaseContext';
import type { FileDecision } from '../ports/approvalPort';
import { changedFiles } from './changedFiles';
import { commitChanges } from './commitAll';
import { gitClient, splitNul } from './gitClient';
import { WorktreeError } from './worktreeError';
import { statusPaths } from './worktreeManager';
import { readWorktreeMeta } from './worktreeMeta';

/** What a merge did. */
export interface MergeResult {
  /** The merge commit on the user's branch. */
  mergeCommit: string;
  /** The user's branch that received it. */
  intoBranch: string;
  /** Paths merged. */
  merged: string[];
  /** Paths left out (rejected or undecided), restored to the base version by `restoreCommit` first. */
  leftOut: string[];
  restoreCommit?: string;
}

/**
 * Brings the approved files of a ready ticket into the user's branch, with `git merge --no-ff` in the user's
 * checkout. Before anything is written it checks that: every approved decision was made on the file's current
 * content; the checkout is on the branch the ticket started from; nothing is staged there and no approved path
 * has uncommitted changes; nothing the merge would write is an untracked or git-ignored file, folder or symlink of
 * the user's (git itself replaces ignored files silently); and the merge has no conflicts
 * (`git merge-tree --write-tree`, git ≥ 2.38). Files not approved are first restored to the base version in one
 * commit on the ticket's branch, so the merge brings only approved files. The merge runs with hooks disabled
 * (`core.hooksPath=/dev/null`): the merged content is model-written, and a hooks path inside the repository
 * could have been changed by the branch itself.
 * @throws WorktreeError('stale') a file changed since its decision; ('wrongBranch'); ('dirty') with the paths;
 *   ('conflict') with the conflicting paths; ('notFound') when nothing was approved. Nothing is written then.
 * @throws WorktreeError('git') when git stops the merge itself (a hook of the user's, …): the merge is aborted,
 *   the user's checkout is as it was, and the message says so in words.
 */
export async function mergeApproved(worktree: WorktreeInfo, decisions: FileDecision[]): Promise<MergeResult> {
  const files = await changedFiles(worktree);
  const byPath = new Map(decisions.map((d) => [d.path, d]));
  const approved = files.filter((f) => byPath.get(f.path)?.decision === 'approve');
  const stale = approved.filter((f) => byPath.get(f.path)?.contentHash !== f.contentHash).map((f) => f.path);
  if (stale.length > 0) throw new WorktreeError('stale', `these files changed after they were approved; review them again: ${stale.join(', ')}`, stale);
  if (approved.length === 0) throw new WorktreeError('notFound', 'no file of the change was approved; nothing to merge');
  const leftOut = files.filter((f) => !approved.includes(f));

  const meta = await readWorktreeMeta(worktree.path);
  const user = gitClient(worktree.repoRoot);
  const current = (await user.raw(['symbolic-ref', '-q', '--short', 'HEAD']).catch(() => '')).trim();
  const expected = meta?.fromBranch ?? null;
  if (current === '' || (expected !== null && current !== expected)) {
    throw new WorktreeError('wrongBranch', `your checkout is on ${current === '' ? 'a detached HEAD' : current}; switch to ${expected ?? 'a branch'} to merge ${worktree.branch}`);
  }

  const staged = splitNul(await user.raw(['diff', '--cached', '--name-only', '-z']));
  // Left-out files are restored to base before the merge, so only approved paths can be written by it.
  const touched = new Set(approved.map((f) => f.path));
  const dirty = (await statusPaths(worktree.repoRoot)).filter((p) => touched.has(p));
  if (staged.length > 0 || dirty.length > 0) {
    const paths = [...new Set([...staged, ...dirty])];
    throw new WorktreeError('dirty', `your checkout has uncommitted changes in ${paths.join(', ')}; commit or stash them yourself, then merge again`, paths);
  }

  // Git refuses to overwrite untracked files but silently replaces ignored ones (a real node_modules/, a build
  // output, a local .env): anything not tracked where the merge would write is refused here, by name.
  const inTheWay = await untrackedInTheWay(worktree.repoRoot, approved.filter((f) => f.status !== 'deleted').map((f) => f.path));
  if (inTheWay.length > 0) {
    throw new WorktreeError('dirty', `the merge would replace files of yours that git does not track (untracked or ignored): ${inTheWay.join(', ')}; move them away or reject those paths (--reject PATH), then merge again`, inTheWay);
  }

  // Checked before the restore commit, so a refused merge leaves the ticket's branch as it was.
  await refuseConflicts(worktree, current, approved.map((f) => f.path));

  let restoreCommit: string | undefined;
  if (leftOut.length > 0) {
    const wt = gitClient(worktree.path);
    const existed = leftOut.filter((f) => f.status !== 'added').map((f) => f.path);
    const added = leftOut.filter((f) => f.status === 'added').map((f) => f.path);
    if (existed.length > 0) await wt.raw(['restore', `--source=${worktree.baseCommit}`, '--staged', '--worktree', '--', ...existed]);
    if (added.length > 0) await wt.raw(['rm', '-q', '-f', '--', ...added]);
    restoreCommit = (await commitChanges(worktree, `Leave out files not approved: ${leftOut.map((f) => f.path).join(', ')}`, { ownFiles: leftOut.map((f) => f.path) })).sha;
  }

  try {
    await user.raw(['merge', '--no-ff', '--no-edit', '-m', `Merge ${worktree.branch} (Shipwright)`, worktree.branch]);
  } catch (e) {
    // A hook of the user's (pre-merge-commit, commit-msg) or anything else git stops on: put the checkout back
    // as it was, and say so in words rather than git's.
    const inMerge = async (): Promise<boolean> => (await user.raw(['rev-parse', '-q', '--verify', 'MERGE_HEAD']).catch(() => '')).trim() !== '';
    if (await inMerge()) await user.raw(['merge', '--abort']).catch(() => undefined);
    // `--abort` needs the index lock; when another process holds it (git stopped for that very reason) nothing
    // was written, and `--quit` forgets the merge state without touching index or files.
    const untouched = (await user.raw(['diff', '--name-only', 'HEAD']).catch(() => 'unknown')).trim() === '';
    if ((await inMerge()) && untouched) await user.raw(['merge', '--quit']).catch(() => undefined);
    const why = (e instanceof Error ? e.message : String(e)).split('\n').map((l) => l.trim()).filter((l) => l !== '').slice(0, 3).join(' ');
    throw new WorktreeError('git', `git could not merge ${worktree.branch} into ${current} (${why}); your checkout was left as it was and the branch is kept: merge it by hand or fix the cause and run finish again`, [], { cause: e });
  }
  const mergeCommit = (await user.revparse(['HEAD'])).trim();
  return { mergeCommit, intoBranch: current, merged: approved.map((f) => f.path), leftOut: leftOut.map((f) => f.path), restoreCommit };
}

/**
 * Paths the merge would write (and their parent folders) that exist in the user's checkout without being
 * tracked there: untracked or git-ignored files, folders or symlinks.
 */
async function untrackedInTheWay(repoRoot: string, writes: string[]): Promise<string[]> {
  const candidates = new Set<string>();
  for (const p of writes) {
    const parts = p.split('/');
    for (let i = 1; i <= parts.length; i++) candidates.add(parts.slice(0, i).join('/'));
  }
  const present: string[] = [];
  for (const c of candidates) if (await lstat(join(repoRoot, c)).catch(() => undefined)) present.push(c);
  if (present.length === 0) return [];
  const tracked = new Set<string>();
  const git = gitClient(repoRoot);
  for (let i = 0; i < present.length; i += 200) {
    const batch = present.slice(i, i + 200).map((p) => `:(literal)${p}`);
    for (const t of splitNul(await git.raw(['ls-files', '-z', '--', ...batch]))) tracked.add(t);
  }
  const targets = new Set(writes);
  const inTheWay: string[] = [];
  for (const c of present) {
    if (tracked.has(c)) continue;
    const stat = await lstat(join(repoRoot, c));
    // The written path itself (a file, or a folder such as a real node_modules where the branch has a link), or
    // a parent that is not a folder (a file or a symlink git would have to replace). An untracked parent folder
    // only receives a new file, and a folder holding tracked files is the user's tracked folder.
    if (targets.has(c) ? !(stat.isDirectory() && [...tracked].some((t) => t.startsWith(`${c}/`))) : !stat.isDirectory()) inTheWay.push(c);
  }
  return inTheWay;
}

/** Refuses when the ticket's branch would conflict with the user's branch (computed without a checkout). */
async function refuseConflicts(worktree: WorktreeInfo, userBranch: string, paths: string[]): Promise<void> {
  let out: string;
  try {
    out = await gitClient(worktree.repoRoot).raw(['merge-tree', '--write-tree', '--name-only', '--no-messages', userBranch, worktree.branch]);
  } catch (e) {
    throw new WorktreeError('conflict', `could not check that ${worktree.branch} merges cleanly into ${userBranch}: ${String(e)}`, paths, { cause: e });
  }
  // Exit status 1 (conflicts) is not an error to simple-git when stderr is empty: read the output instead.
  // It is the merged tree's id, then one conflicted path per line.
  const conflicted = out.split('\n').slice(1).map((l) => l.trim()).filter((l) => l !== '');
  if (conflicted.length > 0) {
    throw new WorktreeError('conflict', `${worktree.branch} does not merge cleanly into ${userBranch}: ${conflicted.join(', ')}; keep the branch and merge by hand`, conflicted);
  }
}
