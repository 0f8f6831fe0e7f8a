import { z } from 'zod';
import { jsonSchemaFor } from '../deliverables/jsonSchemaFor';
import { capabilitiesOf, effortFor } from '../config/modelCapabilities';
import type { Price, ShipwrightConfig } from '../config/shipwrightConfig';
import { cacheLifetime } from '../models/cacheLifetime';
import { BudgetExceededError } from '../models/budgetExceededError';
import { ChainExhaustedError } from '../models/chainExhaustedError';
import { expectedOutputTokens } from '../models/expectedOutputTokens';
import { inputParts, type InputParts } from '../models/inputParts';
import type { LedgerRecord } from '../models/ledgerRecord';
import type { ChatRequest, ModelProvider, ProviderKind } from '../models/modelProvider';
import type { ModelRouter } from '../models/modelRouter';
import { validUsage } from '../models/validUsage';
import { priceCall } from '../models/priceCall';
import { ProviderError } from '../models/providerError';
import { providerStop, stopProvider } from '../models/providerStops';
import { stopOutcomeOf } from '../models/stopOutcome';
import { expectedOutputWithThinking, outputCapFor } from '../models/thinkingAllowance';
import type { Role } from './phaseId';
import { stablePrefixChars } from './stablePrefix';
import type { ModelSession as ModelSessionApi, SessionRequest, SessionResult } from './phaseContext';
import { stamp, type EventSink } from './pipelineEvent';
import { runsLocally } from '../models/runsLocally';
import { StreamMeter } from './streamMeter';

/** What a session needs; built by the runner for one ticket. */
export interface ModelSessionOptions {
  ticketId: string;
  config: ShipwrightConfig;
  router: ModelRouter;
  providers: Record<ProviderKind, ModelProvider>;
  /** Renders a prompt file into its stable system part and its per-call user part. */
  render: (prompt: string, vars: Record<string, string>) => { system: string; user: string };
  /** USD the ticket has spent so far (ledger total). */
  spentUsd: () => number;
  /** Persists one billed call (run state + ledger) before the session goes on. */
  record: (rec: LedgerRecord) => Promise<void>;
  emit: EventSink;
  signal: AbortSignal;
  /** The user's limits across tickets, checked after the ticket's own budget. @throws SpendLimitError */
  beforeCall?: (estimateUsd: number) => Promise<void>;
}

/**
 * One structured model call per `run`, with the router's fall-through: a provider error moves to the next model
 * of the role's chain and is recorded in the next call's `why`. Stop reasons are outcomes: an answer cut at the
 * output cap is retried once with twice the cap (up to the model's ceiling), then moves on; a refusal moves on
 * with its category in the next `why`; a billing error stops every model of that provider for the rest of the run. The budget is checked against an estimate before
 * every call (spent + estimated input × input price + expected output × output price); usage is recorded from
 * the provider's own fields after it. The answer is JSON-parsed and zod-checked; a mismatch is an objection.
 */
export class ModelSession implements ModelSessionApi {
  constructor(private readonly o: ModelSessionOptions) {}

  chainLength(role: Role): number {
    return this.o.router.chain(role).length;
  }

  peek(role: Role, chainIndex: number): { modelKey: string; model: string } {
    // With every model ruled out, the first skipped one is named; `run` then fails with why each was ruled out.
    const m = this.o.router.from(role, chainIndex)[0] ?? this.o.router.skipped(role)[0];
    return { modelKey: m.key, model: this.o.config.models[m.key]?.model ?? m.key };
  }

