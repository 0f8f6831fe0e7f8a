import { z } from 'zod';
import { Ticket } from '../ticket/ticket';

/**
 * One evaluation instance, whatever file it came from: a repository at a base commit, the ticket the pipeline
 * gets, and the hidden checks it never sees. Resolved (SWE-bench's definition) means: after the pipeline
 * finished, with `testPatch` applied over its result, every `failToPass` and every `passToPass` test passes.
 */
export const EvalInstance = z.object({
  /** The instance's name in the suite (SWE-bench `instance_id`); any text, unique in the suite. */
  id: z.string().min(1).max(200),
  /**
   * Where the repository is: a local path (absolute, or relative to the suite file), a git URL, or a GitHub
   * `owner/name` (SWE-bench `repo`). URLs and `owner/name` are looked up in the mirror folder first.
   */
  repo: z.string().min(1),
  /** The full commit id the pipeline starts from. */
  baseCommit: z.string().regex(/^[0-9a-f]{7,40}$/, 'a commit id in hex'),
  /** The ticket the pipeline runs (its `id` is replaced per profile so runs never collide). */
  ticket: Ticket,
  /** A unified diff (git format) applied to the pipeline's result before the checks; never shown to a phase. */
  testPatch: z.string(),
  /** Tests that must pass after the run (they fail at the base commit). Each is one argument of `checkCommand`. */
  failToPass: z.array(z.string().min(1)).min(1, 'an instance needs at least one fail-to-pass test'),
  /** Tests that passed at the base commit and must keep passing. */
  passToPass: z.array(z.string().min(1)),
  /** Run once in the fresh clone before any ticket (e.g. `npm ci`); its `node_modules` is linked into worktrees. */
  setupCommand: z.string().optional(),
  /** The test command the pipeline uses; detected from the repository when absent. */
  testCommand: z.string().optional(),
  /**
   * How one hidden test is run: a shell command where `{test}` is replaced by the shell-quoted test id;
   * exit code 0 means it passed. Default: `npm test -- {test}` (test ids are then test files).
   */
  checkCommand: z.string().refine((c) => c.includes('{test}'), 'checkCommand must contain {test}').optional(),
});
export type EvalInstance = z.infer<typeof EvalInstance>;

/** The check command used when an instance names none (test ids are test files for the project's runner). */
export const DEFAULT_CHECK_COMMAND = 'npm test -- {test}';

/** A suite as read: its name (the file's base name unless it names itself) and its instances. */
export interface EvalSuite {
  name: string;
  /** Absolute path of the suite file. */
  file: string;
  instances: EvalInstance[];
}
