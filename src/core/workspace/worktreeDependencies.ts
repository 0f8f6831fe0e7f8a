import { constants } from 'node:fs';
import { cp, lstat, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isDirectory, pathExists } from './pathExists';

/**
 * How a new worktree gets the project's installed packages (`worktree.dependencies`):
 * - `auto` (default): `copy` when the user's checkout has a node_modules folder, else `install` when the project
 *   has a package.json, else `none`;
 * - `copy`: the user's node_modules copied into the worktree (copy-on-write clones where the file system has
 *   them: btrfs, XFS, APFS; a plain copy elsewhere) — the versions the user tests with, no network, and nothing
 *   a test run writes reaches the user's folder;
 * - `install`: a fresh install in the worktree with the project's own package manager, from its lockfile
 *   (`npm ci`, `pnpm install --frozen-lockfile`, `yarn install --frozen-lockfile`, `bun install
 *   --frozen-lockfile`; `npm install --no-package-lock` without a lockfile);
 * - `link`: a symlink to the user's node_modules (fastest; read-only inside the sandbox, so runners that write
 *   caches there — nyc, babel, vite — fail);
 * - `none`.
 */
export type DependencyMode = 'auto' | 'copy' | 'install' | 'link' | 'none';

/** What will be done for one worktree, and why (for the log). */
export interface DependencyPlan {
  how: Exclude<DependencyMode, 'auto'>;
  /** The install command (for `install`). */
  command?: string;
  why: string;
}

/** The folder this handles; every plan but `none` puts it into the worktree. */
export const DEPENDENCY_FOLDER = 'node_modules';

/** Lockfiles in order of preference, with the install command of their package manager. */
const LOCKFILES: [string, string][] = [
  ['pnpm-lock.yaml', 'pnpm install --frozen-lockfile'],
  ['yarn.lock', 'yarn install --frozen-lockfile'],
  ['bun.lock', 'bun install --frozen-lockfile'],
  ['bun.lockb', 'bun install --frozen-lockfile'],
  ['package-lock.json', 'npm ci --no-audit --no-fund'],
  ['npm-shrinkwrap.json', 'npm ci --no-audit --no-fund'],
];

/** Chooses how the worktree (already checked out at `worktree`) gets its dependencies. Never throws. */
export async function planDependencies(repoRoot: string, worktree: string, mode: DependencyMode): Promise<DependencyPlan> {
  if (mode === 'none') return { how: 'none', why: 'worktree.dependencies is "none"' };
  if (!(await pathExists(join(worktree, 'package.json')))) return { how: 'none', why: 'no package.json' };
  const userHas = await isDirectory(join(repoRoot, DEPENDENCY_FOLDER));
  if (mode === 'link' || mode === 'copy') {
    return userHas ? { how: mode, why: `worktree.dependencies is "${mode}"` } : { how: 'none', why: `worktree.dependencies is "${mode}" but your checkout has no ${DEPENDENCY_FOLDER}` };
  }
  if (mode === 'auto' && userHas) return { how: 'copy', why: `a copy of your ${DEPENDENCY_FOLDER} (the versions you test with; no network)` };
  for (const [file, command] of LOCKFILES) {
    if (await pathExists(join(worktree, file))) return { how: 'install', command, why: `a fresh install from ${file}` };
  }
  return { how: 'install', command: 'npm install --no-audit --no-fund --no-package-lock', why: 'a fresh install (the project has no lockfile)' };
}

/**
 * Copies or links the user's node_modules into the worktree (`copy` / `link` plans). Symlinks inside are kept as
 * they are (package managers make relative ones, which stay inside the copy).
 */
export async function bringDependencies(repoRoot: string, worktree: string, how: 'copy' | 'link'): Promise<void> {
  const from = join(repoRoot, DEPENDENCY_FOLDER);
  const to = join(worktree, DEPENDENCY_FOLDER);
  if (await pathExists(to)) return;
  if (how === 'link') await symlink(from, to);
  else await cp(from, to, { recursive: true, verbatimSymlinks: true, mode: constants.COPYFILE_FICLONE });
}


/**
 * Folders inside node_modules that test runners write as caches: `.cache` (babel-loader, nyc, ava, eslint, xo
 * and prettier through find-cache-dir: https://github.com/sindresorhus/find-cache-dir), `.vite` (Vite's
 * `cacheDir` default, where Vitest keeps its results too: https://vite.dev/config/shared-options#cachedir),
 * `.vite-temp` (Vite's bundled config file) and `.vitest` (older Vitest's results). Writable in test runs when
 * the rest of the copied node_modules is not (see SandboxSettings.writableDependencies), and empty at the start of
 * each: what one run cached never reaches the next.
 */
export const DEPENDENCY_CACHES = ['.cache', '.vite', '.vite-temp', '.vitest'] as const;

/**
 * Makes the DEPENDENCY_CACHES folders in a worktree's own node_modules (a copy or an install, not a link) so they
 * can be bound writable, and returns them worktree-relative; none when node_modules is a link or absent.
 */
export async function dependencyCaches(worktree: string): Promise<string[]> {
  const st = await lstat(join(worktree, DEPENDENCY_FOLDER)).catch(() => undefined);
  if (st === undefined || !st.isDirectory()) return [];
  const made: string[] = [];
  for (const c of DEPENDENCY_CACHES) {
    const rel = `${DEPENDENCY_FOLDER}/${c}`;
    // A cache name that is a symlink in the copy could point anywhere: left read-only.
    const there = await lstat(join(worktree, rel)).catch(() => undefined);
    if (there !== undefined && !there.isDirectory()) continue;
    await mkdir(join(worktree, rel), { recursive: true });
    made.push(rel);
  }
  return made;
}
