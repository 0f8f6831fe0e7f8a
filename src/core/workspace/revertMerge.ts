import { gitClient } from './gitClient';

/**
 * Undoes a merge in the user's checkout by reverting it: `git revert -m 1 --no-edit <mergeCommit>` adds a commit
 * that takes the merged changes back out (history is kept; nothing is reset). The user's hooks run: it is their
 * branch. Resolves with the new commit's id.
 * @throws Error when `mergeCommit` is not a merge commit (it must have two parents), or from git (e.g. local
 *   changes in the way, a conflict with later commits: git's message says which)
 */
export async function revertMerge(repoRoot: string, mergeCommit: string): Promise<string> {
  const git = gitClient(repoRoot, { hooks: true });
  const parents = (await git.raw(['rev-list', '--parents', '-n', '1', mergeCommit])).trim().split(/\s+/);
  if (parents.length !== 3) throw new Error(`${mergeCommit.slice(0, 10)} is not a merge commit; nothing was reverted`);
  await git.raw(['revert', '-m', '1', '--no-edit', mergeCommit]);
  return (await git.raw(['rev-parse', 'HEAD'])).trim();
}
