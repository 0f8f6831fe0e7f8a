import { lstat, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gitClient, splitNul } from './gitClient';
import { hasSymbolPatterns, topLevelSymbols } from './topLevelSymbols';

/** One tracked file in the map. `size` in bytes. */
export interface RepoMapFile {
  path: string;
  size: number;
  symbols: string[];
}

/** The rendered map and what it left out. `tokens` is the estimate of `text` (see estimate below). */
export interface RepoMap {
  text: string;
  tokens: number;
  files: RepoMapFile[];
  /** Files that did not fit the budget at all (not even as a bare path). */
  omitted: number;
}

/** Files larger than this are listed with their size but not read for symbols, bytes. */
const MAX_READ_BYTES = 256 * 1024;

/**
 * Token estimate of a text: characters / 4, rounded up. `src/core/models/estimateTokens.ts` did not exist when
 * this was written; switch to it when it does, so the map's budget and the router's estimates agree.
 */
function estimate(text: string): number {
  return Math.ceil(text.length / 4);
}

/**
 * The repository map fed to discovery and planning: tracked files (`git ls-files`), their sizes and top-level
 * symbols, rendered one file per line (`path (N B): sym, sym`) within `tokenBudget` tokens. Files whose path or
 * symbols mention one of `keywords` (e.g. words of the ticket) come first, then the largest; files that do not fit
 * with symbols are listed by path while room remains; the last line says how many were left out.
 */
export async function buildRepoMap(root: string, opts: { tokenBudget: number; keywords?: string[] }): Promise<RepoMap> {
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
    if (size <= MAX_READ_BYTES && hasSymbolPatterns(path)) symbols = topLevelSymbols(path, await readFile(join(root, path), 'utf8'));
    files.push({ path, size, symbols });
  }

  const words = (opts.keywords ?? []).map((k) => k.toLowerCase()).filter((k) => k.length >= 3);
  const relevance = (f: RepoMapFile): number => {
    const hay = `${f.path} ${f.symbols.join(' ')}`.toLowerCase();
    return words.filter((w) => hay.includes(w)).length;
  };
  const ranked = [...files].sort((a, b) => relevance(b) - relevance(a) || b.size - a.size || a.path.localeCompare(b.path));

  const lines: string[] = [];
  let used = 0;
  const fits = (line: string, reserve: number): boolean => used + estimate(line + '\n') + reserve <= opts.tokenBudget;
  const bare: RepoMapFile[] = [];
  const reserve = estimate(`… and ${files.length} more files not shown\n`);
  for (const f of ranked) {
    const line = `${f.path} (${f.size} B)${f.symbols.length > 0 ? `: ${f.symbols.join(', ')}` : ''}`;
    if (fits(line, reserve)) {
      lines.push(line);
      used += estimate(line + '\n');
    } else bare.push(f);
  }
  let omitted = 0;
  for (const f of bare) {
    const line = `${f.path} (${f.size} B)`;
    if (fits(line, reserve)) {
      lines.push(line);
      used += estimate(line + '\n');
    } else omitted++;
  }
  if (omitted > 0) lines.push(`… and ${omitted} more files not shown`);
  const text = lines.join('\n');
  return { text, tokens: estimate(text), files: ranked, omitted };
}
