import type { HandoffSummary } from '../core/pipeline/handoffSummary';

/**
 * What a handoff's open objections carry beyond its one paragraph, as terminal lines: the text after an
 * objection's first blank line (the test run's output behind a stop before any test was written: a runner npx
 * could not download, a linter, a suite that already fails), indented under the handoff. The last `maxLines` lines
 * of each, where runners print why they stopped; empty when the paragraph says it all.
 */
export function handoffDetails(summary: Pick<HandoffSummary, 'openObjections'>, maxLines = 20): string[] {
  const lines: string[] = [];
  for (const o of summary.openObjections) {
    const cut = o.message.indexOf('\n\n');
    if (cut < 0) continue;
    const detail = o.message.slice(cut + 2).trimEnd().split('\n');
    if (detail.length > maxLines) lines.push(`      … ${detail.length - maxLines} earlier line(s) left out`);
    for (const l of detail.slice(-maxLines)) lines.push(`      │ ${l.trimEnd()}`);
  }
  return lines;
}
