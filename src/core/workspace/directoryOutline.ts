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

/** A path as shown in a map line: quoted (JSON) when it holds control characters, so a file name cannot start a line. */
export function shownPath(path: string): string {
  return /[\u0000-\u001f\u007f]/.test(path) ? JSON.stringify(path) : path;
}

/** The folder of `path` with a trailing slash, `''` at the top level. */
export function folderOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/') + 1);
}

/** Longest file kind shown (`.ts`, `no extension`); longer "extensions" are names, not kinds. */
const MAX_KIND_CHARS = 12;

/** Counts of one outline line. */
interface Group {
  files: number;
  kinds: Map<string, number>;
  subfolders: Set<string>;
}

/** One line per group: `packages/pkg0/src/ (48 files: 44 .ts, 2 .md, 2 .json)`; `more` says they follow files listed above. */
function render(groups: ReadonlyMap<string, Group>, listedIn: ReadonlySet<string>, whole: boolean): string[] {
  return [...groups.entries()].map(([folder, g]) => {
    const top = [...g.kinds.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, KINDS_PER_LINE);
    const rest = g.kinds.size > KINDS_PER_LINE ? ', …' : '';
    const noun = `${g.files}${listedIn.has(folder) ? ' more' : ''} file${g.files === 1 ? '' : 's'}`;
    // A collapsed level says how many folders it holds, so 40 packages read as such and not as one heap of files.
    const within = g.subfolders.size > 1 ? ` in ${g.subfolders.size} folders` : '';
    const label = whole ? '(whole repository)' : folder === '' ? '(top level)' : shownPath(folder);
    return `${label} (${noun}${within}: ${top.map(([k, n]) => `${n} ${k}`).join(', ')}${rest})`;
  });
}

/** The groups of `paths` at folder level `depth`, in path order. O(paths). */
function groupAt(sorted: readonly string[], depth: number): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const p of sorted) {
    const folder = folderAt(p, depth);
    let g = groups.get(folder);
    if (g === undefined) groups.set(folder, (g = { files: 0, kinds: new Map(), subfolders: new Set() }));
    g.files += 1;
    const name = p.slice(p.lastIndexOf('/') + 1);
    const dot = name.lastIndexOf('.');
    const kind = dot > 0 && name.length - dot <= MAX_KIND_CHARS ? name.slice(dot) : 'no extension';
    g.kinds.set(kind, (g.kinds.get(kind) ?? 0) + 1);
    const below = p.slice(folder.length);
    if (below.includes('/')) g.subfolders.add(below.slice(0, below.indexOf('/')));
  }
  return groups;
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
  const sorted = [...paths].sort();
  let deepest = 0;
  for (const p of sorted) {
    let d = 0;
    for (let i = p.indexOf('/'); i !== -1; i = p.indexOf('/', i + 1)) d += 1;
    if (d > deepest) deepest = d;
  }
  for (let depth = deepest; depth >= 0; depth--) {
    let groups = groupAt(sorted, depth);
    if (groups.size > MAX_LINES && depth > 1) continue;
    if (groups.size > MAX_LINES) {
      // More top-level folders than lines: the largest ones, and one line for the rest.
      const ranked = [...groups.entries()].sort((x, y) => y[1].files - x[1].files);
      const rest = ranked.slice(MAX_LINES - 1);
      const others: Group = { files: rest.reduce((n, [, g]) => n + g.files, 0), kinds: new Map(), subfolders: new Set(rest.map(([f]) => f)) };
      for (const [, g] of rest) for (const [k, n] of g.kinds) others.kinds.set(k, (others.kinds.get(k) ?? 0) + n);
      groups = new Map([...ranked.slice(0, MAX_LINES - 1), [`… ${rest.length} more folders`, others]]);
    }
    const listed = new Set([...listedFolders].map((f) => folderAt(`${f}x`, depth)));
    const lines = render(groups, listed, depth === 0);
    const tokens = countO200kTokens(lines.join('\n'));
    if (tokens <= tokenBudget) return { lines, tokens, files: paths.length };
  }
  return { lines: [], tokens: 0, files: 0 };
}
