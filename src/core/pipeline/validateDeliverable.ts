import { Verdict } from '../deliverables/verdict';
import { formatObjections } from './formatObjections';
import type { Objection } from './objection';
import type { PhaseContext, SessionRequest } from './phaseContext';
import type { PhaseId } from './phaseId';
import type { AttemptRecord } from './runState';

/**
 * Asks the validator (the `validation` chain, cheapest model first) whether `markdown` meets `previous`.
 * Returns the objections; an empty list is a pass. A validator answer that does not fit the Verdict schema is
 * retried once on the next validation model; if that fails too, it is an objection (the deliverable is not
 * accepted unchecked). `shown`: the sections of the deliverable given, when not all of it. `cache`: how the validator's prompt may be cached (as the phase's own call; default 5 minutes).
 */
export async function validateDeliverable(
  ctx: PhaseContext,
  args: { phase: PhaseId; attempt: number; previous: { name: string; markdown: string }; markdown: string; shown?: string; earlier: readonly AttemptRecord[]; cache?: SessionRequest<unknown>['cache'] },
): Promise<Objection[]> {
  const vars = {
    phase: args.phase,
    previousName: args.previous.name,
    previous: args.previous.markdown,
    deliverable: args.markdown,
    // Named in the deliverable's tag when the validator reads only some sections (see ValidatedPhaseSpec.judged).
    shown: args.shown === undefined ? '' : ` shown="${args.shown}"`,
    earlierObjections: formatObjections(args.earlier),
  };
  let chainIndex = 0;
  for (;;) {
    const v = await ctx.session.run({
      role: 'validation', phase: args.phase, attempt: args.attempt, chainIndex, prompt: 'validation', vars, schema: Verdict, schemaName: 'Verdict', cache: args.cache,
    });
    if (v.ok) {
      if (v.value.pass) return [];
      const objections = v.value.objections.map((o) => ({ source: 'validator' as const, message: o.message, where: o.where }));
      return objections.length ? objections : [{ source: 'validator', message: 'the validator failed the deliverable without giving a reason' }];
    }
    if (v.chainIndex + 1 >= ctx.session.chainLength('validation') || chainIndex > 0) {
      return [{ source: 'validator', message: `the validator's answer was unusable, so the deliverable could not be checked: ${v.objection.message}` }];
    }
    chainIndex = v.chainIndex + 1;
  }
}
