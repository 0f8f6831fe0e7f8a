import type { PhaseId } from '../pipeline/phaseId';
import { ciFixPhase } from '../pipeline/phases/ciFixPhase';
import { diagnosisPhase } from '../pipeline/phases/diagnosisPhase';
import { discoveryPhase } from '../pipeline/phases/discoveryPhase';
import { implementationPhase } from '../pipeline/phases/implementationPhase';
import { planningPhase } from '../pipeline/phases/planningPhase';
import { reviewPhase } from '../pipeline/phases/reviewPhase';
import { splitPhase } from '../pipeline/phases/splitPhase';
import { techSpecPhase } from '../pipeline/phases/techSpecPhase';
import type { PhaseHandler } from '../pipeline/pipelineRunner';

/** Every phase of the three routes, by id. */
export const defaultPhaseHandlers: Partial<Record<PhaseId, PhaseHandler>> = {
  discovery: discoveryPhase,
  techSpec: techSpecPhase,
  planning: planningPhase,
  diagnosis: diagnosisPhase,
  split: splitPhase,
  implementation: implementationPhase,
  review: reviewPhase,
  ciFix: ciFixPhase,
};
