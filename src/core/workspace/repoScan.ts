import { lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSecretPath } from '../secrets/secretPaths';
import { gitClient, splitNul, type GitClient } from './gitClient';
import { hasSymbolPatterns, topLevelSymbols } from './topLevelSymbols';
import { trackedChanges, type TrackedChange } from './trackedChanges';

/** One tracked file as the map sees it. `size` in bytes, `mtimeMs` in ms since the epoch. */
export interface ScannedFile {
  path: string;
  size: number;
  symbols: string[];
  mtimeMs: number;
  /** Holds a NUL byte in its first 8,000 bytes: never listed. */
  binary: boolean;
}

/** Files larger than this are listed with their size but not read for symbols, bytes. */
const MAX_READ_BYTES = 256 * 1024;
/**
 * Files looked at per turn of the event loop. The scan stats and reads with the synchronous calls, a chunk at a
 * time: on a freshly checked-out worktree (files in the page cache) `lstatSync` + `readFileSync` of 2,000 small
 * files took 10–15 ms of CPU, the promise API 64 at a time 85–170 ms (libuv's thread pool hand-offs, measured
 * with the bench's generated repository). A chunk blocks the event loop for about a millisecond.
 */
const CHUNK = 200;
/**
 * A refresh that found more changed files than this (or a quarter of the files, if more) starts a new base at
 * HEAD: a scan of the user's checkout (the dry-run forecast) can be kept for hours of commits and pulls, and the
 * paths that differ from an old base are re-read at every refresh.
 */
const MAX_CHANGED = 512;
/** Worktrees whose scans are kept (a ticket's phases share one; an epic runs a few tickets at once). */
const MAX_SCANS = 8;

/** Extensions of files that are not text: listed nowhere (a model cannot read them, and they cost map tokens). */
const BINARY = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'bmp', 'ico', 'webp', 'avif', 'tif', 'tiff', 'psd', 'pdf', 'zip', 'gz', 'tgz', 'bz2', 'xz', '7z', 'rar',
  'jar', 'war', 'class', 'woff', 'woff2', 'ttf', 'otf', 'eot', 'mp3', 'mp4', 'm4a', 'mov', 'avi', 'wav', 'ogg', 'webm', 'flac',
  'wasm', 'so', 'dylib', 'dll', 'exe', 'bin', 'o', 'a', 'obj', 'pyc', 'node', 'sqlite', 'db',
]);

/**
 * A worktree's last scan. `files` are what the map may list, valid for every path git calls unchanged against
 * `base` (the commit HEAD was at the first scan) now and at that scan; `dirty` are the paths that differed from
 * `base` then, so one that went back to `base`'s content since is looked at again.
 */
interface Scan {
  /** undefined when HEAD had no commit yet: then every scan stats every file. */
  base: string | undefined;
  /** Candidate paths (Shipwright's own and binary extensions left out) tracked in `base`. */
  inBase: ReadonlySet<string>;
  files: Map<string, ScannedFile>;
  dirty: ReadonlyMap<string, TrackedChange>;
}

/** The last scan of each worktree root, by path, most recently used last. */
const scans = new Map<string, Scan>();

/** True for paths the map never lists: Shipwright's own files (`.shipwright/` at any depth) and binary extensions. */
function leftOut(path: string): boolean {
  return path.startsWith('.shipwright/') || path.includes('/.shipwright/') || BINARY.has(path.slice(path.lastIndexOf('.') + 1).toLowerCase());
}

/** Runs `fn` over `items` in order, {@link CHUNK} at a time, yielding to the event loop between chunks. */
async function mapChunked<T, R>(items: readonly T[], fn: (item: T) => R): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += CHUNK) {
    if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
    for (const item of items.slice(i, i + CHUNK)) out.push(fn(item));
  }
  return out;
}

/** A file's text, or `binary` when it holds a NUL byte; undefined when it cannot be read. */
function readSource(file: string): { text?: string; binary: boolean } | undefined {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    return undefined;
  }
  // git's own test for binary content: a NUL byte in the first 8,000 bytes (xdiff's buffer_is_binary).
  if (bytes.subarray(0, 8_000).includes(0)) return { binary: true };
  return { text: bytes.toString('utf8'), binary: false };
}

