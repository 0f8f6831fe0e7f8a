import { lstat, readFile } from 'node:fs/promises';
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
}

/** The rendered map and what it left out. `tokens` is `estimateTokens(text)` (o200k count with a safety margin). */
export interface RepoMap {
  text: string;
  tokens: number;
  files: RepoMapFile[];
  /** Files that did not fit the budget at all (not even as a bare path). */
  omitted: number;
}

/** Files larger than this are listed with their size but not read for symbols, bytes. */
const MAX_READ_BYTES = 256 * 1024;

/** The map's estimate of lines counted so far (o200k tokens): the same margin and framing as estimateTokens. */
function estimate(rawTokens: number): number {
  return Math.ceil(rawTokens * ESTIMATE_MARGIN) + ESTIMATE_FRAMING_TOKENS;
}

/**
 * The repository map fed to discovery and planning: tracked files (`git ls-files`), their sizes and top-level
 * symbols, rendered one file per line (`path (N B): sym, sym`) within `tokenBudget` tokens. Files whose path or
 * symbols mention one of `keywords` (e.g. words of the ticket) come first, then the largest; files that do not fit
 * with symbols are listed by path while room remains; the last line says how many were left out. Tokens are
 * counted with the same estimate the model router uses (src/core/models/estimateTokens.ts).
 */
export async function buildRepoMap(root: string, opts: { tokenBudget: number; keywords?: string[]; secretFiles?: readonly string[] }): Promise<RepoMap> {
  const paths = splitNul(await gitClient(root).raw(['ls-files', '-z', '--cached']));
  const files: RepoMapFile[] = [];
  for (const path of paths) {
    let size: number;
    try {
      const st = await lstat(join(root, path));
      if (!st.isFile()) continue;
      size = st.size;
    } catch {
      continue; // deleted in the working tree
    }
    let symbols: string[] = [];
    // A secret file is listed by name and size; its content is never read for a prompt.
    if (size <= MAX_READ_BYTES && hasSymbolPatterns(path) && !isSecretPath(path, opts.secretFiles)) symbols = topLevelSymbols(path, await readFile(join(root, path), 'utf8'));
    files.push({ path, size, symbols });
  }

  const words = (opts.keywords ?? []).map((k) => k.toLowerCase()).filter((k) => k.length >= 3);
  const relevance = (f: RepoMapFile): number => {
    const hay = `${f.path} ${f.symbols.join(' ')}`.toLowerCase();
    return words.filter((w) => hay.includes(w)).length;
  };
  const ranked = [...files].sort((a, b) => relevance(b) - relevance(a) || b.size - a.size || a.path.localeCompare(b.path));

  // Lines are counted one by one (the sum is within a token or two of counting the joined text).
  const lines: string[] = [];
  let used = countO200kTokens(`… and ${files.length} more files not shown\n`);
  const add = (line: string): boolean => {
    const cost = countO200kTokens(`${line}\n`);
    if (estimate(used + cost) > opts.tokenBudget) return false;
    lines.push(line);
    used += cost;
    return true;
  };
  const bare = ranked.filter((f) => !add(`${f.path} (${f.size} B)${f.symbols.length > 0 ? `: ${f.symbols.join(', ')}` : ''}`));
  const omitted = bare.filter((f) => !add(`${f.path} (${f.size} B)`)).length;
  if (omitted > 0) lines.push(`… and ${omitted} more files not shown`);
  const text = lines.join('\n');
  return { text, tokens: estimateTokens(text), files: ranked, omitted };
}
