import type { TestRunResult } from '../../workspace/testCommandRunner';
import type { HandoffSummary } from '../handoffSummary';
import type { PhaseContext } from '../phaseContext';
import { excerpt } from './implementationReport';

/**
 * The handoff when the tests cannot judge anything (see judgeBaseline): `advice` says what a person fixes before a
 * plain resume; the run's last lines go with it (`kind: 'setup'`). Without `run`, no test command was found.
 * `lead` opens the text: where the ticket stopped.
 */
export function setupStop(ctx: Pick<PhaseContext, 'ticket'>, lead: string, advice: string, run?: TestRunResult): HandoffSummary {
  return {
    ticketId: ctx.ticket.id,
    phase: 'implementation',
    attempts: [],
    openObjections: [{ source: 'tests', message: run === undefined ? advice : `${advice}\n\n${excerpt(run.output)}` }],
    text: `${lead}: ${advice}.`,
    kind: 'setup',
  };
}

/** The advice when no test command is configured or detected. */
export const NO_TEST_COMMAND = 'no test command is configured and none was found (package.json scripts.test, Makefile test:, pytest, Cargo.toml, go.mod): set `testCommand` in .shipwright/config.json (in VS Code: the Shipwright: Test Command setting)';
