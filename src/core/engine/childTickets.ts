import type { EpicSplit } from '../deliverables/epicSplit';
import type { Ticket } from '../ticket/ticket';

/**
 * The child feature tickets of an epic's split: id `<epic id>-<key>` (cut to the 63 characters a ticket id
 * allows), dependencies mapped to those ids, the epic as parent.
 */
export function childTickets(epic: Ticket, split: EpicSplit): Ticket[] {
  const idOf = (key: string) => `${epic.id.slice(0, 62 - key.length)}-${key}`.slice(0, 63);
  return split.children.map((c) => ({
    id: idOf(c.key),
    kind: 'feature',
    title: c.title,
    body: c.body,
    acceptanceCriteria: c.acceptanceCriteria,
    dependsOn: c.dependsOn.map(idOf),
    parentId: epic.id,
    source: `split of ${epic.id}`,
  }));
}
