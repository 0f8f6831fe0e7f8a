import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Span, type Tracer } from '@opentelemetry/api';
import {
  ATTR_GEN_AI_OPERATION_NAME, ATTR_GEN_AI_PROVIDER_NAME, ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, ATTR_GEN_AI_USAGE_INPUT_TOKENS, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
} from '@opentelemetry/semantic-conventions/incubating';
import type { LedgerRecord } from '../models/ledgerRecord';
import { promptTokens } from '../models/usage';
import type { PhaseId } from '../pipeline/phaseId';
import type { PipelineEvent } from '../pipeline/pipelineEvent';
import { stoppedStates } from '../pipeline/ticketState';

/** Shipwright's own span attributes, beside the GenAI semantic conventions. */
export const SHIPWRIGHT_ATTR = {
  ticketId: 'shipwright.ticket.id',
  ticketKind: 'shipwright.ticket.kind',
  ticketTitle: 'shipwright.ticket.title',
  parentTicket: 'shipwright.ticket.parent_id',
  state: 'shipwright.ticket.state',
  phase: 'shipwright.phase',
  attempt: 'shipwright.attempt',
  modelKey: 'shipwright.model.key',
  plannedModelKey: 'shipwright.planned_model.key',
  plannedModel: 'shipwright.planned_model',
  why: 'shipwright.why',
  usd: 'shipwright.cost.usd',
  ticketUsd: 'shipwright.ticket.cost.usd',
} as const;

interface PhaseSpans {
  span: Span;
  attempts: Map<number, Span>;
  current?: number;
}

interface TicketSpans {
  root: Span;
  phases: Map<PhaseId, PhaseSpans>;
  /** The phase of the latest `phaseStarted`: validation calls belong to it. */
  currentPhase?: PhaseId;
}

const when = (iso: string): Date => new Date(iso);

/**
 * Turns the engine's event stream into OpenTelemetry spans: each ticket a trace (root span `ticket <id>`), each
 * phase a child span, each attempt a child of its phase, each billed model call a `chat <model>` CLIENT span under
 * its attempt with the GenAI semantic conventions (`gen_ai.operation.name`, `gen_ai.provider.name`,
 * `gen_ai.request.model`, `gen_ai.usage.input_tokens` — the whole prompt, cached tokens included, as the convention
 * asks — `gen_ai.usage.output_tokens`, `gen_ai.usage.cache_read.input_tokens`,
 * `gen_ai.usage.cache_creation.input_tokens`) plus {@link SHIPWRIGHT_ATTR} (phase, attempt, why, USD).
 * Times are the events' own (`at`); a call starts `latencyMs` before its usage event. A ticket's spans end when
 * it reaches a stopping state. Resumed tickets start a new trace.
 */
export class TicketTracer {
  private readonly tickets = new Map<string, TicketSpans>();

  constructor(private readonly tracer: Tracer) {}

  /** Feeds one event (an {@link EventSink}). */
  onEvent(e: PipelineEvent): void {
    const t = this.ticket(e);
    switch (e.type) {
      case 'ticketStarted':
        t.root.setAttributes({ [SHIPWRIGHT_ATTR.ticketKind]: e.kind, [SHIPWRIGHT_ATTR.ticketTitle]: e.title, ...(e.parentId ? { [SHIPWRIGHT_ATTR.parentTicket]: e.parentId } : {}) });
        break;
      case 'phaseStarted': {
        const p = this.phase(t, e.phase, e.at);
        if (p.current !== undefined) {
          p.attempts.get(p.current)?.end(when(e.at));
          p.attempts.delete(p.current);
        }
        const span = this.tracer.startSpan(`attempt ${e.attempt}`, {
          startTime: when(e.at),
          // The model the router planned; a fall-through shows on the chat spans below, so no gen_ai.* here.
          attributes: { [SHIPWRIGHT_ATTR.phase]: e.phase, [SHIPWRIGHT_ATTR.attempt]: e.attempt, [SHIPWRIGHT_ATTR.plannedModelKey]: e.modelKey, [SHIPWRIGHT_ATTR.plannedModel]: e.model, [SHIPWRIGHT_ATTR.why]: e.why },
        }, trace.setSpan(context.active(), p.span));
        p.attempts.set(e.attempt, span);
        p.current = e.attempt;
        t.currentPhase = e.phase;
        break;
      }
      case 'usage':
        this.modelCall(t, e.record);
        t.root.setAttribute(SHIPWRIGHT_ATTR.ticketUsd, e.ticketUsd);
        break;
      case 'validatorVerdict':
        this.openSpanOf(t, e.phase).addEvent('validator verdict', { pass: e.pass, objections: e.objections.length, ...(e.judge ? { judge: e.judge } : {}) }, when(e.at));
        break;
      case 'testRun':
        this.openSpanOf(t, e.phase).addEvent('test run', { expect: e.expect, passed: e.passed, exit_code: e.exitCode ?? -1, timed_out: e.timedOut }, when(e.at));
        break;
      case 'phaseFinished': {
        const p = t.phases.get(e.phase);
        if (!p) break;
        for (const a of p.attempts.values()) a.end(when(e.at));
        p.span.setAttribute('shipwright.attempts', e.attempts);
        p.span.end(when(e.at));
        t.phases.delete(e.phase);
        break;
      }
      case 'handoff':
        t.root.addEvent('handoff to a person', { phase: e.summary.phase }, when(e.at));
        break;
      case 'log':
        if (e.level !== 'info') t.root.addEvent(e.message, { level: e.level }, when(e.at));
        break;
      case 'stateChanged':
        t.root.setAttribute(SHIPWRIGHT_ATTR.state, e.state);
        if (stoppedStates.includes(e.state)) this.end(e.ticketId, t, e.state, e.reason, when(e.at));
        break;
      case 'costWarning':
        t.root.addEvent('cost warning', { usd: e.usd, median_usd: e.medianUsd, multiple: e.multiple }, when(e.at));
        break;
      case 'childTickets':
      case 'filesChanged':
      case 'progress':
        break;
    }
  }

