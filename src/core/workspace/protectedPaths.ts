import { gitConfigValue } from './runGitConfig';
import { isAbsolute, relative, resolve } from 'node:path';

/**
 * Folder names that run code or decide merges, refused as a segment at any depth (case-insensitively, trailing
 * dots/spaces ignored): git's data and hooks, editor configuration (tasks and settings run code), shared hook
 * folders, Shipwright's own folder (its config sets the test command and the sandbox), dev containers (run on open).
 */
const FORBIDDEN_SEGMENTS = new Set(['.git', '.vscode', '.husky', '.githooks', '.shipwright', '.devcontainer', '.circleci', '.buildkite', '.woodpecker']);

/**
 * Repository-relative paths (lower-cased) of CI and merge-time configuration: they run with the project's CI
 * secrets once pushed, or decide who must approve a merge. Sources: GitHub Actions workflows and composite
 * actions (docs.github.com/actions), CODEOWNERS locations (docs.github.com, "About code owners"), GitLab CI,
 * Azure Pipelines, Bitbucket Pipelines, Travis, Drone, Jenkins, pre-commit, lefthook.
 */
const FORBIDDEN_PREFIXES = ['.github/workflows/', '.github/actions/', '.gitea/workflows/', '.forgejo/workflows/'];
const FORBIDDEN_FILES = new Set([
  '.github/codeowners', 'codeowners', 'docs/codeowners', '.gitlab/codeowners',
  '.gitlab-ci.yml', 'azure-pipelines.yml', 'bitbucket-pipelines.yml', '.travis.yml', '.drone.yml', 'jenkinsfile',
  '.pre-commit-config.yaml', 'lefthook.yml', '.lefthook.yml', '.gitmodules',
]);

/** Why a repository-relative path (as segments) is a place no model edit and no test run may write, or undefined. */
export function protectedReason(segments: readonly string[], hooksDir?: string): string | undefined {
  for (const s of segments) {
    // Windows and macOS ignore trailing dots and spaces: `.git.` and `.GIT ` are `.git` there.
    const bare = s.toLowerCase().replace(/[. ]+$/, '');
    for (const f of FORBIDDEN_SEGMENTS) if (bare === f || s.toLowerCase() === f) return `writing inside ${f}/ is refused`;
  }
  const path = segments.map((s) => s.toLowerCase().replace(/[. ]+$/, '') || s).join('/');
  if (FORBIDDEN_PREFIXES.some((p) => `${path}/`.startsWith(p))) return 'CI workflows run with the project\'s secrets once pushed: writing them is refused';
  if (FORBIDDEN_FILES.has(path)) return `\`${segments.join('/')}\` is CI or merge-time configuration: writing it is refused`;
  if (hooksDir !== undefined && (path === hooksDir || path.startsWith(`${hooksDir}/`))) return `writing inside the repository's hooks folder (core.hooksPath = ${hooksDir}) is refused`;
  return undefined;
}

/** Protected folders no configuration can open: git's own data and Shipwright's (its config would allow itself). */
const NEVER_ALLOWED = new Set(['.git', '.shipwright']);

/**
 * Whether a person allowed model edits of a protected path (config `protectedPaths.allow`): `allow` entries are
 * repository-relative paths, compared case-insensitively with trailing dots/spaces ignored; an entry ending in `/`
 * allows everything under that folder. Never a path through `.git` or `.shipwright`.
 */
export function allowedProtected(segments: readonly string[], allow: readonly string[]): boolean {
  if (allow.length === 0 || !allowable(segments)) return false;
  const path = segments.map((s) => s.toLowerCase().replace(/[. ]+$/, '') || s).join('/');
  return allow.some((a) => {
    const entry = a.trim().replace(/^\.\//, '').split(/[\\/]+/).map((s) => s.toLowerCase().replace(/[. ]+$/, '') || s).join('/');
    return entry !== '' && (a.endsWith('/') ? path.startsWith(entry.endsWith('/') ? entry : `${entry}/`) : path === entry);
  });
}

/** False for a path through `.git` or `.shipwright` (at any depth, any case): no person's decision opens those. */
export function allowable(segments: readonly string[]): boolean {
  return !segments.some((s) => NEVER_ALLOWED.has(s.toLowerCase().replace(/[. ]+$/, '') || s));
}

/**
 * The repository's effective hooks folder as a lower-cased worktree-relative path, when `core.hooksPath` (read
 * with the user's own config, not the engine's `/dev/null` override) points inside the worktree; undefined when
 * it is unset or outside (then the sandbox and confinePath already keep writes away from it). Every path check asks;
 * the value is read once per run of the worktree (see withRunGitConfig). Never throws.
 */
export async function hooksDirIn(worktreeRoot: string): Promise<string | undefined> {
  const configured = await gitConfigValue(worktreeRoot, 'core.hooksPath');
  if (configured === '' || configured === '/dev/null') return undefined;
  const rel = relative(worktreeRoot, resolve(worktreeRoot, configured.replace(/^~(?=\/)/, process.env.HOME ?? '~')));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return rel === '' ? '.' : undefined;
  return rel.split(/[\\/]+/).join('/').toLowerCase();
}
