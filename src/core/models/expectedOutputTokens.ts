import type { Role } from '../pipeline/phaseId';

/**
 * Typical output tokens of one call per role, used for the budget check before a call and the dry-run forecast.
 * Deliberately generous guesses (not measurements): the figure that counts is always the provider's reported usage.
 */
export const expectedOutputTokens: Record<Role, number> = {
  discovery: 1_200,
  techSpec: 2_000,
  planning: 1_500,
  implementation: 3_000,
  review: 800,
  diagnosis: 1_000,
  split: 1_500,
  ciFix: 2_000,
  validation: 300,
};
