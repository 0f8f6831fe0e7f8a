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
 * and may be edited. One git process per batch.
 * @throws GitCommandError when git cannot read the worktree's ignore rules (callers then write nothing)
 */
export async function ignoredEdits(worktreePath: string, planned: readonly PlannedChange[]): Promise<Objection[]> {
  if (planned.length === 0) return [];
  const brought = (await readWorktreeMeta(worktreePath))?.brought ?? [];
  const within = (p: string, entry: string): boolean => p === entry || p.startsWith(`${entry.replace(/\/+$/, '')}/`);
  const byShipwright = new Set(planned.filter((c) => brought.some((b) => within(c.path, b))).map((c) => c.path));
  const rest = planned.filter((c) => !byShipwright.has(c.path)).map((c) => c.path);
  const out = rest.length === 0 ? '' : (await gitClient(worktreePath).rawWithInput(['check-ignore', '-z', '--stdin'], `${rest.join('\0')}\0`)).toString('utf8');
  const ignored = new Set(out.split('\0').filter((p) => p !== ''));
  return planned.flatMap((c): Objection[] => {
    if (byShipwright.has(c.path)) return [{ source: 'edit', where: c.path, message: `\`${c.path}\` is inside what Shipwright copied or linked into the worktree (installed dependencies, \`worktree.copy\`), which is never part of the ticket's change: leave it as it is and change the project's own files` }];
    if (ignored.has(c.path)) return [{ source: 'edit', where: c.path, message: `\`${c.path}\` is ignored by git, so it would not be part of the ticket's change (the person would never see it, and the tests would pass only here): change tracked files instead` }];
    return [];
  });
}
