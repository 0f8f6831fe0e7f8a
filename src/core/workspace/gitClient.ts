import { simpleGit, type SimpleGit } from 'simple-git';

/**
 * A simple-git client for one directory.
 *
 * `hooks: false` (the default) points `core.hooksPath` at `/dev/null` for the engine's own git calls in a
 * ticket's worktree: the user's hooks (husky, lint-staged…) were written for their checkout, may need installed
 * dependencies the worktree only links, and must not run on commits the engine makes. simple-git refuses that
 * setting unless `unsafe.allowUnsafeHooksPath` is set (simple-git 3.x `blockUnsafeOperationsPlugin`).
 * `--no-optional-locks` (GIT_OPTIONAL_LOCKS=0 in git(1)) keeps read commands such as `git status` from
 * refreshing and rewriting the index, so reading the user's repository never writes to it.
 */
export function gitClient(dir: string, opts: { hooks?: boolean } = {}): SimpleGit {
  const config = ['core.quotePath=false'];
  if (opts.hooks !== true) config.push('core.hooksPath=/dev/null');
  const git = simpleGit({ baseDir: dir, config, unsafe: { allowUnsafeHooksPath: true }, maxConcurrentProcesses: 4 });
  return git.env({ ...gitEnv(), GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' });
}

/** Environment variables outside `GIT_*` that simple-git refuses to pass on (its argv-parser's list). */
const REFUSED = new Set(['editor', 'pager', 'prefix', 'ssh_askpass']);

/**
 * The process environment without any `GIT_*` variable and without those simple-git refuses: a `GIT_DIR`,
 * `GIT_WORK_TREE` or `GIT_INDEX_FILE` inherited from a hook would point git at the user's checkout.
 */
function gitEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    const lower = k.toLowerCase();
    if (v === undefined || lower.startsWith('git_') || REFUSED.has(lower)) continue;
    env[k] = v;
  }
  return env;
}

/**
 * Splits the NUL-separated output of `-z` git commands, dropping the empty tail.
 */
export function splitNul(out: string): string[] {
  return out.split('\0').filter((s) => s.length > 0);
}
