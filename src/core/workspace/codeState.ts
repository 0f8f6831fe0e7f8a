import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gitClient } from './gitClient';

/**
 * The code of a worktree as one git tree id: every tracked and untracked (not ignored) file's content, as
 * `git add -A` would stage it, without `.shipwright` (the deliverables each phase commits there do not change
 * what the tests see). Equal ids mean the same files with the same contents, committed or not. Ignored files
 * (`node_modules`, `.env`) are not covered. Staged into a copy of the worktree's index, so only files changed since
 * the last stage are hashed again, and the real index is never touched.
 * @throws GitCommandError when git cannot run there
 */
export async function codeState(worktreePath: string): Promise<string> {
  const git = gitClient(worktreePath);
  const index = (await git.revparse(['--path-format=absolute', '--git-path', 'index'])).trim();
  const tmp = await mkdtemp(join(tmpdir(), 'shipwright-index-'));
  try {
    const copy = join(tmp, 'index');
    await copyFile(index, copy).catch(() => undefined); // no index yet: start from an empty one
    const scratch = gitClient(worktreePath, { env: { GIT_INDEX_FILE: copy } });
    await scratch.raw(['add', '-A', '--', '.', ':(exclude).shipwright']);
    await scratch.raw(['rm', '-r', '--cached', '-q', '--ignore-unmatch', '--', '.shipwright']);
    return (await scratch.raw(['write-tree'])).trim();
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
