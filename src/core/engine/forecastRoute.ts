import type { ShipwrightConfig } from '../config/shipwrightConfig';
import { estimateTokens } from '../models/estimateTokens';
import { expectedOutputTokens } from '../models/expectedOutputTokens';
import { ModelRouter } from '../models/modelRouter';
import { priceCall } from '../models/priceCall';
import { expectedOutputWithThinking } from '../models/thinkingAllowance';
import type { PhaseId, Role } from '../pipeline/phaseId';
import { ticketAsMarkdown } from '../pipeline/ticketAsMarkdown';
import { promptTemplate, renderPrompt } from '../prompts/promptLibrary';
import { routeFor } from '../ticket/route';
import type { Ticket } from '../ticket/ticket';
import type { PhaseForecast } from './engineApi';

/** The earlier deliverables each phase reads (their expected size stands in for text that does not exist yet). */
const READS: Record<PhaseId, PhaseId[]> = {
  discovery: [],
  techSpec: ['discovery'],
  planning: ['discovery', 'techSpec'],
  diagnosis: [],
  split: ['discovery', 'techSpec'],
  implementation: ['planning'],
  review: ['discovery', 'implementation'],
  ciFix: ['planning'],
};
/** Phases that get the repository map, and implementation's file budget (tokens) — estimates, not measurements. */
const USES_REPO_MAP: PhaseId[] = ['discovery', 'techSpec', 'planning', 'diagnosis'];
const FILES_TOKENS = 4_000;

/**
 * A dry run: for each phase of the ticket's route (and its validation), the model the router picks first, and
 * a forecast of tokens and USD for one attempt: the rendered prompt's own tokens (estimateTokens), the ticket,
 * the repository-map budget, and the expected size of the deliverables it reads; output adds the thinking
 * allowance of the model and the role's effort. `picked` names, per role, the model that will really run
 * (`resolvePhaseModels`); without it the first of each chain is priced. No model is called.
 */
export async function forecastRoute(
  ticket: Ticket,
  config: ShipwrightConfig,
  picked?: Partial<Record<Role, string>>,
): Promise<PhaseForecast[]> {
  const router = new ModelRouter(config);
  const first = (role: Role) => router.chain(role).find((m) => m.key === picked?.[role]) ?? router.chain(role)[0];
  const ticketTokens = estimateTokens(ticketAsMarkdown(ticket));
  const out: PhaseForecast[] = [];
  for (const phase of routeFor(ticket.kind)) {
    const m = first(phase);
    const promptTokens = estimatePromptTokens(phase === 'implementation' ? 'implementationCode' : phase);
    const reads = READS[phase].reduce((n, p) => n + expectedOutputTokens[p], 0);
    const inputTokens =
      promptTokens + ticketTokens + reads + (USES_REPO_MAP.includes(phase) ? config.repoMapTokens : 0) + (phase === 'implementation' ? FILES_TOKENS : 0);
    const outputTokens = expectedOutputWithThinking(m.spec, config.effort[phase], expectedOutputTokens[phase]);
    const usage = { inputTokens, outputTokens, cacheWriteTokens: 0, cacheReadTokens: 0 };
    out.push({ phase, modelKey: m.key, model: m.spec.model, why: picked?.[phase] ? `${ModelRouter.baseReason(phase, m)}, the first that can be used` : ModelRouter.baseReason(phase, m), inputTokens, outputTokens, usd: priceCall(m.spec.price, usage) });

    const v = first('validation');
    const vInput = estimatePromptTokens('validation') + expectedOutputTokens[phase] + (reads || ticketTokens);
    const vUsage = { inputTokens: vInput, outputTokens: expectedOutputWithThinking(v.spec, config.effort.validation, expectedOutputTokens.validation), cacheWriteTokens: 0, cacheReadTokens: 0 };
    out.push({ phase: 'validation', modelKey: v.key, model: v.spec.model, why: `validates ${phase}`, inputTokens: vInput, outputTokens: vUsage.outputTokens, usd: priceCall(v.spec.price, vUsage) });
  }
  return out;
}

/** Tokens of a prompt file's fixed wording (variables rendered empty). */
function estimatePromptTokens(name: string): number {
  const empty = Object.fromEntries(promptTemplate(name).variables.map((v) => [v, '']));
  const { system, user } = renderPrompt(name, empty);
  return estimateTokens(system) + estimateTokens(user);
}