  async run<T>(req: SessionRequest<T>): Promise<SessionResult<T>> {
    const { system, user } = this.o.render(req.prompt, req.vars);
    const jsonSchema = jsonSchemaFor(req.schema);
    const failures: { modelKey: string; error: ProviderError }[] = [];
    const served = this.o.router.from(req.role, req.chainIndex);
    if (served.length === 0) {
      // Every model was ruled out before the run (no key, server down, not pulled): nothing is sent, the reasons are said.
      const ruled = this.o.router.skipped(req.role).map((s) => ({ modelKey: s.key, error: new ProviderError(s.reason, `ruled out before the run: ${s.message}`, { provider: this.o.config.models[s.key]?.provider ?? 'unknown', model: this.o.config.models[s.key]?.model ?? s.key }) }));
      throw new ChainExhaustedError(req.role, ruled);
    }
    const warn = (message: string) => this.o.emit(stamp({ type: 'log', ticketId: this.o.ticketId, level: 'warn', role: req.role, message }));
    let parts: InputParts | undefined;
    let stable: number | undefined;
    models: for (const m of served) {
      if (this.o.signal.aborted) throw new ProviderError('cancelled', 'the run was cancelled', { provider: m.spec.provider, model: m.spec.model });
      const stop = providerStop(this.o.signal, m.spec.provider);
      if (stop) {
        failures.push({ modelKey: m.key, error: stop });
        continue;
      }
      const provider = this.o.providers[m.spec.provider];
      const capabilities = capabilitiesOf(m.spec);
      const effort = effortFor(capabilities, this.o.config.effort[req.role]);
      const chat: ChatRequest = {
        model: m.spec.model,
        system,
        messages: [{ role: 'user', content: user }],
        schema: { name: req.schemaName, description: `The ${req.schemaName} deliverable`, jsonSchema },
        maxOutputTokens: outputCapFor(m.spec, capabilities),
        capabilities,
        effort,
        timeoutMs: this.o.config.callTimeoutMs,
        signal: this.o.signal,
        spec: m.spec,
        cache: cacheFor(req.cache, m.spec.price, () => (stable ??= stablePrefixChars(this.o.render, req.prompt, req.vars, user))),
      };
      const why = failures.length
        ? `fallback: ${failures.map((f) => `${f.modelKey} ${f.error.reason}${f.error.details.code ? ` (${f.error.details.code})` : ''}`).join(', ')}`
        : (req.reason ?? this.o.router.baseReason(req.role, m));

      // One call, and at most one more with a larger cap when the answer was cut at the output cap.
      for (let raised = false; ; raised = true) {
        const estimatedInput = await provider.estimateInputTokens(chat);
        const estimateUsd = priceCall(m.spec.price, {
          inputTokens: estimatedInput,
          // Thinking is billed as output: the estimate carries the allowance for this model and effort. The expected
          // sizes are o200k counts; the model's tokenizer may give more for the same text (tokensPerO200k).
          outputTokens: expectedOutputWithThinking(m.spec, this.o.config.effort[req.role], Math.round(expectedOutputTokens[req.role] * capabilities.tokensPerO200k)),
          cacheWriteTokens: 0,
          cacheReadTokens: 0,
        });
        const spent = this.o.spentUsd();
        if (spent + estimateUsd > this.o.config.budgetUsd) throw new BudgetExceededError(spent, estimateUsd, this.o.config.budgetUsd);
        await this.o.beforeCall?.(estimateUsd);

        let result;
        try {
          // Progress of this call, throttled by the meter: a streamed answer shows as it grows.
          const meter = new StreamMeter((r) => this.o.emit(stamp({ type: 'progress', ticketId: this.o.ticketId, phase: req.phase, role: req.role, attempt: req.attempt, modelKey: m.key, ...r })));
          result = await provider.chat({ ...chat, onOutput: (text) => meter.take(text) });
        } catch (e) {
          if (!(ProviderError.is(e) && e.fallsThrough)) throw e;
          failures.push({ modelKey: m.key, error: e });
          if (e.reason === 'billing' && stopProvider(this.o.signal, m.spec.provider, e)) {
            warn(`${m.spec.provider} is stopped for the rest of this run: ${e.message}${e.details.code ? ` (${e.details.code})` : ''}. No other ${m.spec.provider} model will be tried; fix the billing or spend limit, then resume.`);
          } else warn(`${m.key} (${m.spec.model}) failed: ${e.reason}: ${e.message}`);
          continue models;
        }

        // Usage is the provider's word, but checked: a negative or absurd count is billed as 0 and said.
        const checked = validUsage(result.usage);
        if (checked.problems.length > 0) warn(`${m.key} (${m.spec.model}) reported impossible usage (${checked.problems.join(', ')}); counted as 0`);
        const rec: LedgerRecord = {
          ticketId: this.o.ticketId,
          phase: req.role === 'validation' ? 'validation' : req.phase,
          attempt: req.attempt,
          provider: m.spec.provider,
          local: runsLocally(m.spec),
          modelKey: m.key,
          model: m.spec.model,
          why: raised ? `${why}; retried with max output ${chat.maxOutputTokens} after the answer was cut` : why,
          usage: checked.usage,
          usd: priceCall(m.spec.price, checked.usage),
          latencyMs: result.latencyMs,
          at: new Date().toISOString(),
          // Counted once per request, only for calls that are billed (the split is the same on every model).
          inputParts: (parts ??= inputParts({ system, user }, req.vars, JSON.stringify(jsonSchema))),
        };
        await this.o.record(rec);

        const outcome = stopOutcomeOf(result);
        const who = { provider: m.spec.provider, model: m.spec.model };
        if (outcome.kind === 'cut') {
          const larger = Math.min(chat.maxOutputTokens * 2, capabilities.maxOutputTokens);
          if (!raised && larger > chat.maxOutputTokens) {
            warn(`${m.key} (${m.spec.model}): the answer was cut at ${chat.maxOutputTokens} output tokens; retrying once with ${larger}`);
            chat.maxOutputTokens = larger;
            continue;
          }
          failures.push({ modelKey: m.key, error: new ProviderError('truncated', `the answer was cut at the output cap of ${chat.maxOutputTokens} tokens`, who) });
          warn(`${m.key} (${m.spec.model}): the answer was cut again at ${chat.maxOutputTokens} output tokens; moving on`);
          continue models;
        }
        if (outcome.kind === 'refused' || outcome.kind === 'contextExceeded') {
          const error = outcome.kind === 'refused'
            ? new ProviderError('refused', `the model declined${outcome.category ? ` (${outcome.category})` : ''}`, { ...who, code: outcome.category })
            : new ProviderError('contextOverflow', 'the prompt exceeded the model\'s context window', who);
          failures.push({ modelKey: m.key, error });
          warn(`${m.key} (${m.spec.model}): ${error.message}; moving on`);
          continue models;
        }

        const base = { modelKey: m.key, model: m.spec.model, chainIndex: m.index, why };
        // An answer is at most its output-token cap; ~4 bytes a token, 16 allows any tokenizer. Bigger is not an answer.
        const maxBytes = chat.maxOutputTokens * 16;
        if (Buffer.byteLength(result.content, 'utf8') > maxBytes) {
          const message = `the answer is ${Buffer.byteLength(result.content, 'utf8')} bytes, more than ${maxBytes} (its output cap of ${chat.maxOutputTokens} tokens allows); answer within the schema`;
          return { ok: false, objection: { source: 'schema', message }, raw: result.content.slice(0, 2_000), ...base };
        }
        const parsed = parseDeliverable(result.content, req.schema, req.schemaName);
        return parsed.ok ? { ok: true, value: parsed.value, ...base } : { ok: false, objection: parsed.objection, raw: result.content, ...base };
      }
    }
    throw new ChainExhaustedError(req.role, failures);
  }
}

