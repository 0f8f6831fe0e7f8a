import { z } from 'zod';

/** Review's deliverable: findings on the diff against the spec. `request-changes` sends blockers back. */
export const ReviewReport = z.object({
  decision: z.enum(['approve', 'request-changes']),
  summary: z.string().min(1),
  findings: z.array(
    z.object({
      severity: z.enum(['blocker', 'major', 'minor', 'nit']),
      file: z.string().optional(),
      message: z.string().min(1),
    }),
  ),
});
export type ReviewReport = z.infer<typeof ReviewReport>;
