import type { ShipwrightConfig } from '../core/config/shipwrightConfig';
import type { Reachability } from '../core/engine/checkModelsReachable';
import { runsLocally } from '../core/models/runsLocally';
import { resolvePhaseModels, type PhaseModel } from '../core/engine/resolvePhaseModels';
import type { RuledOut } from '../core/models/modelRouter';
import { Role } from '../core/pipeline/phaseId';
import type { ModelChoiceView, ModelSetupView, PhaseModelView } from '../shared/viewState';

/** The roles the panel lists: a feature ticket's phases, the hotfix diagnosis, then the validator. */
export const SETUP_ROLES: readonly Role[] = ['discovery', 'techSpec', 'planning', 'implementation', 'review', 'diagnosis', 'validation'];

/** A model check and the model choices it implies. */
export interface ModelCheck {
  setup: ModelSetupView;
  choices: ModelChoiceView[];
  /** Models that cannot be used now, for the run's router (`engine.run(ticket, { ruledOut })`); from the core's check. */
  ruledOut?: RuledOut;
  /** Every role's chain of model keys (a role without one uses implementation's), for retry defaults. */
  chains: Partial<Record<Role, string[]>>;
}

/** Where `shipwright.ollamaHost` (as the settings hold it) stands against the effective config. */
export interface HostOrigin {
  /** The value of the `shipwright.ollamaHost` setting, '' when unset. */
  setting: string;
  /** The extension host's `OLLAMA_HOST`. */
  env: string | undefined;
}

/**
 * Checks which models can be reached now (Ollama's `/api/tags` within `timeoutMs`, whether an Anthropic key is
 * set; no model is called) and, for every role, the model that will really run.
 */
export async function checkModelSetup(config: ShipwrightConfig, apiKey: string | undefined, origin: HostOrigin, timeoutMs = 3_000, openaiApiKey?: string): Promise<ModelCheck> {
  const env = { ...process.env, OLLAMA_HOST: origin.env };
  // The core says which model each role will run on (one probe of every provider); this adds the words for people.
  const resolution = await resolvePhaseModels(config, { env, anthropicApiKey: apiKey, openaiApiKey, roles: SETUP_ROLES, timeoutMs });
  return { ...modelCheckOf(config, resolution.reachability, origin, new Date(), resolution.phases), ruledOut: resolution.ruledOut };
}

/**
 * The check's view (pure; exported for tests): the core's per-role resolution, each skipped model with a short
 * reason for the panel, the models not pulled, where the Ollama host came from, and every model as a choice.
 */
export function modelCheckOf(config: ShipwrightConfig, reach: Reachability, origin: HostOrigin, now: Date, resolved: readonly PhaseModel[]): ModelCheck {
  const unavailable = (key: string): string | undefined => whyUnavailable(config, reach, key);
  const localOf = (key: string | undefined): boolean | undefined => {
    const spec = key === undefined ? undefined : config.models[key];
    return spec && runsLocally(spec);
  };
  const phases: PhaseModelView[] = resolved.map((p) => ({
    phase: p.role,
    modelKey: p.modelKey,
    model: p.model,
    provider: p.provider,
    local: localOf(p.modelKey),
    skipped: p.skipped.map((s) => ({ modelKey: s.modelKey, why: unavailable(s.modelKey) ?? s.reason })),
  }));
  const named = new Set(SETUP_ROLES.flatMap((r) => config.chains[r] ?? config.chains.implementation ?? []));
  const notPulled = reach.ollama.reachable
    ? [...new Set([...named].map((k) => config.models[k]).filter((m) => m?.provider === 'ollama' && !isPulled(m.model, reach.ollama.models)).map((m) => m?.model ?? ''))]
    : [];
  const hostFrom: ModelSetupView['ollama']['hostFrom'] = config.ollamaHost === undefined ? (origin.env ? 'env' : 'default') : config.ollamaHost === origin.setting ? 'settings' : 'file';
  const setup: ModelSetupView = {
    ollama: { host: reach.ollama.host, reachable: reach.ollama.reachable, pulled: reach.ollama.models, hostFrom, problem: reach.ollama.reachable ? undefined : plainProblem(reach.ollama.error) },
    anthropic: { hasKey: reach.anthropic.hasKey },
    phases,
    notPulled,
    ready: phases.every((p) => p.modelKey !== undefined),
    checkedAt: now.toISOString(),
  };
  const choices: ModelChoiceView[] = Object.entries(config.models).map(([key, spec]) => ({
    key,
    model: spec.model,
    provider: spec.provider,
    local: runsLocally(spec),
    inputUsdPerMTok: spec.price.input,
    outputUsdPerMTok: spec.price.output,
    unavailable: unavailable(key),
  }));
  const chains = Object.fromEntries(Role.options.map((r) => [r, config.chains[r] ?? config.chains.implementation ?? []]));
  return { setup, choices, chains };
}

/** Why model `key` cannot run now, or undefined when it can. */
function whyUnavailable(config: ShipwrightConfig, reach: Reachability, key: string): string | undefined {
  const spec = config.models[key];
  if (!spec) return 'not in the configuration';
  if (spec.provider === 'anthropic') return reach.anthropic.hasKey ? undefined : 'no Anthropic key';
  if (spec.provider === 'ollama') {
    if (!reach.ollama.reachable) return 'Ollama not answering';
    return isPulled(spec.model, reach.ollama.models) ? undefined : `${spec.model} not pulled`;
  }
  // OpenAI-compatible: the server that lists the model answers; the server of a model is the core's business, so
  // it is found by the model list rather than re-deriving base URLs here.
  if (reach.openai.some((o) => o.reachable && o.models.includes(spec.model))) return undefined;
  return reach.openai.some((o) => o.reachable) ? `${spec.model} not listed by the server` : 'OpenAI-compatible server not answering';
}

/** Ollama names an untagged model `name:latest`. */
export function isPulled(model: string, pulled: readonly string[]): boolean {
  return pulled.includes(model) || (!model.includes(':') && pulled.includes(`${model}:latest`));
}

/** Why Ollama did not answer, in words (the raw error is in the run log, not the panel). */
function plainProblem(error: string | undefined): string {
  const e = error ?? '';
  if (/ECONNREFUSED|fetch failed/i.test(e)) return 'nothing is listening there';
  if (/ENOTFOUND|EAI_AGAIN/i.test(e)) return 'the host name is not known';
  if (/timed? ?out|abort|deadline/i.test(e)) return 'no answer within 3 seconds';
  if (/Invalid URL|invalid url/i.test(e)) return 'that is not a valid URL';
  return 'it did not answer as Ollama does';
}
