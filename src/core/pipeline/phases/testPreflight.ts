import { createHash } from 'node:crypto';
import { detectTestCommand } from '../../workspace/detectTestCommand';
import { gitClient } from '../../workspace/gitClient';
import type { TestRunResult } from '../../workspace/testCommandRunner';
import { excerpt } from '../implementation/implementationReport';
import { runTests, type JudgedRun } from '../implementation/runTests';
import { judgeBaseline, type Baseline } from '../implementation/testJudge';
import type { PhaseContext } from '../phaseContext';
import type { PhaseOutcome } from '../phaseOutcome';
import { stamp } from '../pipelineEvent';

/**
 * The test command's run on the worktree before any change, kept so implementation can judge against it without
 * running the suite again, as long as nothing but Shipwright's deliverables changed since (`codeState`).
 */
export interface BaselineRun {
  command: string;
  run: JudgedRun;
  baseline: Baseline;
  /** {@link codeState} of the worktree when the run was made. */
  codeState: string;
}

/** What the preflight found: a baseline to reuse, or the stop to hand to a person before any model is called. */
export type PreflightResult = { ok: true; baselineRun: BaselineRun } | { ok: false; outcome: PhaseOutcome };

/**
 * Runs the project's test command on the untouched worktree before the ticket's first model call, and judges it
 * as implementation would (judgeBaseline). A command that cannot run, cannot be found, times out, or fails in a way
 * no test can be told apart in stops the ticket there, before the spec, design and plan are paid for (a runner npx
 * cannot download, a linter that already fails, a missing script). The run is the one implementation needs anyway
 * (see {@link BaselineRun}), so a healthy suite costs no extra run. `ctx` is implementation's context.
 */
export async function testPreflight(ctx: PhaseContext): Promise<PreflightResult> {
  const command = ctx.config.testCommand ?? (await detectTestCommand(ctx.worktree.path));
  if (command === undefined) return { ok: false, outcome: noTestCommandStop(ctx) };
  ctx.emit(stamp({ type: 'log', ticketId: ctx.ticket.id, level: 'info', message: `checking the test command before the first model call: \`${command}\`` }));
  const codeBefore = await codeState(ctx.worktree.path);
  const run = await runTests(ctx, command, 'implementation', 'green', { failures: [], passing: [] });
  const judged = judgeBaseline(run);
  if (!judged.ok) return { ok: false, outcome: baselineStop(ctx, judged.advice, run, 'Stopped before any model was called') };
  return { ok: true, baselineRun: { command, run, baseline: judged.baseline, codeState: codeBefore } };
}

/**
 * The worktree's code as a hash: the HEAD tree's entries and any uncommitted change, both without `.shipwright`
 * (the deliverables each phase commits there do not change what the tests see). Equal hashes: the same code.
 */
export async function codeState(worktreePath: string): Promise<string> {
  const git = gitClient(worktreePath);
  const tree = await git.raw(['ls-tree', 'HEAD']);
  const dirty = await git.raw(['status', '--porcelain', '--untracked-files=all', '--', '.', ':(exclude).shipwright']);
  const entries = tree.split('\n').filter((l) => l !== '' && !/\t\.shipwright$/.test(l));
  return createHash('sha256').update(entries.join('\n')).update('\0').update(dirty).digest('hex');
}

/** The tests cannot judge anything yet (see judgeBaseline): a person fixes the set-up, then resumes. */
export function baselineStop(ctx: PhaseContext, advice: string, run: TestRunResult, lead = 'Implementation stopped before writing any test'): PhaseOutcome {
  return {
    status: 'needs-human',
    summary: { ticketId: ctx.ticket.id, phase: 'implementation', attempts: [], openObjections: [{ source: 'tests', message: `${advice}\n\n${excerpt(run.output)}` }], text: `${lead}: ${advice}.` },
  };
}

/** No test command configured or detected: nothing could judge the work. */
export function noTestCommandStop(ctx: PhaseContext): PhaseOutcome {
  const message = 'no test command is configured and none was found (package.json scripts.test, Makefile test:, pytest, Cargo.toml, go.mod): set `testCommand` in the configuration';
  return {
    status: 'needs-human',
    summary: { ticketId: ctx.ticket.id, phase: 'implementation', attempts: [], openObjections: [{ source: 'tests', message }], text: `Implementation needs a test command to judge the work: ${message}.` },
  };
}
