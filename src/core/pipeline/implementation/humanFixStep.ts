import { describeTestRun, type TestRunResult } from '../../workspace/testCommandRunner';
import type { Objection } from '../objection';
import type { PhaseContext } from '../phaseContext';
import type { AttemptRecord } from '../runState';
import { runEditStep } from './editStep';
import type { StepReport } from './implementationReport';
import { runAsText, runTests, type JudgedRun } from './runTests';
import { commitStep, stepCommits } from './stepCommits';
import { weakenedTests } from './testGuard';

/** What a human-fix step needs from the implementation phase around it. */
export interface HumanFixArgs {
  command: string;
  /** The latest test run (green once the tasks and the fix loop are through). */
  run: JudgedRun;
  /** Acceptance criteria as prompt text. */
  spec: string;
  /** Test files a change must not weaken. */
  guarded: (path: string) => boolean;
  /** Every attempt of the phase so far; the step's attempts are appended. */
  log: AttemptRecord[];
  /** Steps already committed on the branch (stepsDone). */
  done: ReadonlySet<string>;
}

/** Nothing sent back (or already fixed), a fixed round with its report, or why it stopped. */
export type HumanFixResult =
  | { ok: true; run: JudgedRun; report?: StepReport }
  | { ok: false; why: string };

/**
 * Files a person rejected and sent back (engine `finish` with `sendBack`) arrive as an attempt with `human`
 * objections (`where` = the path, `message` = the reason). The n-th such round is fixed once, as step
 * `human-fix-<n>`: one `implementationCode` session gets the rejected files, the reasons, the current test output
 * and every earlier objection of the phase; weakening a test is refused before anything is written; the test
 * command must pass afterwards (attempts bounded by `config.attemptCap`, then `escalationAttempts` on the next
 * model). Without this step a re-driven implementation would skip every committed step and ignore the person.
 * @throws what ModelSession.run throws (budget, chain exhausted, cancelled)
 */
export async function runHumanFix(ctx: PhaseContext, args: HumanFixArgs): Promise<HumanFixResult> {
  const rounds = args.log.filter((a) => a.objections.some((o) => o.source === 'human'));
  const label = stepCommits.humanFix(rounds.length);
  const latest = rounds.at(-1);
  if (latest === undefined || args.done.has(label)) return { ok: true, run: args.run };

  const rejected = latest.objections.filter((o) => o.source === 'human');
  const files = [...new Set(rejected.flatMap((o) => (o.where !== undefined ? [o.where] : [])))];
  let run = args.run;
  const step = await runEditStep(ctx, {
    label,
    role: 'implementation',
    phase: 'implementation',
    prompt: 'implementationCode',
    vars: () => ({
      task: `A reviewer rejected these files:\n${listRejected(rejected)}\n\nAddress every objection: change the rejected files as the reasons ask, and keep the test command passing.`,
      spec: args.spec,
      failingOutput: runAsText(run),
    }),
    files,
    earlier: [...args.log],
    check: (planned) => weakenedTests(planned, args.guarded),
    verify: async () => {
      run = await runTests(ctx, args.command, 'implementation', 'green');
      return { objections: run.passed ? [] : [{ source: 'tests', message: `the tests fail after the change the reviewer asked for: ${describeTestRun(run)}; see the test output` }], revert: false };
    },
    cap: { attempts: ctx.config.attemptCap, escalation: ctx.config.escalationAttempts },
  }, args.log);
  if (!step.ok) return { ok: false, why: `the files a reviewer rejected could not be changed with the tests passing (${rejected.map(oneLine).join('; ')})` };
  await commitStep(ctx, label, `shipwright(${ctx.ticket.id}): address the files a reviewer rejected (round ${rounds.length})`);
  return {
    ok: true,
    run,
    report: { step: label, title: 'files rejected by a reviewer', explanation: step.edits.explanation, written: step.applied.written, deleted: step.applied.deleted, attempts: step.attempts, modelKey: step.modelKey, run: describeTestRun(run) },
  };
}

function oneLine(o: Objection): string {
  return `${o.where ?? '(no file)'}: ${o.message}`;
}

function listRejected(rejected: readonly Objection[]): string {
  return rejected.map((o) => `- ${oneLine(o)}`).join('\n');
}
