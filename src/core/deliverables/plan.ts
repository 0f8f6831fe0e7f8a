import { z } from 'zod';

/** The planning phase's deliverable: ordered tasks, each naming the files it needs and the tests it adds. */
export const Plan = z.object({
  tasks: z
    .array(
      z.object({
        id: z.string().min(1).describe('T1, T2…'),
        title: z.string().min(1),
        description: z.string().min(1).describe('What to change, precisely enough to implement without the design'),
        files: z.array(z.string().min(1)).min(1).describe('Repository-relative paths the task reads or writes'),
        tests: z.array(z.string().min(1)).describe('Repository-relative test files the task adds or extends'),
        criteria: z.array(z.string()).describe('Acceptance-criteria ids the task satisfies'),
      }),
    )
    .min(1),
  needFiles: z.array(z.string()).max(8).describe('Only when the code shown is not enough: repository paths (up to 8) to see before answering; you are then asked again with them. Empty otherwise').default([]),
});
export type Plan = z.infer<typeof Plan>;
export type PlanTask = Plan['tasks'][number];
