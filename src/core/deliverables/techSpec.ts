import { z } from 'zod';

/** The tech-spec phase's deliverable: the design that meets the functional spec. */
export const TechSpec = z.object({
  overview: z.string().min(1).describe('The approach in one or two paragraphs'),
  components: z
    .array(z.object({ name: z.string().min(1), responsibility: z.string().min(1), files: z.array(z.string()).describe('Repository-relative paths it touches or adds') }))
    .min(1),
  dataFlow: z.string().describe('How data moves between the components'),
  risks: z.array(z.string()).describe('What could go wrong, and how the design limits it'),
  testStrategy: z.string().min(1).describe('How the acceptance criteria are tested'),
  coversCriteria: z.array(z.string()).describe('Ids of the acceptance criteria this design covers (AC-1…)'),
  needFiles: z.array(z.string()).max(8).describe('Only when the code shown is not enough: repository paths (up to 8) to see before answering; you are then asked again with them. Empty otherwise').default([]),
});
export type TechSpec = z.infer<typeof TechSpec>;
