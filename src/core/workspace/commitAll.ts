import type { WorktreeInfo } from '../pipeline/phaseContext';
import { gitClient } from './gitClient';

/** Used only when the repository has no identity of its own configured (fresh CI machines, temp repos). */
const FALLBACK_IDENTITY = ['-c', 'user.name=Shipwright', '-c', 'user.email=shipwright@localhost'];

/**
 * Stages every change in the worktree (added, modified, deleted; git-ignored files stay out) and commits it.
 * The user's own identity is used when configured. Hooks do not run (see gitClient).
 * @returns the new commit's sha, or undefined when there was nothing to commit
 * @throws Error from git (e.g. the worktree is gone)
 */
export async function commitAll(worktree: WorktreeInfo | string, message: string): Promise<string | undefined> {
  const dir = typeof worktree === 'string' ? worktree : worktree.path;
  const git = gitClient(dir);
  await git.raw(['add', '-A', '--', '.']);
  const staged = (await git.raw(['diff', '--cached', '--name-only'])).trim();
  if (staged === '') return undefined;
  const hasIdentity = (await git.raw(['config', '--get', 'user.email']).catch(() => '')).trim() !== '';
  await git.raw([...(hasIdentity ? [] : FALLBACK_IDENTITY), 'commit', '-q', '--no-verify', '-m', message]);
  return (await git.revparse(['HEAD'])).trim();
}
