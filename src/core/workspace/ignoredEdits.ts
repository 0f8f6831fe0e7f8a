import type { Objection } from '../pipeline/objection';
import type { PlannedChange } from './applyEdits';
import { gitClient } from './gitClient';
import { readWorktreeMeta } from './worktreeMeta';

/**
 * Objections (source `edit`) to planned changes the ticket's commit would leave out, so that the person would
 * never see them while the test run still would: a path git ignores and does not track (`git check-ignore`: a
 * script in `node_modules/.bin`, a module in `.venv` or `target/`, a `.pyc` in `__pycache__`), or one inside what
 * Shipwright brought into the worktree (`worktree.copy` / `worktree.link`, the copied node_modules), which is
 * never committed. A test run green only because of such a file is a fake green, and merged without it the
 * change fails in the person's checkout. A tracked file that an ignore rule also matches is part of the change
 * and may be edited. A path git cannot judge (inside a submodule) is refused with git's reason. One git process
 * per batch (one per path when git refuses the batch).
 */
export async function ignoredEdits(worktreePath: string, planned: readonly PlannedChange[]): Promise<Objection[]> {
  if (planned.length === 0) return [];
  const brought = (await readWorktreeMeta(worktreePath))?.brought ?? [];
  const within = (p: string, entry: string): boolean => p === entry || p.startsWith(`${entry.replace(/\/+$/, '')}/`);
  const byShipwright = new Set(planned.filter((c) => brought.some((b) => within(c.path, b))).map((c) => c.path));
  const rest = planned.filter((c) => !byShipwright.has(c.path)).map((c) => c.path);
  const git = gitClient(worktreePath);
  const check = async (paths: string[]): Promise<string[]> => (await git.rawWithInput(['check-ignore', '-z', '--stdin'], `${paths.join('\0')}\0`)).toString('utf8').split('\0').filter((p) => p !== '');
  const ignored = new Set<string>();
  // git refuses the whole batch for a path it cannot judge (128: "Pathspec 'sub/x.c' is in submodule 'sub'"):
  // then each path on its own, and the ones it refuses are refused here too, with git's reason.
  const refusedByGit = new Map<string, string>();
  if (rest.length > 0) {
    try {
      for (const p of await check(rest)) ignored.add(p);
    } catch {
      for (const path of rest) {
        try {
          for (const p of await check([path])) ignored.add(p);
        } catch (e) {
          refusedByGit.set(path, (e instanceof Error ? e.message : String(e)).split('\n').find((l) => /fatal:/.test(l))?.replace(/^.*fatal:\s*/, '') ?? 'git cannot tell whether it is part of the repository');
        }
      }
    }
  }
  return planned.flatMap((c): Objection[] => {
    if (byShipwright.has(c.path)) return [{ source: 'edit', where: c.path, message: `\`${c.path}\` is inside what Shipwright copied or linked into the worktree (installed dependencies, \`worktree.copy\`), which is never part of the ticket's change: leave it as it is and change the project's own files` }];
    if (ignored.has(c.path)) return [{ source: 'edit', where: c.path, message: `\`${c.path}\` is ignored by git, so it would not be part of the ticket's change (the person would never see it, and the tests would pass only here): change tracked files instead` }];
    const why = refusedByGit.get(c.path);
    if (why !== undefined) return [{ source: 'edit', where: c.path, message: `\`${c.path}\` cannot be part of the ticket's change (${why}): change this repository's own files` }];
    return [];
  });
}