  /** Ends every open span (e.g. when the process exits with tickets still running). */
  endAll(): void {
    for (const [id, t] of this.tickets) this.end(id, t, 'running', 'the process stopped', new Date());
  }

  private ticket(e: PipelineEvent): TicketSpans {
    let t = this.tickets.get(e.ticketId);
    if (!t) {
      const root = this.tracer.startSpan(`ticket ${e.ticketId}`, { startTime: when(e.at), attributes: { [SHIPWRIGHT_ATTR.ticketId]: e.ticketId, ...(e.type === 'ticketStarted' ? {} : { 'shipwright.resumed': true }) } });
      t = { root, phases: new Map() };
      this.tickets.set(e.ticketId, t);
    }
    return t;
  }

  private phase(t: TicketSpans, phase: PhaseId, at: string): PhaseSpans {
    let p = t.phases.get(phase);
    if (!p) {
      p = { span: this.tracer.startSpan(`phase ${phase}`, { startTime: when(at), attributes: { [SHIPWRIGHT_ATTR.phase]: phase } }, trace.setSpan(context.active(), t.root)), attempts: new Map() };
      t.phases.set(phase, p);
    }
    return p;
  }

  /** The innermost open span of a phase: its current attempt, else the phase, else the ticket. */
  private openSpanOf(t: TicketSpans, phase: PhaseId | undefined): Span {
    const p = phase ? t.phases.get(phase) : undefined;
    return (p?.current !== undefined ? p.attempts.get(p.current) : undefined) ?? p?.span ?? t.root;
  }

  private modelCall(t: TicketSpans, r: LedgerRecord): void {
    const end = when(r.at);
    const phase = r.phase === 'validation' ? t.currentPhase : r.phase;
    const attributes: Attributes = {
      [ATTR_GEN_AI_OPERATION_NAME]: 'chat',
      [ATTR_GEN_AI_PROVIDER_NAME]: r.provider,
      [ATTR_GEN_AI_REQUEST_MODEL]: r.model,
      [ATTR_GEN_AI_USAGE_INPUT_TOKENS]: promptTokens(r.usage),
      [ATTR_GEN_AI_USAGE_OUTPUT_TOKENS]: r.usage.outputTokens,
      [ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS]: r.usage.cacheReadTokens,
      [ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS]: r.usage.cacheWriteTokens,
      [SHIPWRIGHT_ATTR.phase]: r.phase,
      [SHIPWRIGHT_ATTR.attempt]: r.attempt,
      [SHIPWRIGHT_ATTR.modelKey]: r.modelKey,
      [SHIPWRIGHT_ATTR.why]: r.why,
      [SHIPWRIGHT_ATTR.usd]: r.usd,
    };
    const span = this.tracer.startSpan(`chat ${r.model}`, { kind: SpanKind.CLIENT, startTime: new Date(end.getTime() - r.latencyMs), attributes }, trace.setSpan(context.active(), this.openSpanOf(t, phase)));
    span.end(end);
  }

  private end(id: string, t: TicketSpans, state: string, reason: string, at: Date): void {
    for (const p of t.phases.values()) {
      for (const a of p.attempts.values()) a.end(at);
      p.span.end(at);
    }
    if (state === 'failed') t.root.setStatus({ code: SpanStatusCode.ERROR, message: reason });
    else if (state === 'ready' || state === 'done') t.root.setStatus({ code: SpanStatusCode.OK });
    t.root.setAttribute(SHIPWRIGHT_ATTR.state, state);
    t.root.end(at);
    this.tickets.delete(id);
  }
}
