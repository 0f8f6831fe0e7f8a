import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { gitClient } from './gitClient';

/**
 * What the engine remembers about a ticket's worktree, beyond what git records: the commit and branch the
 * ticket started from. Kept in the worktree's private git folder (`<repo>/.git/worktrees/<name>/shipwright.json`),
 * which git removes with the worktree and which is never part of any checkout.
 */
export const WorktreeMeta = z.object({
  ticketId: z.string(),
  branch: z.string(),
  baseCommit: z.string(),
  /** The user's branch when the ticket was created; null when their HEAD was detached. */
  fromBranch: z.string().nullable(),
  /** ISO 8601 */
  createdAt: z.string(),
  /** The `worktree.copy` / `worktree.link` entries Shipwright put into the worktree: never committed. */
  brought: z.array(z.string()).default([]),
  /**
   * Each copied entry of `brought` (not the linked ones) with its fingerprint right after it was brought
   * (broughtStamp): a later difference means someone changed it in the worktree. Absent in worktrees made before.
   */
  stamps: z.record(z.string(), z.string()).optional(),
});
export type WorktreeMeta = z.infer<typeof WorktreeMeta>;
export type WorktreeMetaInput = z.input<typeof WorktreeMeta>;

const FILE = 'shipwright.json';

/**
 * The worktree's private git folder. A linked worktree's `.git` is a file `gitdir: <path>` (gitrepository-layout(5);
 * the path is relative to the worktree with `worktree.useRelativePaths`): read it, instead of one
 * `git rev-parse --absolute-git-dir` process per worktree, which made every worktree look-up scale with the number
 * of worktrees (perf-2026-11.md §5.3). Anything else (a `.git` folder, another form) asks git.
 */
async function gitDirOf(worktreePath: string): Promise<string> {
  const dotGit = await readFile(join(worktreePath, '.git'), 'utf8').catch(() => undefined);
  const m = dotGit === undefined ? null : /^gitdir: (.+?)\r?\n?$/.exec(dotGit);
  if (m) return isAbsolute(m[1]) ? m[1] : resolve(worktreePath, m[1]);
  return (await gitClient(worktreePath).raw(['rev-parse', '--absolute-git-dir'])).trim();
}

/** Writes the metadata atomically (temp file + rename). */
export async function writeWorktreeMeta(worktreePath: string, meta: WorktreeMetaInput): Promise<void> {
  const file = join(await gitDirOf(worktreePath), FILE);
  await writeFile(`${file}.tmp`, JSON.stringify(meta, null, 2));
  await rename(`${file}.tmp`, file);
}

/** Reads the metadata; undefined for a worktree Shipwright did not make (or whose file is unreadable). */
export async function readWorktreeMeta(worktreePath: string): Promise<WorktreeMeta | undefined> {
  try {
    const text = await readFile(join(await gitDirOf(worktreePath), FILE), 'utf8');
    return WorktreeMeta.parse(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * The metadata of a worktree whose folder is gone but which git still has registered: read from the admin
 * folder (`<common git dir>/worktrees/<name>/`) whose `gitdir` file points at `<worktreePath>/.git`.
 * Undefined when there is none or it is unreadable.
 */
export async function readStaleMeta(repoRoot: string, worktreePath: string): Promise<WorktreeMeta | undefined> {
  try {
    const common = (await gitClient(repoRoot).raw(['rev-parse', '--path-format=absolute', '--git-common-dir'])).trim();
    const admin = join(common, 'worktrees');
    for (const name of await readdir(admin)) {
      const gitdir = (await readFile(join(admin, name, 'gitdir'), 'utf8').catch(() => '')).trim();
      if (gitdir !== join(worktreePath, '.git')) continue;
      return WorktreeMeta.parse(JSON.parse(await readFile(join(admin, name, FILE), 'utf8')));
    }
  } catch {
    // No admin folder, or an unreadable file: the caller falls back to what the run state knows.
  }
  return undefined;
}
