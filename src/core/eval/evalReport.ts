import { z } from 'zod';
import { Role } from '../pipeline/phaseId';
import { RunState } from '../pipeline/runState';

/** Tokens as the providers reported them (input is uncached input only; the prompt is input + cache write + read). */
export const Tokens = z.object({
  input: z.number().int().nonnegative(),
  output: z.number().int().nonnegative(),
  cacheWrite: z.number().int().nonnegative(),
  cacheRead: z.number().int().nonnegative(),
});
export type Tokens = z.infer<typeof Tokens>;

/** One hidden test's outcome after the run. */
export const CheckOutcome = z.object({
  test: z.string(),
  passed: z.boolean(),
  /** The check command's exit code (null: killed, e.g. by the timeout). */
  exitCode: z.number().int().nullable(),
  /** The end of its output when it failed (trimmed), for a person; empty when it passed. */
  output: z.string(),
});

/** The hidden checks of one run: the test patch applied in a separate checkout, then each test. */
export const HiddenChecks = z.object({
  /** The commit checked: the tip of the ticket's branch. */
  commit: z.string(),
  /** Why the checks could not run — the patch did not apply, or installing dependencies failed (then every test
   * counts as failed); absent when the checkout was ready. */
  patchError: z.string().optional(),
  failToPass: z.array(CheckOutcome),
  passToPass: z.array(CheckOutcome),
  durationMs: z.number().nonnegative(),
});
export type HiddenChecks = z.infer<typeof HiddenChecks>;

/** Per phase (or the validator role) of one run: model calls and what they cost, attempts and escalations. */
export const PhaseFigures = z.object({
  phase: Role,
  calls: z.number().int().nonnegative(),
  attempts: z.number().int().nonnegative(),
  /** Attempts made after the attempt cap moved the phase to the next model of its chain. */
  escalations: z.number().int().nonnegative(),
  tokens: Tokens,
  usd: z.number().nonnegative(),
});
export type PhaseFigures = z.infer<typeof PhaseFigures>;

/** One instance under one profile. */
export const InstanceResult = z.object({
  instance: z.string(),
  profile: z.string(),
  /** The ticket id the run had in the instance's clone (`shipwright status` there shows it). */
  ticketId: z.string(),
  /** The pipeline ended ready/done and every fail-to-pass and pass-to-pass test passed. */
  resolved: z.boolean(),
  /** The run's end state (`ready`, `needs-human`, `budget-exceeded`, `failed`…), or `not-run`. */
  endState: z.union([RunState.shape.state, z.literal('not-run')]),
  reason: z.string(),
  usd: z.number().nonnegative(),
  tokens: Tokens,
  calls: z.number().int().nonnegative(),
  phases: z.array(PhaseFigures),
  /** Wall time of the pipeline run (this process's part of it, when resumed), ms. */
  wallMs: z.number().nonnegative(),
  /** Absent when the pipeline did not end ready (nothing to check). */
  checks: HiddenChecks.optional(),
});
export type InstanceResult = z.infer<typeof InstanceResult>;

/** One profile's figures over the suite. */
export const ProfileSummary = z.object({
  name: z.string(),
  instances: z.number().int().nonnegative(),
  resolved: z.number().int().nonnegative(),
  /** resolved / instances, 0..1. */
  passRate: z.number().min(0).max(1),
  /** 95 % Wilson score interval of the pass rate. */
  passRateLow: z.number().min(0).max(1),
  passRateHigh: z.number().min(0).max(1),
  /** USD spent on the whole suite (every instance, resolved or not). */
  usd: z.number().nonnegative(),
  /** usd / resolved; null when nothing was resolved. */
  usdPerResolved: z.number().nonnegative().nullable(),
  tokens: Tokens,
  /** Tokens and USD per phase, summed over instances, in route order. */
  phases: z.array(PhaseFigures),
  calls: z.number().int().nonnegative(),
  wallMs: z.number().nonnegative(),
});
export type ProfileSummary = z.infer<typeof ProfileSummary>;

/** The cheapest profile that holds quality, and why. */
export const Recommendation = z.object({
  profile: z.string(),
  /** Pass-rate margin used: within this of the best pass rate counts as holding quality (0..1). */
  margin: z.number().min(0).max(1),
  best: z.string(),
  reason: z.string(),
});
export type Recommendation = z.infer<typeof Recommendation>;

/** A regression found against a baseline. */
export const Regression = z.object({
  profile: z.string(),
  kind: z.enum(['cost', 'passRate']),
  message: z.string(),
});
export type Regression = z.infer<typeof Regression>;

/** What `shipwright eval --json` prints, and what `--baseline FILE` reads back. */
export const EvalReport = z.object({
  version: z.literal(1),
  suite: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  profiles: z.array(ProfileSummary),
  instances: z.array(InstanceResult),
  recommendation: Recommendation.optional(),
  regressions: z.array(Regression).optional(),
});
export type EvalReport = z.infer<typeof EvalReport>;
