import { createHash, type Hash } from 'node:crypto';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TEST_RUN_CACHES } from './testRunCaches';
import { DEPENDENCY_CACHES, DEPENDENCY_FOLDER } from './worktreeDependencies';

/**
 * The record each package manager rewrites on every install into a node_modules folder: npm's hidden lockfile
 * (https://docs.npmjs.com/cli/v10/configuring-npm/package-lock-json#hidden-lockfiles), pnpm's `.modules.yaml`,
 * Yarn classic's `.yarn-integrity` and Yarn Berry's `.yarn-state.yml` (node-modules linker).
 */
const INSTALL_RECORDS = ['.package-lock.json', '.modules.yaml', '.yarn-integrity', '.yarn-state.yml'] as const;

/** Folders walked entry by entry, at most: a copied folder beyond it is stamped by its top level only. */
const WALK_LIMIT = 20_000;

/**
 * A fingerprint (hex SHA-256) of something Shipwright brought into a worktree (`worktree.copy`, the copied
 * node_modules), taken right after it was brought and again later: a different one means someone changed it in
 * the worktree since (a person's `npm install` or `pip install` there, an edited `.env`), so it is theirs.
 * - a file: its bytes;
 * - node_modules: the installed packages' names (top level and scoped, not the runners' DEPENDENCY_CACHES) and each
 *   package manager's install record (INSTALL_RECORDS), since a walk of 10⁵ files would cost seconds per ticket;
 * - another folder: every entry's relative path, and each file's mode, size and mtime (ms), leaving out the caches a test run writes
 *   (TEST_RUN_CACHES); past WALK_LIMIT entries, the top level only.
 * Undefined for a symlink (a `worktree.link` entry: nothing of it lives in the worktree) or a path that is gone.
 * Never throws: an unreadable entry is part of the fingerprint as such.
 */
export async function broughtStamp(path: string): Promise<string | undefined> {
  const st = await lstat(path).catch(() => undefined);
  if (st === undefined || st.isSymbolicLink()) return undefined;
  const hash = createHash('sha256');
  if (st.isFile()) return hash.update(await readFile(path).catch(() => Buffer.from('unreadable'))).digest('hex');
  if (!st.isDirectory()) return hash.update(`other:${st.mode}`).digest('hex');
  if (path.endsWith(`/${DEPENDENCY_FOLDER}`) || path === DEPENDENCY_FOLDER) await stampPackages(path, hash);
  else if (!(await walk(path, '', hash, { left: WALK_LIMIT }))) {
    hash.update('top level only\0');
    await walk(path, '', hash, { left: Infinity }, false);
  }
  return hash.digest('hex');
}

async function namesIn(dir: string): Promise<string[]> {
  return (await readdir(dir).catch(() => [] as string[])).sort();
}

async function stampPackages(dir: string, hash: Hash): Promise<void> {
  for (const name of await namesIn(dir)) {
    // The runners' cache folders, made before every test run (see dependencyCaches), are nobody's install.
    if ((DEPENDENCY_CACHES as readonly string[]).includes(name)) continue;
    hash.update(`${name}\0`);
    if (name.startsWith('@')) for (const inner of await namesIn(join(dir, name))) hash.update(`${name}/${inner}\0`);
  }
  for (const record of INSTALL_RECORDS) {
    const text = await readFile(join(dir, record)).catch(() => undefined);
    if (text !== undefined) hash.update(record).update('\0').update(text);
  }
}

/** Adds every entry under `dir` to the hash; false when more than `budget.left` entries were met. */
async function walk(dir: string, rel: string, hash: Hash, budget: { left: number }, deep = true): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (entries === undefined) {
    hash.update(`${rel}\0unreadable\0`);
    return true;
  }
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if ((TEST_RUN_CACHES as readonly string[]).includes(e.name)) continue;
    if (--budget.left < 0) return false;
    const path = join(dir, e.name);
    const st = await lstat(path).catch(() => undefined);
    // A folder by its name only: its mtime moves when a test run adds a cache inside it.
    const what = st === undefined ? 'gone' : st.isDirectory() ? 'folder' : `${st.mode}:${st.size}:${st.mtimeMs}`;
    hash.update(`${rel}${e.name}\0${what}\0`);
    if (deep && e.isDirectory() && !(await walk(path, `${rel}${e.name}/`, hash, budget))) return false;
  }
  return true;
}
