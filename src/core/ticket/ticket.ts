import { z } from 'zod';

/** The shape of a ticket, which decides its route. */
export const TicketKind = z.enum(['feature', 'hotfix', 'epic']);
export type TicketKind = z.infer<typeof TicketKind>;

/** A ticket id: lowercase letters, digits and dashes, so it is safe in a branch name and a folder name. */
export const TicketId = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'an id is 1–63 lowercase letters, digits or dashes, starting with a letter or digit');

/** A parsed, checked ticket. */
export const Ticket = z.object({
  id: TicketId,
  kind: TicketKind,
  title: z.string().min(1).max(200),
  /** The markdown body, without front matter and without the acceptance-criteria section. */
  body: z.string(),
  /** Items of an `## Acceptance criteria` section, in order; may be empty. */
  acceptanceCriteria: z.array(z.string()),
  /** Ids of sibling tickets that must finish first (epic children). */
  dependsOn: z.array(TicketId).default([]),
  /** The epic this ticket was split from. */
  parentId: TicketId.optional(),
  /** Where the ticket came from: a file path, or `quick input`. */
  source: z.string().optional(),
});
export type Ticket = z.infer<typeof Ticket>;
