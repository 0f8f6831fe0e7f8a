import type { ModelSpec, ShipwrightConfig } from '../config/shipwrightConfig';
import type { Role } from '../pipeline/phaseId';
import type { ProviderErrorReason } from './providerError';

/** A model of a role's chain: its config key, its spec and its position in the chain the router serves. */
export interface RoutedModel {
  key: string;
  spec: ModelSpec;
  index: number;
}

/**
 * A model found unusable for the whole run before it started (`resolvePhaseModels`): no API key, model not pulled.
 * `reason` is the provider error it would have failed with; `message` says why, for people.
 */
export interface RuledOutModel {
  reason: Extract<ProviderErrorReason, 'auth' | 'modelNotFound'>;
  message: string;
}

/** Models ruled out before the run, by config key. */
export type RuledOut = Readonly<Record<string, RuledOutModel>>;

/**
 * Gives each role its ordered chain of models from the config. A role without a chain of its own uses the
 * `implementation` chain (the everyday local-first one). The config schema already checked that every key exists.
 * Models in `ruledOut` (found unusable before the run) are left out of every chain, so no call is made to them
 * and no failure is logged for them; positions (`index`, `from`'s `chainIndex`) count only the models served.
 */
export class ModelRouter {
  constructor(
    private readonly config: ShipwrightConfig,
    private readonly ruledOut: RuledOut = {},
  ) {}

  /**
   * The chain of `role` without the ruled-out models, first model first (empty when every model is ruled out).
   * @throws Error when neither the role nor `implementation` has a chain
   */
  chain(role: Role): RoutedModel[] {
    return this.configured(role)
      .filter((m) => !this.ruledOut[m.key])
      .map((m, index) => ({ ...m, index }));
  }

  /** The models of `role`'s configured chain that were ruled out before the run, in chain order. */
  skipped(role: Role): ({ key: string } & RuledOutModel)[] {
    return this.configured(role).flatMap((m) => {
      const r = this.ruledOut[m.key];
      return r ? [{ key: m.key, ...r }] : [];
    });
  }

  /**
   * Models from `chainIndex` on (clamped to the last model, so escalation past the end stays on the strongest);
   * empty when every model of the chain is ruled out.
   */
  from(role: Role, chainIndex: number): RoutedModel[] {
    const chain = this.chain(role);
    return chain.slice(Math.min(Math.max(0, chainIndex), chain.length - 1));
  }

  /** Why a model at `index` would be chosen with no failure before it (naming the models ruled out before it). */
  baseReason(role: Role, m: RoutedModel): string {
    const skipped = this.skipped(role);
    const base = m.index === 0 ? `first ${skipped.length ? 'usable ' : ''}in the ${role} chain` : `position ${m.index + 1} of the ${role} chain`;
    return skipped.length ? `${base}; ruled out before the run: ${skipped.map((s) => `${s.key} (${s.reason})`).join(', ')}` : base;
  }

  private configured(role: Role): RoutedModel[] {
    const keys = this.config.chains[role] ?? this.config.chains.implementation;
    if (!keys || keys.length === 0) throw new Error(`config has no model chain for "${role}" and no "implementation" chain to fall back on`);
    return keys.map((key, index) => {
      const spec = this.config.models[key];
      if (!spec) throw new Error(`chain "${role}" names unknown model "${key}"`);
      return { key, spec, index };
    });
  }
}
