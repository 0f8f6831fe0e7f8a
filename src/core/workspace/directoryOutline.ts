import { countO200kTokens } from '../models/estimateTokens';

/** Kinds of file named per outline line (the rest are counted in the total only). */
const KINDS_PER_LINE = 3;
/** Outline lines at most: past that a shallower grouping says more per token. */
const MAX_LINES = 24;

/** The outline of some files and what it cost. `tokens`: o200k tokens of `lines` joined with newlines (no margin). */
export interface DirectoryOutline {
  lines: string[];
  tokens: number;
  /** Files the outline accounts for (all of the input when it fits). */
  files: number;
}

/** `path`'s folder cut to its first `depth` segments, with a trailing slash; `''` for depth 0 or a top-level file. */
function folderAt(path: string, depth: number): string {
  const parts = path.split('/').slice(0, -1);
  return parts.length === 0 || depth === 0 ? '' : `${parts.slice(0, depth).join('/')}/`;
}

/** One line per group: `packages/pkg0/src/ (48 files: 44 .ts, 2 .md, 2 .json)`; `more` says they follow files listed above. */
function render(groups: Map<string, string[]>, listedIn: ReadonlySet<string>): string[] {
  return [...groups.entries()].map(([folder, paths]) => {
    const kinds = new Map<string, number>();
    for (const p of paths) {
      const name = p.slice(p.lastIndexOf('/') + 1);
      const dot = name.lastIndexOf('.');
      const kind = dot > 0 ? name.slice(dot) : 'no extension';
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    const top = [...kinds.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, KINDS_PER_LINE);
    const rest = kinds.size > KINDS_PER_LINE ? ', …' : '';
    const noun = `${paths.length}${listedIn.has(folder) ? ' more' : ''} file${paths.length === 1 ? '' : 's'}`;
    // A collapsed level says how many folders it holds, so 40 packages read as such and not as one heap of files.
    const subfolders = new Set(paths.map((p) => p.slice(folder.length)).filter((p) => p.includes('/')).map((p) => p.slice(0, p.indexOf('/')))).size;
    const within = subfolders > 1 ? ` in ${subfolders} folders` : '';
    return `${folder === '' ? '(top level)' : folder} (${noun}${within}: ${top.map(([k, n]) => `${n} ${k}`).join(', ')}${rest})`;
  });
}

/**
 * The files a repository map does not list one by one, summarised as folders with their file counts and kinds —
 * the shape of the rest of the repository for a few tokens a folder, so a model still sees where code of each kind
 * lives. Groups by the deepest folder level whose outline fits `tokenBudget` (o200k tokens, before any margin) and
 * {@link MAX_LINES} lines, collapsing to shallower levels until it does; `listedFolders` are folders some of whose
 * files were listed above (their line says "more files"). Returns no lines (files 0) when not even the top-level
 * grouping fits. Never throws.
 */
export function directoryOutline(paths: readonly string[], tokenBudget: number, listedFolders: ReadonlySet<string> = new Set()): DirectoryOutline {
  if (paths.length === 0) return { lines: [], tokens: 0, files: 0 };
  const deepest = Math.max(...paths.map((p) => p.split('/').length - 1));
  const sorted = [...paths].sort();
  for (let depth = deepest; depth >= 0; depth--) {
    const groups = new Map<string, string[]>();
    for (const p of sorted) {
      const folder = folderAt(p, depth);
      const group = groups.get(folder);
      if (group === undefined) groups.set(folder, [p]);
      else group.push(p); // not a copy per path: 2,000 files in a few folders made that quadratic
    }
    if (groups.size > MAX_LINES && depth > 0) continue;
    const listed = new Set([...listedFolders].map((f) => folderAt(`${f}x`, depth)));
    const lines = render(groups, listed);
    const tokens = countO200kTokens(lines.join('\n'));
    if (tokens <= tokenBudget) return { lines, tokens, files: paths.length };
  }
  return { lines: [], tokens: 0, files: 0 };
}
