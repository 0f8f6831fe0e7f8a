import type { HandoffSummary } from './handoffSummary';

/**
 * How a phase ended: accepted with its deliverable (parsed) and the markdown rendering for people, or handed to
 * a person after the attempt cap and one escalation. Budget stops and cancellation are thrown
 * (BudgetExceededError, ProviderError 'cancelled'), not returned.
 */
export type PhaseOutcome =
  | { status: 'done'; deliverable: unknown; markdown: string }
  | { status: 'needs-human'; summary: HandoffSummary };
