import { z } from 'zod';

/**
 * The fixed words that name a pipeline phase. `validation` is the validator's role, not a phase of a route;
 * `ciFix` is the bounded fix loop that reads a failing test log after implementation.
 */
export const PhaseId = z.enum([
  'discovery',
  'techSpec',
  'planning',
  'implementation',
  'review',
  'diagnosis',
  'split',
  'ciFix',
]);
export type PhaseId = z.infer<typeof PhaseId>;

/** A model role: every phase, plus the validator. Router chains and ledger records are keyed by it. */
export const Role = z.enum([...PhaseId.options, 'validation']);
export type Role = z.infer<typeof Role>;
