import { changedFiles } from '../../workspace/changedFiles';
import { gitClient, splitNul } from '../../workspace/gitClient';
import type { TestRunResult } from '../../workspace/testCommandRunner';
import { describeTestRun } from '../../workspace/testCommandRunner';
import type { PhaseContext } from '../phaseContext';
import type { PhaseId } from '../phaseId';
import type { AttemptRecord } from '../runState';
import { runEditStep } from './editStep';
import type { StepReport } from './implementationReport';
import { runAsText, runTests, type JudgedRun } from './runTests';
import { commitStep, stepCommits } from './stepCommits';
import { weakenedTests } from './testGuard';

/** Files a fix session sees at most: those the failing output names first, then those the branch changed. */
const MAX_FIX_FILES = 10;

/**
 * The bounded ciFix loop: while the test command fails, one `ciFix` session per round (at most
 * `config.fixRounds`) reads the failing output, the files it names and the files the branch changed, and edits
 * the code; weakening a test is refused before anything is written. A green round is committed as step `ciFix`.
 * @returns the last run and, when green, the step's report
 */
export async function runFixRounds(
  ctx: PhaseContext,
  args: { command: string; run: JudgedRun; phase: PhaseId; spec: string; guarded: (path: string) => boolean; log: AttemptRecord[]; step?: string },
): Promise<{ ok: true; run: JudgedRun; report: StepReport } | { ok: false; run: JudgedRun }> {
  let run = args.run;
  const step = args.step ?? stepCommits.ciFix;
  if (run.passed || ctx.config.fixRounds === 0) return run.passed ? { ok: true, run, report: noFix(run) } : { ok: false, run };
  const files = await filesForFix(ctx, run.output);
  const result = await runEditStep(ctx, {
    label: step,
    role: 'ciFix',
    phase: args.phase,
    prompt: 'ciFix',
    vars: () => ({ spec: args.spec, failingOutput: runAsText(run) }),
    files,
    check: (planned) => weakenedTests(planned, args.guarded),
    verify: async () => {
      run = await runTests(ctx, args.command, args.phase, 'green');
      return { objections: run.passed ? [] : [{ source: 'tests', message: `the test command still fails: ${describeTestRun(run)}; see the test output` }], revert: false };
    },
    cap: { attempts: ctx.config.fixRounds, escalation: 0 },
  }, args.log);
  if (!result.ok) return { ok: false, run };
  await commitStep(ctx, step, `shipwright(${ctx.ticket.id}): ${step} — the test command passes`);
  return {
    ok: true,
    run,
    report: { step, title: 'fix the failing test run', explanation: result.edits.explanation, written: result.applied.written, deleted: result.applied.deleted, attempts: result.attempts, modelKey: result.modelKey, run: describeTestRun(run) },
  };
}

function noFix(run: TestRunResult): StepReport {
  return { step: stepCommits.ciFix, title: 'no fix needed', explanation: 'The test command already passes.', written: [], deleted: [], attempts: 0, modelKey: '-', run: describeTestRun(run) };
}

/** Tracked files the failing output names (stack traces carry them), then files the branch changed. */
async function filesForFix(ctx: PhaseContext, output: string): Promise<string[]> {
  const tracked = splitNul(await gitClient(ctx.worktree.path).raw(['ls-files', '-z']));
  const named = tracked.filter((p) => output.includes(p));
  const changed = (await changedFiles(ctx.worktree)).filter((f) => f.status !== 'deleted' && !f.path.startsWith('.shipwright/')).map((f) => f.path);
  return [...new Set([...named, ...changed])].slice(0, MAX_FIX_FILES);
}
