import { mkdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gitClient, splitNul } from './gitClient';
import { hooksDirIn, protectedReason } from './protectedPaths';

/** The protected files of a worktree (see protectedPaths) and their bytes, before a command runs. */
export interface ProtectedSnapshot {
  hooksDir?: string;
  files: Map<string, Buffer>;
  /** Protected paths git lists (tracked) that are not on disk: deleted in the worktree. */
  missing: string[];
}

async function protectedFiles(worktreePath: string, hooksDir: string | undefined): Promise<string[]> {
  const all = splitNul(await gitClient(worktreePath).raw(['ls-files', '-z', '--cached', '--others', '--exclude-standard']));
  return all.filter((p) => protectedReason(p.split('/'), hooksDir) !== undefined);
}

/**
 * Reads every protected file of the worktree (tracked, or untracked and not ignored): CI workflows, hook
 * folders, `.shipwright` folders, merge-time files. Taken before a test run so that what the run writes there
 * can be undone (restoreProtected). Never throws for a missing file.
 */
export async function snapshotProtected(worktreePath: string): Promise<ProtectedSnapshot> {
  const hooksDir = await hooksDirIn(worktreePath);
  const files = new Map<string, Buffer>();
  const missing: string[] = [];
  for (const p of await protectedFiles(worktreePath, hooksDir)) {
    const bytes = await readFile(join(worktreePath, p)).catch(() => undefined);
    if (bytes !== undefined) files.set(p, bytes);
    else missing.push(p);
  }
  return { hooksDir, files, missing };
}

/**
 * Puts the protected files back as the snapshot had them: changed or deleted ones rewritten, new ones removed.
 * A test run may not write where code runs on push, merge or commit.
 * @returns the repository-relative paths it restored (empty when the run left them alone)
 */
export async function restoreProtected(worktreePath: string, before: ProtectedSnapshot): Promise<string[]> {
  const restored: string[] = [];
  const now = await protectedFiles(worktreePath, before.hooksDir);
  for (const p of now) {
    if (before.files.has(p)) continue;
    await unlink(join(worktreePath, p)).catch(() => undefined);
    restored.push(p);
  }
  for (const [p, bytes] of before.files) {
    const current = await readFile(join(worktreePath, p)).catch(() => undefined);
    if (current !== undefined && current.equals(bytes)) continue;
    // Remove first: the run may have left a symlink or a hard link in its place.
    await unlink(join(worktreePath, p)).catch(() => undefined);
    await mkdir(dirname(join(worktreePath, p)), { recursive: true });
    await writeFile(join(worktreePath, p), bytes);
    restored.push(p);
  }
  return restored.sort();
}
