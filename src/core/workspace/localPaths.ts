import { homedir } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { WorktreeInfo } from '../pipeline/phaseContext';

/**
 * Text with this machine's absolute paths replaced: the worktree's path by `.` (test output and stack traces name
 * files through it), the user's checkout by `<checkout>`, the home folder by `~`. Longest first, so a worktree
 * inside the home folder becomes `.` rather than `~/…`; each also spelled as a `file://` URL. For anything written
 * into a file that may be shared, and for test output before a model reads it.
 */
export function withoutLocalPaths(text: string, worktree: Pick<WorktreeInfo, 'path' | 'repoRoot'>, home = homedir()): string {
  // Each also as a file URL (ESM stack frames: `file:///home/me/wt/test/x.mjs:3:1`), which becomes `./test/x.mjs:3:1`.
  const pairs: [string, string][] = [[worktree.path, '.'], [worktree.repoRoot, '<checkout>'], [home, '~']].flatMap(([p, to]): [string, string][] =>
    p.length > 1 ? [[p, to], [pathToFileURL(p).href, to]] : []);
  let out = text;
  // Only where the path ends (`/home/me/wt/x`, `/home/me/wt:`), never inside a longer name (`/home/me/wt2`, `/home/meg`).
  for (const [from, to] of pairs.sort((a, b) => b[0].length - a[0].length)) out = out.replace(new RegExp(`${escapeRegExp(from)}(?![\\w.-])`, 'g'), to);
  return out;
}

/** The local absolute paths (worktree, checkout) that `text` contains; empty when none. */
export function localPathsIn(text: string, worktree: Pick<WorktreeInfo, 'path' | 'repoRoot'>): string[] {
  return [worktree.path, worktree.repoRoot].filter((p) => text.includes(p));
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
