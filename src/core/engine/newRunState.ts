import type { PhaseId } from '../pipeline/phaseId';
import type { RunState } from '../pipeline/runState';
import type { Ticket } from '../ticket/ticket';

/** A fresh, queued run of `ticket` over `route`, with every phase pending. */
export function newRunState(ticket: Ticket, route: PhaseId[], budgetUsd: number): RunState {
  const now = new Date().toISOString();
  return {
    version: 1,
    ticket,
    state: 'queued',
    reason: 'accepted',
    route,
    phases: route.map((phase) => ({ phase, status: 'pending', attempts: [], countFrom: 0 })),
    ledger: [],
    budgetUsd,
    children: [],
    createdAt: now,
    updatedAt: now,
  };
}
