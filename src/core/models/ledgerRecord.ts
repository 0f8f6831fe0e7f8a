import type { Role } from '../pipeline/phaseId';
import type { InputParts } from './inputParts';
import type { ProviderKind } from './modelProvider';
import type { Usage } from './usage';

/**
 * One model call, as billed. Tokens are the provider's own usage fields; `usd` is those tokens times the
 * configured price of `modelKey` (USD per million tokens). A call that failed after the provider reported usage
 * still has a record; one that never reached a model has none.
 */
export interface LedgerRecord {
  ticketId: string;
  phase: Role;
  /** 1-based attempt of the phase this call belongs to. */
  attempt: number;
  provider: ProviderKind;
  /**
   * Whether the model ran on this machine (see runsLocally): what the cost splits call local. Absent in records
   * written before it; read it through isLocalCall.
   */
  local?: boolean;
  /** Key of the model in the config (`local-large`, `sonnet`…). */
  modelKey: string;
  /** The provider's model id. */
  model: string;
  /** Why the router chose this model (e.g. `first in chain`, `fallback: local-large unreachable`). */
  why: string;
  usage: Usage;
  usd: number;
  latencyMs: number;
  /** ISO 8601 time the call finished. */
  at: string;
  /** How the call's input splits (estimated o200k tokens); absent in records of older runs. */
  inputParts?: InputParts;
}
