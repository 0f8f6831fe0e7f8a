import type { ShipwrightConfig } from '../config/shipwrightConfig';
import { jsonSchemaFor } from '../deliverables/jsonSchemaFor';
import { schemaFor } from '../deliverables/schemaFor';
import { countO200kTokens } from '../models/estimateTokens';
import { expectedOutputTokens } from '../models/expectedOutputTokens';
import { ModelRouter } from '../models/modelRouter';
import { priceCall } from '../models/priceCall';
import { capabilitiesOf } from '../config/modelCapabilities';
import { expectedOutputWithThinking } from '../models/thinkingAllowance';
import type { PhaseId, Role } from '../pipeline/phaseId';
import { repoMapBudget } from '../pipeline/repoMapFor';
import { ticketAsMarkdown } from '../pipeline/ticketAsMarkdown';
import { promptTemplate, renderPrompt } from '../prompts/promptLibrary';
import { routeFor } from '../ticket/route';
import type { Ticket } from '../ticket/ticket';
import { buildRepoMap } from '../workspace/repoMap';
import { ticketKeywords } from '../pipeline/ticketKeywords';
import type { PhaseForecast } from './engineApi';

/**
 * Sizes of text that does not exist before the run, in tokens, as shares of a deliverable's expected size or as
 * typical amounts. Estimates, checked against `npm run bench`'s realistic run (forecast error printed there).
 */
const SHARE = {
  /** The criteria brief (specBrief.criteria) of a functional spec. */
  criteriaBrief: 0.25,
  /** The design brief (specBrief.design) of a tech spec. */
  designBrief: 0.3,
  /** What discovery's validator reads of the new spec: all but the summary (criteriaBrief with stories and questions). */
  judgedSpec: 0.95,
  /** What techSpec's validator reads of the new design: all but the data flow (designBrief with overview and risks). */
  judgedDesign: 0.75,
};
/** Plan tasks expected per feature (each is one code step of implementation). */
const TASKS = 2;
/** Files shown to one edit step, and test output, tokens. */
const FILES_PER_STEP = 1_500;
/** Files shown to a code step after the first: the suite is usually green by then, so its tests are not shown. */
const FILES_PER_LATER_STEP = 500;
const TEST_OUTPUT = 250;

/** One expected model call of a phase. */
interface Call {
  role: Role;
  prompt: string;
  /** Context tokens besides the prompt's fixed wording and schema. */
  context: number;
  /** Extra calls of the same shape in the high case (a validator objection, a failed step). */
  retries: number;
  /** A call that happens only in the high case (review's validator reads only a report asking for changes). */
  highOnly?: boolean;
}

/**
 * A dry run: for each phase of the ticket's route (and its validation), the model the router picks first and a
 * forecast of tokens and USD, as a range. The calls modelled are the pipeline's own: a validated phase is one call
 * and one validator call (none for planning, and for review only in the high case, unless config.modelValidation
 * says `always`); implementation is the tests step and one code step per task (no validator: the tests
 * judge); review reads the briefs and the diff. Inputs are the prompt's fixed wording and deliverable schema
 * (o200k count, no safety margin: a forecast wants the expected size; × the model's `tokensPerO200k`, so the newer
 * Claude tokenizer's ~30 % more is allowed for), the ticket, the repository map at its real
 * size when `repoRoot` is given (else its budget), and the expected size of the deliverables or briefs it reads.
 * Output adds the model's thinking allowance. The low figures assume every deliverable is accepted first time;
 * `high` adds one objected attempt (and its validator call) per validated phase and one retry per edit step.
 * `picked` names, per role, the model that will really run (`resolvePhaseModels`); without it the first of each
 * chain is priced. No model is called.
 */
