import { z } from 'zod';

/** Discovery's deliverable: what the change must do, for users, testable. */
export const FunctionalSpec = z.object({
  summary: z.string().min(1).describe('One paragraph: the problem and the outcome users get'),
  userStories: z.array(z.string().min(1)).describe('As a <user>, I want <goal>, so that <reason>'),
  acceptanceCriteria: z
    .array(z.object({ id: z.string().min(1).describe('AC-1, AC-2…'), text: z.string().min(1).describe('Given/When/Then or a checkable statement') }))
    .min(1),
  outOfScope: z.array(z.string()).describe('What this ticket deliberately does not do'),
  openQuestions: z.array(z.string()).describe('Questions a person should answer; empty when none'),
  needFiles: z.array(z.string()).max(8).describe('Only when the code shown is not enough: repository paths (up to 8) to see before answering; you are then asked again with them. Empty otherwise').default([]),
});
export type FunctionalSpec = z.infer<typeof FunctionalSpec>;
