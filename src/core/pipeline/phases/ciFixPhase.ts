import { detectTestCommand } from '../../workspace/detectTestCommand';
import { describeTestRun } from '../../workspace/testCommandRunner';
import { buildHandoff } from '../buildHandoff';
import { runFixRounds } from '../implementation/fixRounds';
import { implementationWork } from '../implementation/implementationWork';
import { renderImplementationReport, type ImplementationReport } from '../implementation/implementationReport';
import { runTests } from '../implementation/runTests';
import { stepFiles, stepCommits } from '../implementation/stepCommits';
import { isTestPath } from '../implementation/testGuard';
import type { PhaseContext } from '../phaseContext';
import type { PhaseOutcome } from '../phaseOutcome';
import type { AttemptRecord } from '../runState';

/**
 * ciFix as a phase of its own (implementation also runs the same loop when it ends red): runs the full test
 * command; when it fails, at most `config.fixRounds` ciFix sessions read the failing log and fix the code, tests
 * guarded (the tests step's files and every test-looking path). Green → done (also when nothing needed fixing);
 * still red → needs-human. No test command → needs-human.
 */
export async function ciFixPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const command = ctx.config.testCommand ?? (await detectTestCommand(ctx.worktree.path));
  if (command === undefined) {
    const message = 'no test command is configured and none was found: set `testCommand` in the configuration';
    return { status: 'needs-human', summary: { ticketId: ctx.ticket.id, phase: 'ciFix', attempts: [], openObjections: [{ source: 'tests', message }], text: message } };
  }
  const log: AttemptRecord[] = [...ctx.progress.attempts];
  const run = await runTests(ctx, command, 'ciFix', 'green');
  const given = new Set(await stepFiles(ctx.worktree, stepCommits.tests));
  const spec = ctx.deliverables.planning !== undefined || ctx.deliverables.diagnosis !== undefined ? implementationWork(ctx).criteria() : ctx.ticket.body;
  const fixed = await runFixRounds(ctx, { command, run, phase: 'ciFix', spec, guarded: (p) => given.has(p) || isTestPath(p), log });
  if (!fixed.ok) {
    const summary = buildHandoff(ctx.ticket.id, 'ciFix', log);
    return { status: 'needs-human', summary: { ...summary, text: `The test command still fails after ${ctx.config.fixRounds} fix round(s): ${describeTestRun(fixed.run)}. ${summary.text}` } };
  }
  const report: ImplementationReport = {
    explanation: fixed.report.attempts === 0 ? 'The test command passes; nothing to fix.' : `Fixed in ${fixed.report.attempts} round(s): ${fixed.report.explanation}`,
    edits: [],
    needFiles: [],
    testCommand: command,
    steps: fixed.report.attempts === 0 ? [] : [fixed.report],
    green: describeTestRun(fixed.run),
  };
  return { status: 'done', deliverable: report, markdown: renderImplementationReport(report, 'CI fix') };
}
