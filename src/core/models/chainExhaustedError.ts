import type { Role } from '../pipeline/phaseId';
import type { ProviderError } from './providerError';

/** Every model of a role's chain (from the starting index on) failed with a provider error. */
export class ChainExhaustedError extends Error {
  override readonly name = 'ChainExhaustedError';
  constructor(
    readonly role: Role,
    readonly failures: { modelKey: string; error: ProviderError }[],
  ) {
    super(
      `no model could answer for ${role}: ` +
        failures.map((f) => `${f.modelKey} (${f.error.reason}: ${f.error.message})`).join('; '),
    );
  }
}
