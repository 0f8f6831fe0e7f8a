import { promises as fs } from 'node:fs';
import path from 'node:path';

/** Temporary files made by this process so far: with the pid, a name no other write of this process or another uses. */
let serial = 0;

/**
 * Writes `text` to `target` through a temporary file and a rename: a crash leaves the old or the new file, never
 * half of one. Creates the folder. Concurrent writes of one target each complete; the last rename wins.
 * @throws the file system's error (e.g. EACCES, ENOSPC)
 */
export async function writeAtomically(target: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(target), { recursive: true });
  const tmp = `${target}.${process.pid}.${++serial}.tmp`;
  await fs.writeFile(tmp, text);
  await fs.rename(tmp, target);
}
