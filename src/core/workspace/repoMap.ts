import { lstat, open } from 'node:fs/promises';
import { join } from 'node:path';
import { countO200kTokens, ESTIMATE_FRAMING_TOKENS, ESTIMATE_MARGIN, estimateTokens } from '../models/estimateTokens';
import { isSecretPath } from '../secrets/secretPaths';
import { gitClient, splitNul } from './gitClient';
import { hasSymbolPatterns, topLevelSymbols } from './topLevelSymbols';

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

/** Files larger than this are listed with their size but not read for symbols, bytes. */
const MAX_READ_BYTES = 256 * 1024;
/** Symbols shown per file; the rest are counted (`+N more`). One generated file once filled a 2,000-token map. */
export const MAX_SYMBOLS_PER_FILE = 10;
/** Files stat'ed or read at once: parallel enough to hide disk latency, few enough for file-descriptor limits. */
const CONCURRENCY = 64;
/** Lines tried in a row that did not fit before a pass stops: past that, the budget is as good as full. */
const MAX_MISSES = 50;
/** A keyword held by at most this share of the files (or by 2) is distinctive: see RepoMapFile.distinctive. */
const DISTINCTIVE_SHARE = 0.05;
/** Worktrees whose scans are kept (a ticket's phases share one; an epic runs a few tickets at once). */
const MAX_SCANS = 8;

/** Extensions of files that are not text: listed nowhere (a model cannot read them, and they cost map tokens). */
const BINARY = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'bmp', 'ico', 'webp', 'avif', 'tif', 'tiff', 'psd', 'pdf', 'zip', 'gz', 'tgz', 'bz2', 'xz', '7z', 'rar',
  'jar', 'war', 'class', 'woff', 'woff2', 'ttf', 'otf', 'eot', 'mp3', 'mp4', 'm4a', 'mov', 'avi', 'wav', 'ogg', 'webm', 'flac',
  'wasm', 'so', 'dylib', 'dll', 'exe', 'bin', 'o', 'a', 'obj', 'pyc', 'node', 'sqlite', 'db',
]);

interface ScannedFile extends Omit<RepoMapFile, 'relevance' | 'distinctive'> {
  mtimeMs: number;
  binary: boolean;
}

/** The last scan of each worktree root, by path: a rebuild re-reads only files whose size or mtime changed. */
const scans = new Map<string, Map<string, ScannedFile>>();

/** The map's estimate of lines counted so far (o200k tokens): the same margin and framing as estimateTokens. */
function estimate(rawTokens: number): number {
  return Math.ceil(rawTokens * ESTIMATE_MARGIN) + ESTIMATE_FRAMING_TOKENS;
}

/** True for paths Shipwright itself writes (`.shipwright/` at any depth): the pipeline's deliverables, not the project. */
function isShipwrightPath(path: string): boolean {
  return path.startsWith('.shipwright/') || path.includes('/.shipwright/');
}

/** Runs `fn` over `items`, at most {@link CONCURRENCY} at a time, keeping order. */
async function mapLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return out;
}

/** A file's text when it is small, has symbol patterns and is not a secret; `binary` when it holds a NUL byte. */
async function readSource(file: string): Promise<{ text?: string; binary: boolean }> {
  const handle = await open(file, 'r');
  try {
    const bytes = await handle.readFile();
    // git's own test for binary content: a NUL byte in the first 8,000 bytes (xdiff's buffer_is_binary).
    if (bytes.subarray(0, 8_000).includes(0)) return { binary: true };
    return { text: bytes.toString('utf8'), binary: false };
  } finally {
    await handle.close();
  }
}

/**
 * Scans the tracked files of `root`: size and top-level symbols of each, reusing the previous scan of `root` for
 * files whose size and mtime did not change (so the phases of a ticket share one scan and a rebuild reads only what
 * changed). Stats and reads run in parallel. Shipwright's own files and binary files are left out.
 */
async function scan(root: string, secretFiles: readonly string[] | undefined): Promise<ScannedFile[]> {
  const paths = splitNul(await gitClient(root).raw(['ls-files', '-z', '--cached'])).filter((p) => !isShipwrightPath(p) && !BINARY.has(p.slice(p.lastIndexOf('.') + 1).toLowerCase()));
  const previous = scans.get(root);
  const scanned = await mapLimited(paths, async (path): Promise<ScannedFile | undefined> => {
    let size: number;
    let mtimeMs: number;
    try {
      const st = await lstat(join(root, path));
      if (!st.isFile()) return undefined;
      ({ size, mtimeMs } = st);
    } catch {
      return undefined; // deleted in the working tree
    }
    const before = previous?.get(path);
    if (before && before.size === size && before.mtimeMs === mtimeMs) return before;
    // A secret file is listed by name and size; its content is never read for a prompt.
    if (size > MAX_READ_BYTES || !hasSymbolPatterns(path) || isSecretPath(path, secretFiles)) return { path, size, mtimeMs, symbols: [], binary: false };
    const read = await readSource(join(root, path)).catch(() => ({ binary: false, text: undefined }));
    return { path, size, mtimeMs, binary: read.binary, symbols: read.text === undefined ? [] : topLevelSymbols(path, read.text) };
  });
  const files = scanned.filter((f): f is ScannedFile => f !== undefined && !f.binary);
  scans.delete(root); // re-insert last: the map keeps the most recently used roots
  scans.set(root, new Map(files.map((f) => [f.path, f])));
  if (scans.size > MAX_SCANS) scans.delete(scans.keys().next().value ?? root);
  return files;
}

/**
 * How much each file matches `words`: the sum, over the words its path or symbols contain, of ln(1 + N / df), N
 * the files and df those containing the word (a smoothed IDF, as in TF-IDF; never 0, so a word every file of a
 * small repository holds still counts). A word found in many files says little about any one:
 * on the bench's generated repository `node` (from "node's built-in test runner") matched 100+ files and, counted
 * like `calculator` (2 files), filled the map and the code context with those instead of `src/calculator.js`.
 */
function relevanceOf(files: readonly ScannedFile[], words: readonly string[]): Map<string, { relevance: number; distinctive: number }> {
  const hays = files.map((f) => `${f.path} ${f.symbols.join(' ')}`.toLowerCase());
  const df = words.map((w) => hays.filter((h) => h.includes(w)).length);
  const rare = Math.max(2, files.length * DISTINCTIVE_SHARE);
  return new Map(files.map((f, i) => {
    const hit = words.map((w) => hays[i].includes(w));
    return [f.path, {
      relevance: words.reduce((n, _, j) => n + (hit[j] ? Math.log(1 + files.length / df[j]) : 0), 0),
      distinctive: words.filter((_, j) => hit[j] && df[j] <= rare).length,
    }];
  }));
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
  const files = await scan(root, opts.secretFiles);
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
