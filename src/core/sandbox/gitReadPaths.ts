import { lstat, readFile, realpath } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';

/** What git reads in the repository's common dir for status, log, diff and rev-parse (gitrepository-layout(5)). */
const COMMON_PARTS = ['objects', 'refs', 'packed-refs', 'config', 'HEAD', 'info', 'shallow'];

/**
 * The folders and files of the user's repository that git needs to work inside a linked worktree (`git status`,
 * `git rev-parse`, `git log` from a test): the worktree's own git dir (`<common>/worktrees/<name>`: HEAD, index,
 * commondir) and the common dir's objects, refs, packed-refs, config, HEAD and info — never other worktrees' data,
 * hooks or Shipwright's run states. The sandbox binds them read-only, so a test can read history but cannot move
 * a ref or write an object. Empty when `.git` is not a worktree pointer of `repoRoot`'s repository (a folder:
 * nothing to add; a pointer elsewhere: it is not followed, whoever wrote it). Source for the layout:
 * gitrepository-layout(5), "worktrees/<id>" and "commondir". Never throws.
 */
export async function gitReadPaths(worktree: string, repoRoot: string): Promise<string[]> {
  const pointer = join(worktree, '.git');
  const st = await lstat(pointer).catch(() => undefined);
  if (st?.isFile() !== true) return [];
  const m = /^gitdir:\s*(.+?)\s*$/m.exec(await readFile(pointer, 'utf8').catch(() => ''));
  if (m === null) return [];
  const gitDir = await realpath(resolve(worktree, m[1])).catch(() => undefined);
  if (gitDir === undefined) return [];
  const commonRel = (await readFile(join(gitDir, 'commondir'), 'utf8').catch(() => '')).trim();
  const common = commonRel === '' ? undefined : await realpath(resolve(gitDir, commonRel)).catch(() => undefined);
  // Only the layout git itself makes: <common>/worktrees/<name>, with the common dir inside the user's checkout.
  if (common === undefined || basename(dirname(gitDir)) !== 'worktrees' || dirname(dirname(gitDir)) !== common) return [];
  const root = await realpath(repoRoot).catch(() => repoRoot);
  const r = relative(root, common);
  if (r.startsWith('..') || isAbsolute(r)) return [];
  return [gitDir, ...COMMON_PARTS.map((p) => join(common, p))];
}
