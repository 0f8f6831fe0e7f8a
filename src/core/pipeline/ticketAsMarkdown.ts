import type { Ticket } from '../ticket/ticket';

/** The ticket as the markdown a phase prompt and the validator read (title, kind, body, acceptance criteria). */
export function ticketAsMarkdown(t: Ticket): string {
  const criteria = t.acceptanceCriteria.length ? `\n\n## Acceptance criteria\n${t.acceptanceCriteria.map((c) => `- ${c}`).join('\n')}` : '';
  return `# ${t.title}\n\nKind: ${t.kind} · Id: ${t.id}\n\n${t.body.trim()}${criteria}`;
}
