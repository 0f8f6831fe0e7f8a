/**
 * Where a search block that did not match comes closest in a file: the window of the same number of lines
 * with the highest mean line similarity (Dice coefficient over character bigrams of trimmed lines), shown with
 * 1-based line numbers and two lines of context either side. Meant for the objection a model reads next.
 * Cost: O(file lines × block lines) line comparisons, bounded by `maxComparisons` (then the window is sampled).
 */
export function closestLines(fileText: string, search: string, maxComparisons = 2_000_000): { startLine: number; score: number; excerpt: string } {
  const lines = fileText.split('\n');
  const block = search.replace(/\n$/, '').split('\n');
  const n = block.length;
  const windows = Math.max(1, lines.length - n + 1);
  const step = Math.max(1, Math.ceil((windows * n) / maxComparisons));
  const blockGrams = block.map(bigrams);
  const lineGrams = new Map<number, Map<string, number>>();
  const gramsAt = (i: number): Map<string, number> => {
    let g = lineGrams.get(i);
    if (g === undefined) lineGrams.set(i, (g = bigrams(lines[i] ?? '')));
    return g;
  };
  let best = 0;
  let bestScore = -1;
  for (let start = 0; start < windows; start += step) {
    let sum = 0;
    for (let k = 0; k < n; k++) sum += dice(blockGrams[k], gramsAt(start + k));
    const score = sum / n;
    if (score > bestScore) {
      bestScore = score;
      best = start;
    }
  }
  const from = Math.max(0, best - 2);
  const to = Math.min(lines.length, best + n + 2);
  const width = String(to).length;
  const excerpt = lines.slice(from, to).map((l, k) => `${String(from + k + 1).padStart(width)} | ${l}`).join('\n');
  return { startLine: best + 1, score: Math.max(0, bestScore), excerpt };
}

function bigrams(line: string): Map<string, number> {
  const s = line.trim().replace(/\s+/g, ' ');
  const m = new Map<string, number>();
  for (let i = 0; i < s.length - 1; i++) {
    const g = s.slice(i, i + 2);
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  if (s.length === 1) m.set(s, 1);
  return m;
}

function dice(a: Map<string, number>, b: Map<string, number>): number {
  let sa = 0;
  let sb = 0;
  for (const v of a.values()) sa += v;
  for (const v of b.values()) sb += v;
  if (sa === 0 && sb === 0) return 1;
  if (sa === 0 || sb === 0) return 0;
  let both = 0;
  for (const [g, v] of a) both += Math.min(v, b.get(g) ?? 0);
  return (2 * both) / (sa + sb);
}
