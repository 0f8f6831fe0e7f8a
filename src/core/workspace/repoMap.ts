import { countO200kTokens, ESTIMATE_FRAMING_TOKENS, ESTIMATE_MARGIN, estimateTokens } from '../models/estimateTokens';
import { directoryOutline, folderOf, shownPath } from './directoryOutline';
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
  /** Files listed one by one (with their symbols or as a bare path). */
  listed: number;
  /** Files not listed but counted in the folder outline (`dir/ (N files: kinds)`). */
  outlined: number;
  /** Files that neither the list nor the outline shows. */
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
 * Whether all of `lines` fit `budget` (estimated tokens) after `used` (o200k tokens counted so far). Counting
 * stops at the first line past the budget: on 2,000 files the whole list is ~30k tokens against a 2,000-token
 * budget, and counting every line of it in each of a ticket's six builds was ~100 ms.
 */
function fitsWithin(lines: readonly string[], used: number, budget: number): boolean {
  let sum = used;
  for (const line of lines) {
    sum += countO200kTokens(`${line}\n`);
    if (estimate(sum) > budget) return false;
  }
  return estimate(sum) <= budget;
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

/** Files listed one by one from each folder that holds a distinctive file, beyond the distinctive files themselves. */
const SIBLINGS_PER_FOLDER = 10;
/** Top-level files listed by path in a focused map (package manifests, READMEs, configs tell how the project runs). */
const TOP_LEVEL_FILES = 20;
/** Share of the budget kept for the outline of the files a map does not list. */
const OUTLINE_SHARE = 0.25;

/**
 * The tracked files of `root` (Shipwright's own and binary files left out), ranked as the map ranks them: by
 * relevance to `keywords` (rare words weigh more, see relevanceOf), then the largest, then by path. Shares the scan
 * kept per worktree (scanRepository). For callers that need the ranking and not the map's text (codeContextFor).
 */
export async function rankRepoFiles(root: string, opts: { keywords?: string[]; secretFiles?: readonly string[] }): Promise<RepoMapFile[]> {
  const files = await scanRepository(root, opts.secretFiles);
  const words = [...new Set((opts.keywords ?? []).map((k) => k.toLowerCase()).filter((k) => k.length >= 3))];
  const relevance = relevanceOf(files, words);
  return [...files]
    .map(({ path, size, symbols }) => ({ path, size, symbols, relevance: 0, distinctive: 0, ...relevance.get(path) }))
    .sort((a, b) => b.relevance - a.relevance || b.size - a.size || a.path.localeCompare(b.path));
}

/**
 * The repository map fed to discovery, techSpec, planning and diagnosis: tracked files (`git ls-files`), their
 * sizes and top-level symbols (at most {@link MAX_SYMBOLS_PER_FILE} each, the rest counted), one file per line
 * (`path (N B): sym, sym, +N more`) within `tokenBudget` tokens; the budget is a cap, not a target.
 * - When every file fits with its symbols, every file is listed.
 * - Else, when some files hold a distinctive word of `keywords` (the ticket's words, a design's files; see
 *   relevanceOf), the map is focused: those files with their symbols, then the top-level files and up to
 *   {@link SIBLINGS_PER_FOLDER} neighbours of each by path, then an outline of the rest by folder (`dir/ (N files:
 *   kinds)`, see directoryOutline). On the bench's 200-file repository the ticket names `src/calculator.js`: the
 *   map was 1.7k tokens of unrelated generated modules and is now ~150, the rest of the repository still visible
 *   as four folder lines.
 * - Else the ranked files fill the budget (rare words first, then the largest) and the outline covers the rest.
 * A last line `… and N more files not shown` counts what neither lists nor outlines. Shipwright's own files
 * (`.shipwright/`) and binary files are never listed. Tokens are counted with the estimate the router uses
 * (src/core/models/estimateTokens.ts), and counting stops once the budget is as good as full.
 */
export async function buildRepoMap(root: string, opts: { tokenBudget: number; keywords?: string[]; secretFiles?: readonly string[] }): Promise<RepoMap> {
  const ranked = await rankRepoFiles(root, opts);

  // Lines are counted one by one (the sum is within a token or two of counting the joined text).
  const lines: string[] = [];
  const listedFiles = new Set<RepoMapFile>();
  let used = countO200kTokens(`… and ${ranked.length} more files not shown\n`);
  /** Lists what fits of `candidates` within `budget`; returns the ones that did not fit. */
  const pass = (candidates: RepoMapFile[], line: (f: RepoMapFile) => string, budget: number): RepoMapFile[] => {
    const left: RepoMapFile[] = [];
    let misses = 0;
    for (const [i, f] of candidates.entries()) {
      if (misses >= MAX_MISSES || estimate(used) >= budget) {
        left.push(...candidates.slice(i));
        break;
      }
      const text = line(f);
      const cost = countO200kTokens(`${text}\n`);
      if (estimate(used + cost) > budget) {
        misses += 1;
        left.push(f);
        continue;
      }
      misses = 0;
      lines.push(text);
      listedFiles.add(f);
      used += cost;
    }
    return left;
  };
  const bare = (f: RepoMapFile): string => `${shownPath(f.path)} (${f.size} B)`;
  const withSymbols = (f: RepoMapFile): string => {
    if (f.symbols.length === 0) return bare(f);
    const shown = f.symbols.slice(0, MAX_SYMBOLS_PER_FILE).join(', ');
    const more = f.symbols.length > MAX_SYMBOLS_PER_FILE ? `, +${f.symbols.length - MAX_SYMBOLS_PER_FILE} more` : '';
    return `${bare(f)}: ${shown}${more}`;
  };
  const fitsWhole = fitsWithin(ranked.map(withSymbols), used, opts.tokenBudget);
  const distinctive = ranked.filter((f) => f.distinctive > 0);
  const listBudget = fitsWhole ? opts.tokenBudget : Math.floor(opts.tokenBudget * (1 - OUTLINE_SHARE));
  if (fitsWhole || distinctive.length === 0) {
    // Files without symbols were tried as bare lines already; those with symbols get a second, bare chance.
    pass(pass(ranked, withSymbols, listBudget).filter((f) => f.symbols.length > 0), bare, listBudget);
  } else {
    // The ticket's own files first, with their symbols, else by path: they are what the map is for.
    pass(pass(distinctive, withSymbols, listBudget), bare, listBudget);
    const folders = new Set(distinctive.map((f) => folderOf(f.path)));
    const perFolder = new Map<string, number>();
    const neighbours = ranked.filter((f) => {
      if (f.distinctive > 0) return false;
      const folder = folderOf(f.path);
      const cap = folder === '' ? TOP_LEVEL_FILES : folders.has(folder) ? SIBLINGS_PER_FOLDER : 0;
      const n = perFolder.get(folder) ?? 0;
      if (n >= cap) return false;
      perFolder.set(folder, n + 1);
      return true;
    });
    pass(neighbours, bare, listBudget);
  }
  const left = ranked.filter((f) => !listedFiles.has(f));
  const room = Math.max(0, Math.floor((opts.tokenBudget - estimate(used)) / ESTIMATE_MARGIN));
  const outline = directoryOutline(left.map((f) => f.path), room, new Set([...listedFiles].map((f) => folderOf(f.path))));
  lines.push(...outline.lines);
  const omitted = left.length - outline.files;
  if (omitted > 0) lines.push(`… and ${omitted} more files not shown`);
  const text = lines.join('\n');
  return { text, tokens: estimateTokens(text), files: ranked, listed: listedFiles.size, outlined: outline.files, omitted };
}
