import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { gitClient } from './gitClient';

/**
 * Puts files of the worktree back as they are at its HEAD commit: tracked ones are checked out from HEAD, ones
 * HEAD does not have are deleted. Used to undo an attempt's edits that were objected to after they were written
 * (e.g. tests that pass before any code). `paths` are repository-relative and already confined.
 */
export async function restorePaths(worktreePath: string, paths: string[]): Promise<void> {
  const git = gitClient(worktreePath);
  for (const path of paths) {
    const tracked = await git.raw(['ls-tree', '--name-only', 'HEAD', '--', path]);
    if (tracked.trim() !== '') await git.raw(['checkout', 'HEAD', '--', path]);
    else await unlink(join(worktreePath, path)).catch(() => undefined);
  }
}
