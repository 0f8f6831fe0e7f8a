import type { z } from 'zod';
import { ChainExhaustedError } from '../models/chainExhaustedError';
import { routeFor } from '../ticket/route';
import { buildHandoff } from './buildHandoff';
import { formatObjections } from './formatObjections';
import type { Objection } from './objection';
import type { PhaseContext } from './phaseContext';
import type { PhaseId } from './phaseId';
import type { PhaseOutcome } from './phaseOutcome';
import { stamp } from './pipelineEvent';
import type { AttemptRecord } from './runState';
import { validateDeliverable } from './validateDeliverable';

/** A phase whose deliverable is one structured answer checked by the validator. */
export interface ValidatedPhaseSpec<T> {
  phase: PhaseId;
  /** Prompt file name (prompts/<prompt>.md). */
  prompt: string;
  schema: z.ZodType<T>;
  schemaName: string;
  /** Prompt variables; `objections` is added here (every earlier attempt's objections). */
  vars: Record<string, string>;
  /** What the validator checks the deliverable against; a function when it depends on the deliverable (review). */
  previous: { name: string; markdown: string } | ((value: T) => { name: string; markdown: string });
  /** Markdown for people (approval, the branch's `.shipwright/` file, later phases); the validator's too unless `judged`. */
  render: (value: T) => string;
  /** What the validator reads of the deliverable, when less than `render` suffices to judge it (see specBrief), and the names of those sections (told to the validator). */
  judged?: { sections: string; text: (value: T) => string };
  /** Mechanical checks that need no model (e.g. dependency keys exist); objections skip the validator call. */
  check?: (value: T) => Objection[] | Promise<Objection[]>;
  /**
   * Whether a validator model judges a deliverable that passed `check` (default: always). When false, the checks
   * are the phase's validator (config.modelValidation: planning by default, review's approvals).
   */
  modelJudges?: (value: T) => boolean;
  /**
   * More code on request, once per phase run: when an answer names files in `needFiles`, it is set aside (not
   * validated, not counted as an attempt) and the phase is asked again with `read(paths)` as the `code` variable.
   */
  moreFiles?: { needFiles: (value: T) => readonly string[]; read: (paths: string[]) => Promise<string> };
}

/** Files a phase may ask for at once (as implementation's needFiles). */
const MAX_NEED_FILES = 8;

/**
 * The validator loop. Attempts run on one model until `config.attemptCap`; each retry's prompt carries the
 * objections of every earlier attempt. At the cap the phase escalates once to the next model of its chain for
 * `config.escalationAttempts` more; if those fail too, the outcome is `needs-human` with a handoff summary. When no
 * model of the chain can be used any more (ChainExhaustedError: no key, unreachable, billing) the outcome is also
 * `needs-human`, the summary leading with why — never a failed ticket.
 * Provider errors fall through the chain inside the session, and the loop stays on the model that answered.
 * Resumes from `ctx.progress.attempts` after a crash. A deliverable of a checkpoint phase waits for a person.
 */
export async function runValidatedPhase<T>(ctx: PhaseContext, spec: ValidatedPhaseSpec<T>): Promise<PhaseOutcome> {
  const attempts: AttemptRecord[] = [...ctx.progress.attempts];
  try {
    return await validatorLoop(ctx, spec, attempts);
  } catch (e) {
    // No model left that can be used (no key, unreachable, billing…): the work so far goes to a person with the
    // reason, instead of a failed ticket. Fixing the cause (a key, Ollama) and `resume` continue from here.
    if (!(e instanceof ChainExhaustedError)) throw e;
    const why = e.failures.map((f) => `${f.modelKey} (${f.error.details.model}) could not be used — ${f.error.reason}: ${f.error.message}`).join('; ');
    ctx.emit(stamp({ type: 'log', ticketId: ctx.ticket.id, level: 'warn', role: spec.phase, message: `${spec.phase}: ${why}` }));
    return { status: 'needs-human', summary: buildHandoff(ctx.ticket.id, spec.phase, attempts, why) };
  }
}

