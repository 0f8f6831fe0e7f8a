import { z } from 'zod';

/** The environment variable naming the file an in-host suite writes its results to. */
export const resultsFileEnv = 'SHIPWRIGHT_TEST_RESULTS';

/**
 * What an in-host mocha run reports to the harness outside: the extension host's console goes to the browser,
 * not to the terminal, so the suite writes this file (JSON) and the harness prints it.
 */
export const InHostResults = z.object({
  passes: z.number().int().nonnegative(),
  failures: z.number().int().nonnegative(),
  pending: z.number().int().nonnegative(),
  tests: z.array(
    z.object({
      title: z.string(),
      state: z.enum(['passed', 'failed', 'pending']),
      durationMs: z.number().optional(),
      error: z.string().optional(),
    }),
  ),
});
export type InHostResults = z.infer<typeof InHostResults>;
