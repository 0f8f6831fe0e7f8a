import type { ModelSpec, ShipwrightConfig } from '../config/shipwrightConfig';
import { ModelRouter, type RuledOut, type RuledOutModel } from '../models/modelRouter';
import type { ProviderErrorReason } from '../models/providerError';
import { Role } from '../pipeline/phaseId';
import { checkModelsReachable, type Reachability } from './checkModelsReachable';

/** A model of a chain that will not run before the run starts, and why (for people). */
export interface SkippedModel {
  modelKey: string;
  model: string;
  reason: string;
}

/** For one role: the model that will really run first (the first usable one of its chain) and the ones skipped. */
export interface PhaseModel {
  role: Role;
  /** Config key and provider id of the model that will run; absent when no model of the chain can be used. */
  modelKey?: string;
  model?: string;
  provider?: ModelSpec['provider'];
  /** Position of that model in the role's chain (0 = first). */
  chainIndex?: number;
  /** Models before it (or all, when none is usable) that cannot be used, in chain order. */
  skipped: SkippedModel[];
}

/** What {@link resolvePhaseModels} found. */
export interface ModelResolution {
  reachability: Reachability;
  /** One entry per role asked for, in that order. */
  phases: PhaseModel[];
  /** True when every role asked for has a model that will run. */
  ok: boolean;
  /** For people: roles without a usable model and how to fix it (empty when ok). */
  advice: string;
  /**
   * Every model of the config that cannot be used for the whole run (no API key, not pulled), by config key, for the run's router
   * (`EngineApi.run(ticket, { ruledOut })`): it is then never called, so no `auth` failure is logged per phase.
   */
  ruledOut: RuledOut;
}

/** Options of {@link resolvePhaseModels}; every field is optional. */
export interface ResolveOptions {
  /** Environment read for OLLAMA_HOST, ANTHROPIC_API_KEY, OPENAI_* (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** The Anthropic key when it is not in the environment (VS Code SecretStorage). */
  anthropicApiKey?: string;
  /** The OpenAI key when it is not in the environment. */
  openaiApiKey?: string;
  /** The roles to resolve, e.g. a ticket's route plus `validation` (default: every role). */
  roles?: readonly Role[];
  /** Timeout of each reachability probe, ms (default 3,000). */
  timeoutMs?: number;
}

/**
 * Before a run: which model will really run for each role. Probes once (Ollama `/api/tags`, the Anthropic key's
 * presence, each OpenAI-compatible server's `/models`; no model is called, nothing is billed), then walks each
 * role's chain and takes the first model that can be used: an Ollama model that is reachable and pulled, an
 * Anthropic model with a key, an OpenAI-compatible model whose server answered. The CLI prints the result before
 * it creates anything; VS Code shows it; the dry-run forecast prices only these models.
 * Never throws for an unreachable provider (that is a skipped model with its reason).
 * @throws Error only when the config has no chain for a role and no `implementation` chain (see ModelRouter)
 */
export async function resolvePhaseModels(config: ShipwrightConfig, options: ResolveOptions = {}): Promise<ModelResolution> {
  const env = options.env ?? process.env;
  const reachability = await checkModelsReachable(config, env, options.anthropicApiKey, options.timeoutMs ?? 3_000, options.openaiApiKey);
  const router = new ModelRouter(config);
  // Every model of the config, not only the roles asked for: implementation's fix rounds run on `ciFix`'s chain.
  const unusable: Record<string, { reason: ProviderErrorReason; message: string }> = {};
  const ruledOut: Record<string, RuledOutModel> = {};
  for (const [key, spec] of Object.entries(config.models)) {
    const why = whyUnusable(spec, reachability);
    if (!why) continue;
    unusable[key] = why;
    // Only what holds for the whole run is ruled out: a missing key, a model Ollama has not pulled (its tag list is
    // what it serves). A server that did not answer the probe (3 s) may answer the call, and skipping it could send
    // a local ticket to a paid model; an OpenAI-compatible server may serve a model its /models does not list.
    if (why.reason === 'auth' || (why.reason === 'modelNotFound' && spec.provider === 'ollama')) ruledOut[key] = { reason: why.reason, message: why.message };
  }
  const phases = (options.roles ?? Role.options).map((role): PhaseModel => {
    const chain = router.chain(role);
    const skipped: SkippedModel[] = [];
    for (const m of chain) {
      const why = unusable[m.key];
      if (!why) return { role, modelKey: m.key, model: m.spec.model, provider: m.spec.provider, chainIndex: m.index, skipped };
      skipped.push({ modelKey: m.key, model: m.spec.model, reason: why.message });
    }
    return { role, skipped };
  });
  const missing = phases.filter((p) => !p.modelKey);
  const advice = missing.length
    ? [
        `No model of the chain can be used for: ${missing.map((p) => p.role).join(', ')}.`,
        // When nothing answers at all, the reachability advice says it in three lines; else each skipped model.
        ...(reachability.ok ? missing.flatMap((p) => p.skipped.map((s) => `- ${p.role}: ${s.modelKey} (${s.model}) — ${s.reason}`)) : [reachability.advice]),
      ].join('\n')
    : '';
  return { reachability, phases, ok: missing.length === 0, advice, ruledOut };
}

/** Why a model cannot be used before the run (the provider error it would fail with), or undefined when it can. */
function whyUnusable(spec: ModelSpec, r: Reachability): { reason: 'auth' | 'unreachable' | 'modelNotFound'; message: string } | undefined {
  if (spec.provider === 'anthropic') return r.anthropic.hasKey ? undefined : { reason: 'auth', message: 'no Anthropic API key (set ANTHROPIC_API_KEY, or in VS Code run Shipwright: Set Anthropic API Key)' };
  if (spec.provider === 'ollama') {
    if (!r.ollama.reachable) return { reason: 'unreachable', message: `Ollama is not answering at ${r.ollama.host}${r.ollama.error ? ` (${r.ollama.error})` : ''}` };
    const tagged = (n: string) => (n.includes(':') ? n : `${n}:latest`);
    return r.ollama.models.some((n) => tagged(n) === tagged(spec.model)) ? undefined : { reason: 'modelNotFound', message: `not pulled on ${r.ollama.host} (run \`ollama pull ${spec.model}\`)` };
  }
  // OpenAI-compatible: usable when a server that answered lists the model.
  if (r.openai.some((o) => o.reachable && o.models.includes(spec.model))) return undefined;
  return r.openai.some((o) => o.reachable)
    ? { reason: 'modelNotFound', message: `${spec.model} is not listed by the OpenAI-compatible server` }
    : { reason: 'unreachable', message: 'the OpenAI-compatible server is not answering' };
}
