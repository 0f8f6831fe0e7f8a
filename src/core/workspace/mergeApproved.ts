import { lstat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { WorktreeInfo } from '../pipeline/phaseContext';
import type { ChangedFile, FileDecision } from '../ports/approvalPort';
import { changedFiles } from './changedFiles';
import { identityArgs } from './commitAll';
import { localPathsIn } from './localPaths';
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
  /** Paths left out (rejected, undecided, deliverables): as they are at the base in `restoreCommit`. */
  leftOut: string[];
  /** The one commit merged (on the base commit, not on the ticket's branch): the approved change only. */
  restoreCommit: string;
}

/**
 * Brings the approved files of a ready ticket into the user's branch, with `git merge --no-ff` in the user's
 * checkout. Before anything is written it checks that: every approved decision was made on the file's current
 * content; the checkout is on the branch the ticket started from; nothing is staged there and no approved path
 * has uncommitted changes; nothing the merge would write is an untracked or git-ignored file, folder or symlink of
 * the user's (git itself replaces ignored files silently); and the merge has no conflicts
 * (`git merge-tree --write-tree`, git ≥ 2.38). Files not approved — and Shipwright's deliverables under
 * `.shipwright/`, unless `opts.includeDeliverables` — are left out through a commit made off the branch (see
 * approvedCommit), so the merge brings only approved files and the ticket's branch keeps its deliverables. The
 * merge runs with hooks disabled (`core.hooksPath=/dev/null`): the merged content is model-written, and a hooks
 * path inside the repository could have been changed by the branch itself.
 * @throws WorktreeError('stale') a file changed since its decision; ('wrongBranch'); ('dirty') with the paths;
 *   ('conflict') with the conflicting paths; ('notFound') when nothing was approved; ('localPaths') when an
 *   approved file contains the worktree's or the checkout's absolute path. Nothing is written then.
 * @throws WorktreeError('git') when git stops the merge itself (a hook of the user's, …): the merge is aborted,
 *   the user's checkout is as it was, and the message says so in words.
 */
