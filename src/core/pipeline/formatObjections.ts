import type { AttemptRecord } from './runState';

/**
 * Every earlier attempt's objections as text for the next prompt, oldest first, so a retry sees all of them and
 * not only the last ("none" on a first attempt).
 */
export function formatObjections(attempts: readonly Pick<AttemptRecord, 'attempt' | 'modelKey' | 'objections'>[]): string {
  const withObjections = attempts.filter((a) => a.objections.length > 0);
  if (withObjections.length === 0) return 'none';
  return withObjections
    .map(
      (a) =>
        `Attempt ${a.attempt} (${a.modelKey}):\n` +
        a.objections.map((o) => `- [${o.source}]${o.where ? ` ${o.where}:` : ''} ${o.message}`).join('\n'),
    )
    .join('\n\n');
}
