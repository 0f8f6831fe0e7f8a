import { Diagnosis } from '../../deliverables/diagnosis';
import { renderDeliverable } from '../../deliverables/renderMarkdown';
import type { PhaseContext } from '../phaseContext';
import { repoMapFor } from '../repoMapFor';
import type { PhaseOutcome } from '../phaseOutcome';
import { ticketAsMarkdown } from '../ticketAsMarkdown';
import { runValidatedPhase } from '../validatedPhase';

/** Hotfix diagnosis: the bug report (and the repository map) → root cause and the failing test that reproduces it. */
export async function diagnosisPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const ticket = ticketAsMarkdown(ctx.ticket);
  const repoMap = await repoMapFor(ctx, 'diagnosis');
  return runValidatedPhase(ctx, {
    phase: 'diagnosis',
    prompt: 'diagnosis',
    schema: Diagnosis,
    schemaName: 'Diagnosis',
    vars: { ticket, repoMap, files: '(none yet: name the files you suspect in suspectFiles)' },
    previous: { name: 'bug report', markdown: ticket },
    render: (v) => renderDeliverable('diagnosis', v),
  });
}
