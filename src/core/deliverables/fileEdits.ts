import { z } from 'zod';

/**
 * Edits a model proposes: whole-file writes (preferred for small local models) or search/replace blocks.
 * Paths are repository-relative and untrusted: the engine confines them to the ticket's worktree.
 */
export const FileEdit = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('write'), path: z.string().min(1), content: z.string() }),
  z.object({ kind: z.literal('replace'), path: z.string().min(1), search: z.string().min(1), replace: z.string() }),
  z.object({ kind: z.literal('delete'), path: z.string().min(1) }),
]);
export type FileEdit = z.infer<typeof FileEdit>;

/** An implementation or fix session's answer. `needFiles` asks once for more files by path. */
export const FileEdits = z.object({
  explanation: z.string().describe('What the edits do, briefly'),
  edits: z.array(FileEdit),
  needFiles: z.array(z.string()).describe('Paths of files you need to see before editing; empty when none').default([]),
});
export type FileEdits = z.infer<typeof FileEdits>;
