import { countO200kTokens, ESTIMATE_FRAMING_TOKENS, ESTIMATE_MARGIN, estimateTokens } from '../models/estimateTokens';
import { scanRepository, type ScannedFile } from './repoScan';

/** One tracked file in the map. `size` in bytes. */
export interface RepoMapFile {
  path: string;
  size: number;
  symbols: string[];
  /** ≥ 0: how much its path and symbols match the keywords, rare words weighing more (see relevanceOf). */
  relevance: number;
  /** Keywords it matches that few files hold (at most 2, or 5 % of the files): evidence it is what the ticket is about. */
  distinctive: number;
}

/** The rendered map and what it left out. `tokens` is `estimateTokens(text)` (o200k count with a safety margin). */
export interface RepoMap {
  text: string;
  tokens: number;
  /** Every file considered, ranked (Shipwright's own files and binary files are not among them). */
  files: RepoMapFile[];
  /** Files that did not fit the budget at all (not even as a bare path). */
  omitted: number;
}

/** Symbols shown per file; the rest are counted (`+N more`). One generated file once filled a 2,000-token map. */
export const MAX_SYMBOLS_PER_FILE = 10;
/** Lines tried in a row that did not fit before a pass stops: past that, the budget is as good as full. */
const MAX_MISSES = 50;
/** A keyword held by at most this share of the files (or by 2) is distinctive: see RepoMapFile.distinctive. */
const DISTINCTIVE_SHARE = 0.05;

/** The map's estimate of lines counted so far (o200k tokens): the same margin and framing as estimateTokens. */
function estimate(rawTokens: number): number {
  return Math.ceil(rawTokens * ESTIMATE_MARGIN) + ESTIMATE_FRAMING_TOKENS;
}

/**
 * How much each file matches `words`: the sum, over the words its path or symbols contain, of ln(1 + N / df), N
 * the files and df those containing the word (a smoothed IDF, as in TF-IDF; never 0, so a word every file of a
 * small repository holds still counts). A word found in many files says little about any one:
 * on the bench's generated repository `node` (from "node's built-in test runner") matched 100+ files and, counted
 * like `calculator` (2 files), filled the map and the code context with those instead of `src/calculator.js`.
 */
function relevanceOf(files: readonly ScannedFile[], words: readonly string[]): Map<string, { relevance: number; distinctive: number }> {
  const n = files.length;
  const rare = Math.max(2, n * DISTINCTIVE_SHARE);
  // Which files hold each word, found once per word (df is how many): the map is rebuilt per phase on 2,000+ files.
  const holders = words.map((w) => files.flatMap((f, i) => (hayOf(f).includes(w) ? [i] : [])));
  const relevance = new Array<number>(n).fill(0);
  const distinctive = new Array<number>(n).fill(0);
  // Word by word, in the keywords' order, as a per-file sum over the words would add them.
  for (const held of holders) {
    const weight = Math.log(1 + n / held.length);
    for (const i of held) {
      relevance[i] += weight;
      if (held.length <= rare) distinctive[i] += 1;
    }
  }
  return new Map(files.map((f, i) => [f.path, { relevance: relevance[i], distinctive: distinctive[i] }]));
}

/** A scanned file's path and symbols, lower-cased, kept as long as the scan keeps the file (unchanged files are reused). */
const hays = new WeakMap<ScannedFile, string>();
function hayOf(f: ScannedFile): string {
  let hay = hays.get(f);
  if (hay === undefined) {
    hay = `${f.path} ${f.symbols.join(' ')}`.toLowerCase();
    hays.set(f, hay);
  }
  return hay;
}

/**
 * The repository map fed to discovery, techSpec, planning and diagnosis: tracked files (`git ls-files`), their
 * sizes and top-level symbols (at most {@link MAX_SYMBOLS_PER_FILE} each, the rest counted), one file per line
 * (`path (N B): sym, sym, +N more`) within `tokenBudget` tokens. Files whose path or symbols mention more of
 * `keywords` (the ticket's words, a design's files), rare words weighing more (see relevanceOf), come first, then the largest; files that do not fit with
 * symbols are listed by path while room remains; the last line says how many were left out. Shipwright's own
 * files (`.shipwright/`) and binary files are never listed. Tokens are counted with the estimate the router uses
 * (src/core/models/estimateTokens.ts), and counting stops once the budget is as good as full.
 */
export async function buildRepoMap(root: string, opts: { tokenBudget: number; keywords?: string[]; secretFiles?: readonly string[] }): Promise<RepoMap> {
  const files = await scanRepository(root, opts.secretFiles);
  const words = [...new Set((opts.keywords ?? []).map((k) => k.toLowerCase()).filter((k) => k.length >= 3))];
  const relevance = relevanceOf(files, words);
  const ranked: RepoMapFile[] = [...files]
    .map(({ path, size, symbols }) => ({ path, size, symbols, relevance: 0, distinctive: 0, ...relevance.get(path) }))
    .sort((a, b) => b.relevance - a.relevance || b.size - a.size || a.path.localeCompare(b.path));

  // Lines are counted one by one (the sum is within a token or two of counting the joined text).
  const lines: string[] = [];
  let used = countO200kTokens(`… and ${files.length} more files not shown\n`);
  const pass = (candidates: RepoMapFile[], line: (f: RepoMapFile) => string): RepoMapFile[] => {
    const left: RepoMapFile[] = [];
    let misses = 0;
    for (const [i, f] of candidates.entries()) {
      if (misses >= MAX_MISSES || estimate(used) >= opts.tokenBudget) {
        left.push(...candidates.slice(i));
        break;
      }
      const text = line(f);
      const cost = countO200kTokens(`${text}\n`);
      if (estimate(used + cost) > opts.tokenBudget) {
        misses += 1;
        left.push(f);
        continue;
      }
      misses = 0;
      lines.push(text);
      used += cost;
    }
    return left;
  };
  const withSymbols = (f: RepoMapFile): string => {
    if (f.symbols.length === 0) return `${f.path} (${f.size} B)`;
    const shown = f.symbols.slice(0, MAX_SYMBOLS_PER_FILE).join(', ');
    const more = f.symbols.length > MAX_SYMBOLS_PER_FILE ? `, +${f.symbols.length - MAX_SYMBOLS_PER_FILE} more` : '';
    return `${f.path} (${f.size} B): ${shown}${more}`;
  };
  // Files without symbols were tried as bare lines already; those with symbols get a second, bare chance.
  pass(pass(ranked, withSymbols).filter((f) => f.symbols.length > 0), (f) => `${f.path} (${f.size} B)`);
  const omitted = ranked.length - lines.length;
  if (omitted > 0) lines.push(`… and ${omitted} more files not shown`);
  const text = lines.join('\n');
  return { text, tokens: estimateTokens(text), files: ranked, omitted };
}
