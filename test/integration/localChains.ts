import type { FixtureRepo } from '../fixtures/fixtureRepo';

const local = ['local-large', 'sonnet'];

/**
 * User settings of the ticket UI suites: every phase on the local model first (Sonnet behind it), validation on
 * Haiku (so a ticket has a cloud cost to show), two attempts per model.
 */
export const LOCAL_CHAIN_SETTINGS = {
  'shipwright.chains': { discovery: local, techSpec: local, planning: local, implementation: local, review: local, diagnosis: local, split: local, ciFix: local, validation: ['haiku'] },
  'shipwright.attemptCap': 2,
} as const;

/** Commits the repository's `.shipwright/` (its config file), as a person who set Shipwright up would. */
export function commitShipwrightConfig(repo: FixtureRepo): void {
  repo.git('add', '-A');
  repo.git('commit', '-q', '-m', 'Shipwright configuration');
}
