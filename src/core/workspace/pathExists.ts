import { lstat } from 'node:fs/promises';

/**
 * Whether anything is at `p` — a file, a folder, or a symlink (a dangling one too: it is not followed). Never throws:
 * an unreadable parent counts as nothing there.
 */
export async function pathExists(p: string): Promise<boolean> {
  return (await lstat(p).catch(() => undefined)) !== undefined;
}

/** Whether `p` is a folder itself (a symlink to one is not followed, so it is not). Never throws. */
export async function isDirectory(p: string): Promise<boolean> {
  return (await lstat(p).catch(() => undefined))?.isDirectory() ?? false;
}
