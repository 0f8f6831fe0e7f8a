import type { AttemptRecord } from './runState';

/**
 * Every earlier attempt's objections as text for the next prompt, oldest attempt first, so a retry sees all of them
 * and not only the last ("none" on a first attempt). An objection raised again by a later attempt (same source,
 * place and words) is listed once, under the latest attempt that raised it: a model that keeps failing the same way
 * made every retry's prompt grow by the same text again (perf-2026-11.md §5.4).
 */
export function formatObjections(attempts: readonly Pick<AttemptRecord, 'attempt' | 'modelKey' | 'objections'>[]): string {
  const seen = new Set<string>();
  const kept = [...attempts].reverse().map((a) => ({
    ...a,
    objections: a.objections.filter((o) => {
      const key = `${o.source}\u0000${o.where ?? ''}\u0000${o.message}`;
      return seen.has(key) ? false : (seen.add(key), true);
    }),
  })).reverse();
  const withObjections = kept.filter((a) => a.objections.length > 0);
  if (withObjections.length === 0) return 'none';
  return withObjections
    .map(
      (a) =>
        `Attempt ${a.attempt} (${a.modelKey}):\n` +
        a.objections.map((o) => `- [${o.source}]${o.where ? ` ${o.where}:` : ''} ${o.message}`).join('\n'),
    )
    .join('\n\n');
}
