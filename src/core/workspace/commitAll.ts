import type { WorktreeInfo } from '../pipeline/phaseContext';
import { DEFAULT_SECRET_FILES } from '../secrets/secretPaths';
import { ensureWorktree } from './ensureWorktree';
import { gitClient } from './gitClient';
import { gitConfigValue } from './runGitConfig';
import { stageableChanges, type RefusedChange } from './stageableChanges';
import { readWorktreeMeta } from './worktreeMeta';

/** Used only when the repository has no identity of its own configured (fresh CI machines, temp repos). */
const FALLBACK_IDENTITY = ['-c', 'user.name=Shipwright', '-c', 'user.email=shipwright@localhost'];

/**
 * `-c user.name=… -c user.email=…` when the repository at `dir` has no identity of its own; nothing when it has.
 * Read once per run of a worktree (see withRunGitConfig).
 */
export async function identityArgs(dir: string): Promise<string[]> {
  return (await gitConfigValue(dir, 'user.email')) !== '' ? [] : FALLBACK_IDENTITY;
}

/** Paths per `git add` / `git reset` call, so a large change stays under the OS argument limit. */
const CHUNK = 200;

/** What a commit of a worktree's changes did. */
export interface CommitResult {
  /** The new commit's sha; undefined when nothing committable had changed. */
  sha: string | undefined;
  /** Changes left uncommitted (see stageableChanges), to be reported to the person. */
  refused: RefusedChange[];
}

/**
 * Stages the worktree's committable changes by explicit pathspec (never `git add -A` of everything: see
 * stageableChanges for what is refused — Shipwright's own links/copies, nested repositories, symlinks out of the
 * worktree, forbidden places), unstages refused ones someone else staged, and commits. Git-ignored files stay
 * out. `ownFiles` are files the engine itself wrote (a phase's deliverable under `.shipwright/<id>/`, a place
 * no model edit or test run may write), committed although the path rules refuse them to others; `secretFiles`
 * are the configured secret-file globs (config `secretFiles`, added to the default list); `allowProtected` the
 * protected paths a person allowed (config `protectedPaths.allow`). The user's own
 * identity is used when configured. Hooks do not run (see gitClient).
 * @throws WorktreeError('missing') when the worktree went away (nothing is committed anywhere else)
 * @throws Error from git
 */
export async function commitChanges(worktree: WorktreeInfo | string, message: string, opts: { ownFiles?: readonly string[]; secretFiles?: readonly string[]; allowProtected?: readonly string[] } = {}): Promise<CommitResult> {
  const dir = typeof worktree === 'string' ? worktree : worktree.path;
  await ensureWorktree(typeof worktree === 'string' ? { path: dir } : worktree);
  const git = gitClient(dir);
  const brought = (await readWorktreeMeta(dir))?.brought ?? [];
  const { stage, refused } = await stageableChanges(dir, brought, opts.ownFiles, { patterns: [...DEFAULT_SECRET_FILES, ...(opts.secretFiles ?? [])], allowProtected: opts.allowProtected });
  const literal = (paths: string[]): string[] => paths.map((p) => `:(literal)${p}`);
  for (let i = 0; i < refused.length; i += CHUNK) await git.raw(['reset', '-q', '--', ...literal(refused.slice(i, i + CHUNK).map((r) => r.path))]);
  for (let i = 0; i < stage.length; i += CHUNK) await git.raw(['add', '-A', '--', ...literal(stage.slice(i, i + CHUNK))]);
  const staged = (await git.raw(['diff', '--cached', '--name-only'])).trim();
  if (staged === '') return { sha: undefined, refused };
  await git.raw([...(await identityArgs(dir)), 'commit', '-q', '--no-verify', '-m', message]);
  return { sha: (await git.revparse(['HEAD'])).trim(), refused };
}

/**
 * `commitChanges` for callers that only need the sha.
 * @returns the new commit's sha, or undefined when there was nothing to commit
 * @throws Error from git (e.g. the worktree is gone)
 */
export async function commitAll(worktree: WorktreeInfo | string, message: string): Promise<string | undefined> {
  return (await commitChanges(worktree, message)).sha;
}