export async function mergeApproved(worktree: WorktreeInfo, decisions: FileDecision[], opts: { includeDeliverables?: boolean } = {}): Promise<MergeResult> {
  const { approved, leftOut } = await approvedChange(worktree, decisions, opts);
  if (approved.length === 0) throw new WorktreeError('notFound', 'no file of the change was approved; nothing to merge');

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

  await refuseLocalPaths(worktree, approved);

  // Checked before the merge commit is built, so a refused merge leaves the ticket's branch as it was.
  const source = await approvedCommit(worktree, leftOut);
  const restoreCommit = source;
  await refuseConflicts(worktree, current, source, approved.map((f) => f.path));

  try {
    await user.raw(['merge', '--no-ff', '--no-edit', '-m', `Merge ${worktree.branch} (Shipwright)`, source]);
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

/** The ticket's changed files split by a person's decisions: approved, and left out (rejected, undecided, notes). */
export interface ApprovedChange {
  approved: ChangedFile[];
  leftOut: ChangedFile[];
}

/**
 * The ticket's change against its base commit, split by `decisions`. The user's branch gets the change, not the
 * process: the deliverables under `.shipwright/` are left out unless `opts.includeDeliverables`.
 * @throws WorktreeError('stale') when an approved file changed after its decision
 */
export async function approvedChange(worktree: WorktreeInfo, decisions: FileDecision[], opts: { includeDeliverables?: boolean } = {}): Promise<ApprovedChange> {
  const files = await changedFiles(worktree);
  const byPath = new Map(decisions.map((d) => [d.path, d]));
  const approved = files.filter((f) => byPath.get(f.path)?.decision === 'approve' && (opts.includeDeliverables === true || !isDeliverable(f.path)));
  const stale = approved.filter((f) => byPath.get(f.path)?.contentHash !== f.contentHash).map((f) => f.path);
  if (stale.length > 0) throw new WorktreeError('stale', `these files changed after they were approved; review them again: ${stale.join(', ')}`, stale);
  return { approved, leftOut: files.filter((f) => !approved.includes(f)) };
}

/**
 * Refuses approved files that hold an absolute path of this machine (a snapshot of test output, a generated
 * config): merged or pushed, it would leak into the user's history and break on every other machine.
 * @throws WorktreeError('localPaths') naming them
 */
export async function refuseLocalPaths(worktree: WorktreeInfo, approved: readonly ChangedFile[]): Promise<void> {
  const leaking: string[] = [];
  for (const f of approved.filter((x) => x.status !== 'deleted')) {
    const bytes = await gitClient(worktree.path).binaryCatFile(['blob', `${worktree.branch}:${f.path}`]);
    if (localPathsIn(bytes.toString('utf8'), worktree).length > 0) leaking.push(f.path);
  }
  if (leaking.length > 0) {
    throw new WorktreeError('localPaths', `these files contain absolute paths of this machine (${worktree.path} or ${worktree.repoRoot}): ${leaking.join(', ')}; reject them (--reject PATH) or send them back`, leaking);
  }
}

/** A file Shipwright wrote for the process (`.shipwright/<ticket>/NN-<phase>.md`), not part of the change. */
export function isDeliverable(path: string): boolean {
  return path.startsWith('.shipwright/');
}

/**
 * The approved change as one commit on the ticket's base commit (merged, or kept for a pull request): the branch's
 * HEAD with the left-out files as they are at the base. The user's history gets the change in one commit, not
 * the ticket's process commits; the ticket's branch keeps everything, deliverables included. Built in a private
 * index (`GIT_INDEX_FILE`), so neither the worktree's files nor its index change; no ref is moved.
 * @returns the commit id
 */
export async function approvedCommit(worktree: WorktreeInfo, leftOut: ChangedFile[]): Promise<string> {
  const git = gitClient(worktree.path);
  const head = (await git.revparse(['HEAD'])).trim();
  const index = join((await git.raw(['rev-parse', '--absolute-git-dir'])).trim(), 'shipwright-merge-index');
  const private_ = gitClient(worktree.path, { env: { GIT_INDEX_FILE: index } });
  try {
    await private_.raw(['read-tree', head]);
    for (const f of leftOut) {
      if (f.status === 'added') {
        await private_.raw(['update-index', '--force-remove', '--', f.path]);
        continue;
      }
      // `<mode> blob <sha>\t<path>` at the base commit.
      const [meta] = (await git.raw(['ls-tree', worktree.baseCommit, '--', f.path])).split('\t');
      const [mode, , sha] = meta.trim().split(' ');
      await private_.raw(['update-index', '--add', '--cacheinfo', `${mode},${sha},${f.path}`]);
    }
    const tree = (await private_.raw(['write-tree'])).trim();
    const subject = (await git.raw(['log', '-1', '--format=%s', head])).trim().replace(/^shipwright\(([^)]*)\):.*$/, '$1');
    const message = `Shipwright: ${worktree.branch} (${subject})\n\nThe approved change of the ticket's branch as one commit on ${worktree.baseCommit.slice(0, 10)}.${leftOut.length > 0 ? `\nLeft out (on the branch only): ${leftOut.map((f) => f.path).join(', ')}` : ''}`;
    return (await git.raw([...(await identityArgs(worktree.path)), 'commit-tree', tree, '-p', worktree.baseCommit, '-m', message])).trim();
  } finally {
    await unlink(index).catch(() => undefined);
  }
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
async function refuseConflicts(worktree: WorktreeInfo, userBranch: string, source: string, paths: string[]): Promise<void> {
  let out: string;
  try {
    out = await gitClient(worktree.repoRoot).raw(['merge-tree', '--write-tree', '--name-only', '--no-messages', userBranch, source]);
  } catch (e) {
    throw new WorktreeError('conflict', `could not check that ${worktree.branch} merges cleanly into ${userBranch}: ${String(e)}`, paths, { cause: e });
  }
  // Exit status 1 (conflicts) is not an error to gitClient when stderr is empty: read the output instead.
  // It is the merged tree's id, then one conflicted path per line.
  const conflicted = out.split('\n').slice(1).map((l) => l.trim()).filter((l) => l !== '');
  if (conflicted.length > 0) {
    throw new WorktreeError('conflict', `${worktree.branch} does not merge cleanly into ${userBranch}: ${conflicted.join(', ')}; keep the branch and merge by hand`, conflicted);
  }
}
