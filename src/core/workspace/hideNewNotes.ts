import { readFile, rmdir, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { BoundedAsyncCache } from './boundedAsyncCache';
import { gitClient, splitNul } from './gitClient';
import type { ProtectedSnapshot } from './protectedSnapshot';

/** Shipwright's folder in a worktree: the ticket's notes (a deliverable per phase) and the user's config. */
const NOTES = '.shipwright';

/**
 * Takes the ticket's own notes out of the worktree for a test run: the committed, unchanged files under
 * `.shipwright/` that are not in `baseCommit` (the deliverables each phase commits, `.shipwright/<id>/NN-<phase>.md`). A repository's own checks
 * that read every file (`remark --frail .` on wooorm/markdown-table, `prettier --check .`) then judge the code as
 * the run before any change did, instead of failing on Shipwright's markdown. Their bytes are in `snapshot` (taken
 * just before), so restoreProtected puts them back after the run. Tracked `.shipwright` files missing from the
 * worktree (`snapshot.missing`: a run killed before they were put back) are first restored from the index and
 * added to `snapshot`.
 * @returns the repository-relative paths taken out
 * @throws GitCommandError when git cannot list the files
 */
export async function hideNewNotes(worktreePath: string, baseCommit: string, snapshot: ProtectedSnapshot): Promise<string[]> {
  const git = gitClient(worktreePath);
  const missing = snapshot.missing.filter((p) => p.startsWith(`${NOTES}/`));
  if (missing.length > 0) {
    await git.raw(['checkout', '--', ...missing.map((p) => `:(literal)${p}`)]);
    for (const p of missing) {
      const bytes = await readFile(join(worktreePath, p)).catch(() => undefined);
      if (bytes !== undefined) snapshot.files.set(p, bytes);
    }
  }
  const atBase = await notesAt(worktreePath, baseCommit);
  // Only notes as committed: one that exists nowhere else (untracked, or changed since its commit) is not deleted,
  // since a run killed before the put-back would lose it.
  const dirty = new Set(splitNul(await git.raw(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', NOTES])).map((f) => f.slice(3)));
  const hidden = [...snapshot.files.keys()].filter((p) => p.startsWith(`${NOTES}/`) && !atBase.has(p) && !dirty.has(p)).sort();
  for (const p of hidden) await unlink(join(worktreePath, p)).catch(() => undefined);
  // Empty folders left behind go too (a linter may still list them); the deepest first.
  const folders = [...new Set(hidden.map((p) => dirname(p)))].sort((a, b) => b.length - a.length);
  for (const d of folders) await rmdir(join(worktreePath, d)).catch(() => undefined);
  return hidden;
}

/** The `.shipwright` files of a commit, by commit id (a commit never changes): one git process per base commit. */
const atCommit = new BoundedAsyncCache<Set<string>>();

function notesAt(worktreePath: string, commit: string): Promise<Set<string>> {
  return atCommit.get(commit, async () => new Set(splitNul(await gitClient(worktreePath).raw(['ls-tree', '-r', '-z', '--name-only', commit, '--', NOTES]))));
}