/**
 * Other phases of the ticket's route that a validator model is expected to check: all but implementation and
 * ciFix (tests judge them), planning unless config.modelValidation says `always`, and review unless it says
 * `always` (by default only a report asking for changes is read by a model, and most approve).
 */
function otherValidators(ctx: PhaseContext, phase: PhaseId): number {
  const mv = ctx.config.modelValidation;
  return routeFor(ctx.ticket.kind).filter((p) => p !== phase && p !== 'implementation' && p !== 'ciFix' && !(p === 'planning' && mv.planning !== 'always') && !(p === 'review' && mv.review !== 'always')).length;
}

async function validatorLoop<T>(ctx: PhaseContext, spec: ValidatedPhaseSpec<T>, attempts: AttemptRecord[]): Promise<PhaseOutcome> {
  const counted = attempts.slice(ctx.progress.countFrom);
  const last = counted[counted.length - 1];
  let chainIndex = last?.chainIndex ?? 0;
  let escalated = counted.some((a) => a.escalated);
  let onLevel = counted.filter((a) => a.escalated === escalated).length;
  let reason: string | undefined;
  // Only the first attempt of a run that picks up earlier attempts is a resume; later ones stay on the model
  // that answered (after a fall-through, too).
  let resumed = attempts.length > 0;
  let vars = spec.vars;
  let askedForFiles = false;
  // Time between the starts of the last two attempts, ms: how long a retry comes after its attempt (the validator,
  // a person at a checkpoint), which decides the cache lifetime of the next attempt.
  let lastStart: number | undefined;
  let gapMs = 0;

  for (;;) {
    const levelCap = escalated ? ctx.config.escalationAttempts : ctx.config.attemptCap;
    if (onLevel >= levelCap) {
      const chainLength = ctx.session.chainLength(spec.phase);
      if (!escalated && chainIndex + 1 < chainLength && ctx.config.escalationAttempts > 0) {
        const from = attempts[attempts.length - 1]?.modelKey ?? 'the first model';
        escalated = true;
        chainIndex += 1;
        onLevel = 0;
        reason = `escalated: ${ctx.config.attemptCap} attempts on ${from} were objected to`;
        ctx.emit(stamp({ type: 'log', ticketId: ctx.ticket.id, level: 'warn', role: spec.phase, message: `${spec.phase}: ${reason}` }));
        continue;
      }
      const summary = buildHandoff(ctx.ticket.id, spec.phase, attempts);
      return { status: 'needs-human', summary };
    }

    const n = attempts.length + 1;
    // The phase's first attempt: what RetryRate counts, and the one call whose reader is uncertain.
    const firstHere = attempts.length === 0;
    const planned = ctx.session.peek(spec.phase, chainIndex);
    ctx.emit(stamp({ type: 'phaseStarted', ticketId: ctx.ticket.id, phase: spec.phase, attempt: n, ...planned, why: reason ?? (resumed ? `resumed on position ${chainIndex + 1} of the chain` : chainIndex === 0 ? `first in the ${spec.phase} chain` : `position ${chainIndex + 1} of the chain`) }));
    resumed = false;
    const started = Date.now();
    if (lastStart !== undefined) gapMs = started - lastStart;
    lastStart = started;
    const res = await ctx.session.run({
      role: spec.phase,
      phase: spec.phase,
      attempt: n,
      chainIndex,
      reason,
      prompt: spec.prompt,
      vars: { ...vars, objections: formatObjections(attempts) },
      schema: spec.schema,
      schemaName: spec.schemaName,
      // The last attempt on this model: what follows is another model (escalation) or a person, and neither reads
      // this model's cache within its lifetime, so writing one would only cost. Before it, the retries left may read.
      // A first attempt's cache is read only if it is objected to: weighed by how often that happens here (RetryRate).
      cache: onLevel + 1 >= levelCap ? 'none' : { gapMs, readers: levelCap - onLevel - 1, retryProbability: firstHere ? ctx.retryRate.probability('validated') : 1 },
    });
    chainIndex = res.chainIndex;
    const wanted = res.ok ? (spec.moreFiles?.needFiles(res.value) ?? []) : [];
    if (spec.moreFiles !== undefined && wanted.length > 0 && !askedForFiles) {
      askedForFiles = true;
      const paths = [...wanted].slice(0, MAX_NEED_FILES);
      ctx.emit(stamp({ type: 'log', ticketId: ctx.ticket.id, level: 'info', role: spec.phase, message: `${spec.phase}: the model asked for ${paths.join(', ')}` }));
      vars = { ...vars, code: await spec.moreFiles.read(paths) };
      resumed = false;
      continue;
    }

    let objections: Objection[];
    let markdown = '';
    // False when the mechanical checks alone decided (they objected, or no model judges this deliverable).
    let judgedByModel = false;
    // True when a person at a checkpoint approved or rejected this attempt.
    let judgedByPerson = false;
    if (!res.ok) objections = [res.objection];
    else {
      markdown = spec.render(res.value);
      objections = (await spec.check?.(res.value)) ?? [];
      judgedByModel = objections.length === 0 && (spec.modelJudges?.(res.value) ?? true);
      if (judgedByModel) {
        const previous = typeof spec.previous === 'function' ? spec.previous(res.value) : spec.previous;
        // The validator's stable start (its input) is read by the validator of the next attempt, if there is one and
        // the input does not depend on the deliverable (review's does: the hunks its findings name).
        // The other phases' validators share its system prompt and schema (same model, soon): see otherValidators.
        const validatorCache = { gapMs, readers: onLevel + 1 >= levelCap || typeof spec.previous === 'function' ? 0 : levelCap - onLevel - 1, retryProbability: firstHere ? ctx.retryRate.probability('validated') : 1, systemSharers: otherValidators(ctx, spec.phase) };
        objections = await validateDeliverable(ctx, { phase: spec.phase, attempt: n, previous, markdown: spec.judged ? spec.judged.text(res.value) : markdown, shown: spec.judged?.sections, earlier: attempts, cache: validatorCache });
      }
      if (objections.length === 0 && ctx.config.checkpoints.includes(spec.phase)) {
        ctx.emit(stamp({ type: 'stateChanged', ticketId: ctx.ticket.id, state: 'awaiting-approval', reason: `checkpoint: ${spec.phase} waits for approval` }));
        const d = await ctx.approvals.approveDeliverable({ ticketId: ctx.ticket.id, phase: spec.phase, markdown });
        judgedByPerson = true;
        ctx.emit(stamp({ type: 'stateChanged', ticketId: ctx.ticket.id, state: 'running', reason: `checkpoint: ${spec.phase} ${d.decision === 'approve' ? 'approved' : 'rejected'}` }));
        if (d.decision === 'reject') objections = [{ source: 'human', message: d.reason }];
      }
    }
    const accepted = objections.length === 0;
    ctx.emit(stamp({ type: 'validatorVerdict', ticketId: ctx.ticket.id, phase: spec.phase, attempt: n, pass: accepted, objections, ...(res.ok && !judgedByModel && !judgedByPerson ? { judge: 'checks' as const } : {}) }));
    const rec: AttemptRecord = { attempt: n, modelKey: res.modelKey, model: res.model, why: res.why, objections, accepted, chainIndex, escalated, ...(res.ok && !accepted ? { draft: res.value } : {}) };
    await ctx.progress.recordAttempt(rec);
    // Counted once the attempt is stored: a run killed before that retries the attempt and counts it then.
    if (firstHere) await ctx.retryRate.record('validated', !accepted);
    attempts.push(rec);
    onLevel += 1;
    reason = undefined;
    if (accepted && res.ok) return { status: 'done', deliverable: res.value, markdown };
  }
}
