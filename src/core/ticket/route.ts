import type { PhaseId } from '../pipeline/phaseId';
import type { TicketKind } from './ticket';

/** The phases each kind of ticket runs through, in order. `ciFix` is not listed: it runs inside implementation. */
const ROUTES = {
  feature: ['discovery', 'techSpec', 'planning', 'implementation', 'review'],
  hotfix: ['diagnosis', 'implementation', 'review'],
  epic: ['discovery', 'techSpec', 'split'],
} as const satisfies Record<TicketKind, readonly PhaseId[]>;

/**
 * The route of a ticket kind: feature → discovery, techSpec, planning, implementation, review;
 * hotfix → diagnosis, implementation, review; epic → discovery, techSpec, split (its children are features).
 * @returns a fresh array the caller may keep or change
 */
export function routeFor(kind: TicketKind): PhaseId[] {
  return [...ROUTES[kind]];
}

/**
 * What the validator checks a phase's deliverable against: the ticket itself, or an earlier phase's deliverable.
 * discovery and diagnosis → the ticket; techSpec → discovery; planning and split → techSpec;
 * implementation and ciFix → planning (a hotfix has no plan: its diagnosis); review → implementation.
 * @param kind the ticket's kind; it matters only for implementation and ciFix
 */
export function validatedAgainst(phase: PhaseId, kind: TicketKind): PhaseId | 'ticket' {
  switch (phase) {
    case 'discovery':
    case 'diagnosis':
      return 'ticket';
    case 'techSpec':
      return 'discovery';
    case 'planning':
    case 'split':
      return 'techSpec';
    case 'implementation':
    case 'ciFix':
      return kind === 'hotfix' ? 'diagnosis' : 'planning';
    case 'review':
      return 'implementation';
    default: {
      const unknownPhase: never = phase;
      throw new Error(`no validation input for phase ${String(unknownPhase)}`);
    }
  }
}
