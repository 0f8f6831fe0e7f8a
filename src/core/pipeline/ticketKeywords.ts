import type { Ticket } from '../ticket/ticket';

/** Words of a ticket's title and body (4+ letters, lowercased, unique, at most 20) that rank the repository map. */
export function ticketKeywords(t: Ticket): string[] {
  const words = `${t.title} ${t.body}`.toLowerCase().match(/[a-z][a-z0-9_]{3,}/g) ?? [];
  return [...new Set(words)].slice(0, 20);
}