/**
 * The provider's cache placement for a request's `cache` on a model with `price` (see cacheLifetime): the stable
 * start of the user message (and the system block before it) when its retries pay for it; else the system block
 * alone (`stablePrefixChars` 0) when other calls of the run share it (`systemSharers`: the other phases' validators,
 * the other code steps) — the first writes it, the rest read it, and a reader must mark it too; else nothing.
 */
function cacheFor(cache: SessionRequest<unknown>['cache'], price: Price, stable: () => number): ChatRequest['cache'] {
  if (cache === undefined) return { stablePrefixChars: stable() };
  if (cache === 'none') return 'none';
  const lifetime = cacheLifetime(price, cache.gapMs, cache.readers, cache.retryProbability);
  if (lifetime !== 'none') return { stablePrefixChars: stable(), ...(lifetime === '1h' ? { ttl: '1h' as const } : {}) };
  const shared = cacheLifetime(price, cache.gapMs, cache.systemSharers ?? 0);
  return shared === 'none' ? 'none' : { stablePrefixChars: 0, ...(shared === '1h' ? { ttl: '1h' as const } : {}) };
}

/** JSON-parses and zod-checks a model's answer; every failure is a `schema` objection the model can act on. */
function parseDeliverable<T>(
  content: string,
  schema: z.ZodType<T>,
  schemaName: string,
): { ok: true; value: T } | { ok: false; objection: { source: 'schema'; message: string } } {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch (e) {
    const preview = content.length > 200 ? `${content.slice(0, 200)}…` : content;
    return { ok: false, objection: { source: 'schema', message: `the answer was not JSON (${(e as Error).message}); it began: ${JSON.stringify(preview)}` } };
  }
  const r = schema.safeParse(json);
  if (r.success) return { ok: true, value: r.data };
  return { ok: false, objection: { source: 'schema', message: `the answer does not match the ${schemaName} schema:\n${z.prettifyError(r.error)}` } };
}
