import { gitClient, splitNul } from './gitClient';

/** A worktree's configuration as one run reads it, and how many runs of it are under way. */
interface RunScope {
  runs: number;
  /** `git config --list`'s values by lower-cased key, the last one set winning; read at the first need. */
  values?: Promise<Map<string, string>>;
}

/** Worktrees with a run under way, by path (as the run names it: `WorktreeInfo.path`). */
const scopes = new Map<string, RunScope>();

/**
 * Runs `fn` (a ticket's run in `worktreePath`) with that worktree's git configuration read once: every
 * {@link gitConfigValue} of the worktree while `fn` runs is answered from one `git config --list -z`, read at the
 * first need. Why: the identity check before each commit and the hooks-folder check behind every path check were 28
 * git processes per ticket, for values a run does not change. A person who edits their git configuration during a
 * run is seen by the next run (or resume). Outside a scope every read asks git.
 */
export async function withRunGitConfig<T>(worktreePath: string, fn: () => Promise<T>): Promise<T> {
  const scope = scopes.get(worktreePath) ?? { runs: 0 };
  scope.runs += 1;
  scopes.set(worktreePath, scope);
  try {
    return await fn();
  } finally {
    scope.runs -= 1;
    if (scope.runs === 0) scopes.delete(worktreePath);
  }
}

/**
 * The value of a git configuration `key` in `dir` as git's `config --get` gives it (the last one set), read with
 * the user's own configuration (the engine's `core.hooksPath=/dev/null` override left out); `''` when unset or
 * unreadable. `key` is `section.name` without a subsection (compared case-insensitively, as git does).
 */
export async function gitConfigValue(dir: string, key: string): Promise<string> {
  const git = gitClient(dir, { hooks: true });
  const scope = scopes.get(dir);
  if (scope === undefined) return (await git.raw(['config', '--get', key]).catch(() => '')).trim();
  scope.values ??= git.raw(['config', '--list', '-z']).then(parseConfigList, () => new Map<string, string>());
  return ((await scope.values).get(key.toLowerCase()) ?? '').trim();
}

/** `git config --list -z` output (`key\nvalue\0`, or `key\0` for a key set without a value) → key → last value. */
function parseConfigList(out: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const entry of splitNul(out)) {
    const nl = entry.indexOf('\n');
    values.set((nl === -1 ? entry : entry.slice(0, nl)).toLowerCase(), nl === -1 ? '' : entry.slice(nl + 1));
  }
  return values;
}
