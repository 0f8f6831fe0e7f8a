import type { z } from 'zod';
import { renderDeliverable, schemaFor } from '../deliverables/renderMarkdown';
import type { PhaseId } from '../pipeline/phaseId';

/** A phase's deliverable schema (as a plain zod type) and its markdown renderer, for a person's edited deliverable. */
export function schemaForPhase(phase: PhaseId): { schema: z.ZodType<unknown>; render: (v: unknown) => string } {
  return { schema: schemaFor(phase).schema, render: (v) => renderDeliverable(phase, v) };
}