/** One path as it is on disk now: undefined when it is not a regular file (gone, a symlink, a submodule). */
function look(root: string, path: string, before: ScannedFile | undefined, secretFiles: readonly string[] | undefined): ScannedFile | undefined {
  let size: number;
  let mtimeMs: number;
  try {
    const st = lstatSync(join(root, path));
    if (!st.isFile()) return undefined;
    ({ size, mtimeMs } = st);
  } catch {
    return undefined; // deleted in the working tree (or a path through a file that replaced a folder)
  }
  if (before && before.size === size && before.mtimeMs === mtimeMs) return before;
  // A secret file is listed by name and size; its content is never read for a prompt.
  if (size > MAX_READ_BYTES || !hasSymbolPatterns(path) || isSecretPath(path, secretFiles)) return { path, size, mtimeMs, symbols: [], binary: false };
  const read = readSource(join(root, path));
  return { path, size, mtimeMs, binary: read?.binary ?? false, symbols: read?.text === undefined ? [] : topLevelSymbols(path, read.text) };
}

/** HEAD's commit, or undefined before the first commit. */
async function headCommit(git: GitClient): Promise<string | undefined> {
  return (await git.revparse(['--verify', '-q', 'HEAD^{commit}']).catch(() => '')) || undefined;
}

/**
 * Every tracked file looked at (`git ls-files`, then an lstat of each, a read of each new or changed one): the
 * first scan of a worktree, and every scan where git cannot say what changed (no commit yet, `base` gone).
 */
async function fullScan(root: string, git: GitClient, previous: Scan | undefined, secretFiles: readonly string[] | undefined): Promise<Scan> {
  const base = await headCommit(git);
  const [listed, dirty] = await Promise.all([
    git.raw(['ls-files', '-z', '--cached']),
    base === undefined ? new Map<string, TrackedChange>() : trackedChanges(git, base),
  ]);
  const paths = splitNul(listed).filter((p) => !leftOut(p));
  const scanned = await mapChunked(paths, (path) => look(root, path, previous?.files.get(path), secretFiles));
  const files = new Map(scanned.filter((f): f is ScannedFile => f !== undefined).map((f) => [f.path, f]));
  // In `base`: listed and not added since, or deleted since.
  const inBase = new Set(paths.filter((p) => dirty.get(p) !== 'A'));
  for (const [p, change] of dirty) if (change === 'D' && !leftOut(p)) inBase.add(p);
  return { base, inBase, files, dirty };
}

/**
 * The previous scan brought up to date from git's list of what differs from its base (one `git diff`), looking
 * only at those paths and at the ones that differed last time: no lstat of the files nobody touched.
 */
async function refresh(root: string, git: GitClient, previous: Scan & { base: string }, secretFiles: readonly string[] | undefined): Promise<Scan> {
  const dirty = await trackedChanges(git, previous.base);
  const files = new Map(previous.files);
  const toLook = [...new Set([...dirty.keys(), ...previous.dirty.keys()])].filter((p) => !leftOut(p));
  const seen = await mapChunked(toLook, (path) => {
    const change = dirty.get(path);
    // Unchanged against base now (it was changed at the last scan): tracked exactly when base tracks it.
    const tracked = change === undefined ? previous.inBase.has(path) : change !== 'D';
    // Read again whatever its size and mtime: git found its content changed, or changed back.
    return tracked ? look(root, path, undefined, secretFiles) : undefined;
  });
  for (const [i, path] of toLook.entries()) {
    const f = seen[i];
    if (f === undefined) files.delete(path);
    else files.set(path, f);
  }
  return { base: previous.base, inBase: previous.inBase, files, dirty };
}

/**
 * The tracked files of `root` that the map may list (not Shipwright's own, not binary): size and top-level symbols
 * of each. The first scan of a root stats and reads every file; later scans of the same root (the
 * phases of a ticket share one) ask git what differs from the commit of that first scan and read only those files
 * (and the ones that differed last time), so a file rewritten with its old size and mtime is still seen.
 * @throws GitCommandError when `root` is not a git repository
 */
export async function scanRepository(root: string, secretFiles: readonly string[] | undefined): Promise<ScannedFile[]> {
  const git = gitClient(root);
  const previous = scans.get(root);
  let next: Scan | undefined;
  if (previous?.base !== undefined) {
    const base = previous.base;
    // A base git no longer knows (history rewritten and pruned) means starting over.
    next = await refresh(root, git, { ...previous, base }, secretFiles).catch(() => undefined);
  }
  if (next !== undefined && next.dirty.size > Math.max(MAX_CHANGED, next.files.size / 4)) {
    // Every entry of `next` was just checked against git, so the full scan may reuse them by size and mtime.
    next = await fullScan(root, git, next, secretFiles);
  }
  next ??= await fullScan(root, git, previous, secretFiles);
  scans.delete(root); // re-insert last: the map keeps the most recently used roots
  scans.set(root, next);
  if (scans.size > MAX_SCANS) scans.delete(scans.keys().next().value ?? root);
  return [...next.files.values()].filter((f) => !f.binary);
}
