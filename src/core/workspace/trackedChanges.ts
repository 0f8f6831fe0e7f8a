import { splitNul, type GitClient } from './gitClient';

/**
 * How a path differs between a commit and the working tree: `A` added, `D` deleted (from the index or the disk),
 * `M` modified, `T` type changed (e.g. a file became a symlink), `U` unmerged. Renames are listed as `D` + `A`.
 */
export type TrackedChange = 'A' | 'D' | 'M' | 'T' | 'U';

/**
 * The tracked paths whose working-tree state may differ from `commit` (`git diff-index --name-status -z <commit>`):
 * committed, staged and unstaged changes alike, compared through the index, so a path removed from the index counts
 * as deleted and a path added to it as added. Untracked files are not listed; renames come as a deletion and an
 * addition. Git decides from the stat data the index recorded (mtime, ctime, inode, size) and reads the content
 * only where that is not conclusive (racy entries), so a file whose stat data changed but whose content did not is
 * listed too (`M`): callers read it again, which is safe.
 *
 * Why the plumbing `diff-index`, not `git diff <commit>`: porcelain `git diff` refreshes the stat data and writes
 * the index back whenever it found stale entries, even with `GIT_OPTIONAL_LOCKS=0` (measured with git 2.39), and the
 * map must never write to a repository it only reads. `diff-index` never writes the index.
 * @returns repository-relative path → change; empty when nothing differs
 * @throws GitCommandError when `commit` is unknown or the folder is not a repository
 */
export async function trackedChanges(git: GitClient, commit: string): Promise<Map<string, TrackedChange>> {
  const fields = splitNul(await git.raw(['diff-index', '--name-status', '-z', '--no-renames', commit, '--']));
  const out = new Map<string, TrackedChange>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const letter = fields[i][0];
    // `X` (unknown) and `B` (broken pair) need options not passed here; anything unexpected is read as modified.
    out.set(fields[i + 1], letter === 'A' || letter === 'D' || letter === 'T' || letter === 'U' ? letter : 'M');
  }
  return out;
}
