import { createHash } from 'node:crypto';

/** Longest slug `slugFromTitle` returns, in characters. */
export const MAX_SLUG_LENGTH = 40;

/**
 * A ticket id derived from a title, deterministically: lowercase ASCII letters and digits joined by single
 * dashes, accents folded (`É` → `e`), at most 40 characters, cut at a word boundary when one is near.
 * A title with no ASCII letters or digits (e.g. only CJK or emoji) gets `ticket-<first 8 hex of its SHA-256>`,
 * so the same title always gives the same id. The result always matches the `TicketId` pattern.
 */
export function slugFromTitle(title: string): string {
  const words = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  let slug = '';
  for (const word of words) {
    const next = slug === '' ? word : `${slug}-${word}`;
    if (next.length > MAX_SLUG_LENGTH) {
      // A first word longer than the cap is cut; later words are dropped whole.
      if (slug === '') slug = word.slice(0, MAX_SLUG_LENGTH);
      break;
    }
    slug = next;
  }
  if (slug !== '') return slug;
  return `ticket-${createHash('sha256').update(title).digest('hex').slice(0, 8)}`;
}
