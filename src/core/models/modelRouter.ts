import type { ModelSpec, ShipwrightConfig } from '../config/shipwrightConfig';
import type { Role } from '../pipeline/phaseId';

/** A model of a role's chain: its config key, its spec and its position in the chain. */
export interface RoutedModel {
  key: string;
  spec: ModelSpec;
  index: number;
}

/**
 * Gives each role its ordered chain of models from the config. A role without a chain of its own uses the
 * `implementation` chain (the everyday local-first one). The config schema already checked that every key exists.
 */
export class ModelRouter {
  constructor(private readonly config: ShipwrightConfig) {}

  /** The whole chain of `role`, first model first. @throws Error when neither the role nor `implementation` has a chain */
  chain(role: Role): RoutedModel[] {
    const keys = this.config.chains[role] ?? this.config.chains.implementation;
    if (!keys || keys.length === 0) throw new Error(`config has no model chain for "${role}" and no "implementation" chain to fall back on`);
    return keys.map((key, index) => {
      const spec = this.config.models[key];
      if (!spec) throw new Error(`chain "${role}" names unknown model "${key}"`);
      return { key, spec, index };
    });
  }

  /** Models from `chainIndex` on (clamped to the last model, so escalation past the end stays on the strongest). */
  from(role: Role, chainIndex: number): RoutedModel[] {
    const chain = this.chain(role);
    return chain.slice(Math.min(Math.max(0, chainIndex), chain.length - 1));
  }

  /** Why a model at `index` would be chosen with no failure before it. */
  static baseReason(role: Role, m: RoutedModel): string {
    return m.index === 0 ? `first in the ${role} chain` : `position ${m.index + 1} of the ${role} chain`;
  }
}
