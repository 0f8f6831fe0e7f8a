import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { secretsInChange, type SecretFinder } from '../secrets/secretsInChange';
import { confinePath } from './confinePath';
import { gitClient, splitNul, type GitClient } from './gitClient';
import { readBlobsIfPresent } from './readBlobs';
import { isDirectory, pathExists } from './pathExists';

/** A change in a worktree that Shipwright does not commit, and why. */
export interface RefusedChange {
  /** Repository-relative path, as git names it (a nested repository without its trailing `/`). */
  path: string;
  reason: string;
}

/** What a worktree's pending changes split into: paths to stage, and changes reported instead of committed. */
export interface StageableChanges {
  /** Repository-relative paths (added, modified, deleted) to stage; changes already staged and allowed stay staged. */
  stage: string[];
  refused: RefusedChange[];
}

/**
 * Sorts the worktree's pending changes (`git status --porcelain=v1 -z --untracked-files=all`: staged, unstaged
 * and untracked, never git-ignored) into what may be committed and what may not, whoever wrote them (a model
 * edit, a test run, a set-up command). Refused:
 * - Shipwright's own copies and links (`brought`: the `worktree.copy` / `worktree.link` entries it made), and
 *   anything under them: with `.gitignore` saying `node_modules/` (slash: folders only), a symlinked
 *   `node_modules` is not ignored and `git add -A` would commit it;
 * - nested repositories (a folder with its own `.git`): staging one records a gitlink, not files;
 * - paths that `confinePath` refuses: symlinks resolving outside the worktree (or nowhere), and the protected
 *   places of protectedPaths (git data, hook folders, every `.shipwright`, CI workflows and merge-time files).
 * - files whose new content brings in a secret (secretsInChange: a value of the engine's secret environment or of
 *   the worktree's untracked secret files, e.g. copied there by a test run, or a credential of a distinct shape);
 *   `secrets.patterns` are the secret-file globs (default list plus config `secretFiles`), `secrets.env` the
 *   engine's environment (default `process.env`); `secrets.allowProtected` the protected paths a person allowed.
 * `ownFiles` (repository-relative) are files the engine wrote itself and are never refused.
 * Never throws for a path; throws Error from git when the worktree is not a repository.
 */
export async function stageableChanges(worktreePath: string, brought: readonly string[], ownFiles: readonly string[] = [], secrets: { patterns?: readonly string[]; env?: NodeJS.ProcessEnv; allowProtected?: readonly string[] } = {}): Promise<StageableChanges> {
  const git = gitClient(worktreePath);
  const out = await git.raw(['status', '--porcelain=v1', '-z', '--untracked-files=all', '--no-renames']);
  const fields = splitNul(out);
  // Path → whether the worktree differs from the index there (so `git add` has something to stage). An entry
  // staged already and unchanged since (`D ` after `git rm`) must not be added again: git finds no such file.
  const paths = new Map<string, boolean>();
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i];
    paths.set(f.slice(3), f[1] !== ' ');
    // A rename/copy entry (staged by someone else) is followed by its source path: both sides are changes.
    if (f[0] === 'R' || f[0] === 'C') paths.set(fields[++i], false);
  }
  const stage: string[] = [];
  const refused: RefusedChange[] = [];
  const finder = paths.size === 0 ? undefined : await secretsInChange(worktreePath, {
    ...secrets,
    tracked: async (candidates) => new Set(splitNul(await git.raw(['ls-files', '-z', '--', ...candidates.map((c) => `:(literal)${c}`)]))),
  });
  const pathReasons = new Map<string, string | undefined>();
  for (const raw of paths.keys()) pathReasons.set(raw, ownFiles.includes(raw) ? undefined : await refusal(worktreePath, raw, brought, secrets.allowProtected));
  // The contents the secret check compares, for every path it will look at, from one git process.
  const toCheck = finder === undefined ? [] : [...paths.keys()].filter((raw) => !ownFiles.includes(raw) && pathReasons.get(raw) === undefined);
  const committed = await blobsOf(git, toCheck, paths);
  for (const [raw, unstaged] of paths) {
    const reason = ownFiles.includes(raw) ? undefined : pathReasons.get(raw) ?? (finder && (await secretRefusal(worktreePath, raw, unstaged, finder, committed.get(raw))));
    // A copied node_modules that the repository does not ignore is thousands of paths: report its entry once.
    const own = brought.find((b) => raw.startsWith(`${b.replace(/\/+$/, '')}/`));
    const path = own ?? raw.replace(/\/+$/, '');
    if (reason !== undefined) {
      if (!refused.some((r) => r.path === path)) refused.push({ path, reason });
    }
    else if (unstaged) stage.push(path);
  }
  return { stage, refused };
}

/** Why one changed path must not be committed, or undefined when it may. */
async function refusal(root: string, raw: string, brought: readonly string[], allowProtected: readonly string[] | undefined): Promise<string | undefined> {
  const path = raw.replace(/\/+$/, '');
  const own = brought.find((b) => path === b || path.startsWith(`${b.replace(/\/+$/, '')}/`));
  if (own !== undefined) return `put there by Shipwright (${own}: worktree.copy, worktree.link or worktree.dependencies), never part of the change`;
  // git lists a nested repository as one untracked folder ending in `/` and does not look inside it.
  if (raw.endsWith('/') || (await isDirectory(join(root, path)))) {
    if (await pathExists(join(root, path, '.git'))) return 'a nested git repository (it would be committed as a gitlink, not as files)';
  }
  const confined = await confinePath(root, path, { allowProtected });
  if (confined.ok) return undefined;
  const stat = await lstat(join(root, path)).catch(() => undefined);
  return stat?.isSymbolicLink() === true ? `a symlink: ${confined.reason}` : confined.reason;
}

/** A changed path's blobs: at HEAD (what it was) and, when staged and unchanged since, in the index (what it will be). */
interface Blobs {
  head?: Buffer;
  index?: Buffer;
}

/** The blobs secretRefusal compares, for `paths`, from one `git cat-file --batch` (undefined where there is none). */
async function blobsOf(git: GitClient, paths: readonly string[], unstaged: ReadonlyMap<string, boolean>): Promise<Map<string, Blobs>> {
  const staged = paths.filter((p) => unstaged.get(p) === false);
  const got = await readBlobsIfPresent(git, [...paths.map((p) => `HEAD:${p}`), ...staged.map((p) => `:${p}`)]);
  const out = new Map<string, Blobs>(paths.map((p, i) => [p, { head: got[i] }]));
  staged.forEach((p, i) => {
    const b = out.get(p);
    if (b !== undefined) b.index = got[paths.length + i];
  });
  return out;
}

/**
 * Why a changed file's content may not be committed (it brings in a secret, see secretsInChange), or undefined.
 * Reads what the commit would hold: the worktree file when it differs from the index, else the staged blob.
 * `blobs`: its blobs at HEAD and in the index, read beforehand (see blobsOf).
 */
async function secretRefusal(root: string, path: string, unstaged: boolean, finder: SecretFinder, blobs: Blobs = {}): Promise<string | undefined> {
  let bytes: Buffer | undefined;
  if (unstaged) {
    const st = await lstat(join(root, path)).catch(() => undefined);
    if (st?.isFile() === true) bytes = await readFile(join(root, path)).catch(() => undefined);
  } else bytes = blobs.index;
  if (bytes === undefined) return undefined; // deleted, a symlink or a folder: no content of its own to commit
  return finder.why(bytes.toString('utf8'), (blobs.head ?? Buffer.alloc(0)).toString('utf8'));
}