export async function forecastRoute(
  ticket: Ticket,
  config: ShipwrightConfig,
  opts: { repoRoot?: string; picked?: Partial<Record<Role, string>> } = {},
): Promise<PhaseForecast[]> {
  const router = new ModelRouter(config);
  const first = (role: Role) => router.chain(role).find((m) => m.key === opts.picked?.[role]) ?? router.chain(role)[0];
  const ticketTokens = countO200kTokens(ticketAsMarkdown(ticket));
  const out = (p: PhaseId | 'validation'): number => expectedOutputTokens[p === 'validation' ? 'validation' : p];
  const mapTokens = async (role: Role, share = 1): Promise<number> => {
    const budget = repoMapBudget(config, first(role).spec.contextLength, share);
    if (opts.repoRoot === undefined) return budget;
    const map = await buildRepoMap(opts.repoRoot, { tokenBudget: budget, keywords: ticketKeywords(ticket) }).catch(() => undefined);
    return map === undefined ? budget : countO200kTokens(map.text);
  };
  const criteria = Math.round(out('discovery') * SHARE.criteriaBrief);
  const design = Math.round(out('techSpec') * SHARE.designBrief);

  const forecast: PhaseForecast[] = [];
  const add = (phase: PhaseId | 'validation', why: string | undefined, calls: Call[]): void => {
    const m = first(calls[0].role);
    let low = { inputTokens: 0, outputTokens: 0, usd: 0 };
    let high = { inputTokens: 0, outputTokens: 0, usd: 0 };
    // Sizes here are o200k counts; the provider bills in its model's tokens (Claude's newer tokenizer gives ~30 % more).
    const ratio = capabilitiesOf(m.spec).tokensPerO200k;
    for (const c of calls) {
      const input = Math.round((fixedTokens(c.prompt, c.role) + c.context) * ratio);
      const visible = Math.round(expectedOutputTokens[c.role] * ratio);
      const output = expectedOutputWithThinking(m.spec, config.effort[c.role], visible);
      const usd = priceCall(m.spec.price, { inputTokens: input, outputTokens: output, cacheWriteTokens: 0, cacheReadTokens: 0 });
      if (!c.highOnly) low = { inputTokens: low.inputTokens + input, outputTokens: low.outputTokens + output, usd: low.usd + usd };
      const n = (c.highOnly ? 0 : 1) + c.retries;
      high = { inputTokens: high.inputTokens + n * input, outputTokens: high.outputTokens + n * output, usd: high.usd + n * usd };
    }
    const base = router.baseReason(calls[0].role, m);
    forecast.push({ phase, modelKey: m.key, model: m.spec.model, why: why ?? (m.index > 0 && opts.picked?.[calls[0].role] ? `${base}, the first that can be used` : base), ...low, calls: calls.filter((c) => !c.highOnly).length, high });
  };
  /**
   * A validated phase: `previous` tokens of input for its validator, and `judged` of the new deliverable (default:
   * all). `model`: when a validator model reads it (config.modelValidation) — `always`; `retry` (review's default:
   * only a report asking for changes, so only in the high case, once, with the retry); `never` (the mechanical
   * checks alone: no validator call).
   */
  const validated = async (phase: PhaseId, context: number, previous: number, judged: number = out(phase), model: 'always' | 'retry' | 'never' = 'always'): Promise<void> => {
    add(phase, undefined, [{ role: phase, prompt: phase, context, retries: 1 }]);
    if (model === 'always') add('validation', `validates ${phase}`, [{ role: 'validation', prompt: 'validation', context: previous + judged, retries: 1 }]);
    if (model === 'retry') add('validation', `validates ${phase} when it requests changes (high end only)`, [{ role: 'validation', prompt: 'validation', context: previous + judged, retries: 1, highOnly: true }]);
  };

  for (const phase of routeFor(ticket.kind)) {
    switch (phase) {
      case 'discovery':
        await validated(phase, ticketTokens + (await mapTokens(phase, 0.5)), ticketTokens, Math.round(out(phase) * SHARE.judgedSpec));
        break;
      case 'techSpec':
        // It reads the spec without its summary: what discovery's validator judged.
        await validated(phase, ticketTokens + Math.round(out('discovery') * SHARE.judgedSpec) + (await mapTokens(phase)), criteria, Math.round(out(phase) * SHARE.judgedDesign));
        break;
      case 'planning':
        // The criteria and the whole design, not the ticket.
        await validated(phase, criteria + out('techSpec') + (await mapTokens(phase, 0.5)), design, out(phase), config.modelValidation.planning === 'always' ? 'always' : 'never');
        break;
      case 'split':
        await validated(phase, ticketTokens + out('discovery') + out('techSpec'), out('techSpec'));
        break;
      case 'diagnosis':
        await validated(phase, ticketTokens + (await mapTokens(phase)), ticketTokens);
        break;
      case 'implementation': {
        const feature = ticket.kind !== 'hotfix';
        const plan = feature ? out('planning') : out('diagnosis');
        const tasks = feature ? TASKS : 1;
        add(phase, undefined, [
          // The tests step reads the criteria and the test strategy (implementationWork.testsBrief), not the components.
          { role: 'implementation', prompt: 'implementationTests', context: plan + (feature ? criteria : 0) + FILES_PER_STEP + TEST_OUTPUT, retries: 1 },
          ...Array.from({ length: tasks }, (_, i): Call => ({ role: 'implementation', prompt: 'implementationCode', context: plan / tasks + criteria + (i === 0 ? FILES_PER_STEP : FILES_PER_LATER_STEP) + TEST_OUTPUT, retries: 1 })),
        ]);
        break;
      }
      case 'review': {
        // The diff is about what the edit steps wrote.
        const diff = out('implementation') * (ticket.kind === 'hotfix' ? 1 : 1 + TASKS) / 2;
        // Its validator reads the changed files and the hunks the findings name (reviewEvidence), not the diff:
        // a line per file, and on the bench's tickets no finding names a file; a tenth of the diff allows for some.
        await validated(phase, ticketTokens + (ticket.kind === 'hotfix' ? out('diagnosis') : criteria + design) + diff, Math.round(diff / 10), out(phase), config.modelValidation.review === 'always' ? 'always' : 'retry');
        break;
      }
      case 'ciFix':
        add(phase, undefined, [{ role: 'ciFix', prompt: 'ciFix', context: criteria + FILES_PER_STEP + TEST_OUTPUT, retries: 1 }]);
        break;
    }
  }
  return forecast;
}

/** Tokens of a prompt file's fixed wording (variables rendered empty) and of the role's deliverable schema. */
function fixedTokens(prompt: string, role: Role): number {
  const empty = Object.fromEntries(promptTemplate(prompt).variables.map((v) => [v, '']));
  const { system, user } = renderPrompt(prompt, empty);
  return countO200kTokens(system) + countO200kTokens(user) + countO200kTokens(JSON.stringify(jsonSchemaFor(schemaFor(role).schema)));
}
