import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BoundedAsyncCache } from './boundedAsyncCache';
import { gitClient } from './gitClient';
import { TEST_RUN_CACHES } from './testRunCaches';

/**
 * Interpreter and test-runner caches a run writes by itself where no `.gitignore` covers them (a Python project
 * without one gets `__pycache__/` next to every module): not code, and counting them would make every green run
 * look like one that rewrote its code (see runTests).
 */
const CACHES = TEST_RUN_CACHES.map((c) => `:(exclude,glob)**/${c}/**`);

/**
 * The code of a worktree as one git tree id: every tracked and untracked (not ignored) file's content, as
 * `git add -A` would stage it, without `.shipwright` (the deliverables each phase commits there are out of the
 * worktree while tests run, see hideNewNotes, so they do not change what the tests see) and without CACHES. Equal
 * ids mean the same files with the same contents, committed or not. Not covered: ignored files (`node_modules`,
 * `.env`) and files inside submodules (only their commit). Staged into a copy of the
 * worktree's index, so only files changed since the last stage are hashed again, with new objects written to a
 * temporary object directory: the repository's index and objects are never touched. Clean filters (LFS) run as
 * for any `git add`.
 * @throws GitCommandError when git cannot stage the worktree (a nested repository without a commit, a failing
 *   filter): callers treat that as "unknown", never as "unchanged"
 */
export async function codeState(worktreePath: string): Promise<string> {
  const [index, objects] = await gitPaths(worktreePath);
  const tmp = await mkdtemp(join(tmpdir(), 'shipwright-index-'));
  try {
    const copy = join(tmp, 'index');
    await copyFile(index, copy).catch(() => undefined); // no index yet: start from an empty one
    await mkdir(join(tmp, 'objects'));
    const scratch = gitClient(worktreePath, { env: { GIT_INDEX_FILE: copy, GIT_OBJECT_DIRECTORY: join(tmp, 'objects'), GIT_ALTERNATE_OBJECT_DIRECTORIES: objects } });
    await scratch.raw(['-c', 'core.splitIndex=false', 'add', '-A', '--', '.', ':(exclude).shipwright', ...CACHES]);
    await scratch.raw(['-c', 'core.splitIndex=false', 'rm', '-r', '--cached', '-q', '--ignore-unmatch', '--', '.shipwright']);
    return (await scratch.raw(['write-tree'])).trim();
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** A worktree's index file and object folder (absolute), by worktree path: they do not move while it exists. */
const paths = new BoundedAsyncCache<[string, string]>();

/** The index and objects paths of a worktree, asked of git once per worktree (a process saved on every call). */
function gitPaths(worktreePath: string): Promise<[string, string]> {
  return paths.get(worktreePath, async () => {
    const [index = '', objects = ''] = (await gitClient(worktreePath).raw(['rev-parse', '--path-format=absolute', '--git-path', 'index', '--git-path', 'objects'])).trim().split('\n');
    return [index, objects];
  });
}
