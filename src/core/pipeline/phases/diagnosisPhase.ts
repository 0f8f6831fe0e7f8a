import { Diagnosis } from '../../deliverables/diagnosis';
import { renderDeliverable } from '../../deliverables/renderMarkdown';
import { codeContextFor, moreFilesFor } from '../codeContextFor';
import type { PhaseContext } from '../phaseContext';
import { repoMapFor } from '../repoMapFor';
import type { PhaseOutcome } from '../phaseOutcome';
import { ticketAsMarkdown } from '../ticketAsMarkdown';
import { runValidatedPhase } from '../validatedPhase';

/**
 * Hotfix diagnosis: the bug report, the repository map, the test set-up and the code most relevant to the report
 * (see codeContextFor; the model may ask once for more files) → root cause and the failing test that reproduces
 * it. A diagnosis that concludes the bug does not reproduce (`notReproduced`, with its evidence) ends the ticket
 * in `needs-human` with that evidence, for a person to confirm or to say more — not `failed`.
 */
export async function diagnosisPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const ticket = ticketAsMarkdown(ctx.ticket);
  const repoMap = await repoMapFor(ctx, 'diagnosis');
  const { code } = await codeContextFor(ctx);
  const outcome = await runValidatedPhase(ctx, {
    phase: 'diagnosis',
    prompt: 'diagnosis',
    schema: Diagnosis,
    schemaName: 'Diagnosis',
    vars: { ticket, repoMap, code },
    moreFiles: moreFilesFor(ctx),
    previous: { name: 'bug report', markdown: ticket },
    render: (v) => renderDeliverable('diagnosis', v),
  });
  if (outcome.status !== 'done') return outcome;
  const evidence = Diagnosis.parse(outcome.deliverable).notReproduced.trim();
  if (evidence === '') return outcome;
  return {
    status: 'needs-human',
    summary: {
      ticketId: ctx.ticket.id,
      phase: 'diagnosis',
      attempts: ctx.progress.attempts.map((a) => ({ attempt: a.attempt, modelKey: a.modelKey, model: a.model, objections: a.objections })),
      openObjections: [{ source: 'validator', message: `the bug does not reproduce: ${evidence}` }],
      text: `The diagnosis concludes that the reported bug does not reproduce. Evidence: ${evidence}\n\nIf it does happen, add how to reproduce it to the ticket (inputs, version, steps) and resume, or retry with another model.`,
    },
  };
}
