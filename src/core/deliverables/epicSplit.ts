import { z } from 'zod';

/** An epic's split: child tickets, each a feature with its own pipeline, and their dependencies. */
export const EpicSplit = z.object({
  children: z
    .array(
      z.object({
        key: z.string().regex(/^[a-z0-9][a-z0-9-]{0,30}$/).describe('short lowercase key, unique within the epic'),
        title: z.string().min(1),
        body: z.string().min(1).describe('The child ticket, in markdown'),
        acceptanceCriteria: z.array(z.string()),
        dependsOn: z.array(z.string()).describe('keys of children that must be done first'),
      }),
    )
    .min(1),
});
export type EpicSplit = z.infer<typeof EpicSplit>;
