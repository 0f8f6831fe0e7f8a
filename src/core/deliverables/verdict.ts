import { z } from 'zod';

/** The validator's answer on one deliverable. */
export const Verdict = z.object({
  pass: z.boolean().describe('true when the deliverable meets the one before it'),
  objections: z
    .array(z.object({ message: z.string().min(1), where: z.string().optional().describe('section or file the objection is about') }))
    .describe('Concrete, fixable problems; empty when pass is true'),
});
export type Verdict = z.infer<typeof Verdict>;
