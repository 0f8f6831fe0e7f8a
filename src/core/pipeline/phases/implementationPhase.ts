import { detectTestCommand } from '../../workspace/detectTestCommand';
import { describeTestRun } from '../../workspace/testCommandRunner';
import { buildHandoff } from '../buildHandoff';
import type { HandoffSummary } from '../handoffSummary';
import { runEditStep } from '../implementation/editStep';
import { runFixRounds } from '../implementation/fixRounds';
import { runHumanFix } from '../implementation/humanFixStep';
import { implementationWork, taskText } from '../implementation/implementationWork';
import { excerpt, renderImplementationReport, type ImplementationReport, type StepReport } from '../implementation/implementationReport';
import { baselineTrailers } from '../implementation/baselineRecord';
import { newTestNames, redCheck, type Baseline } from '../implementation/testJudge';
import { runAsText, runTests, type JudgedRun } from '../implementation/runTests';
import { commitStep, stepCommits, stepFiles, stepsDone } from '../implementation/stepCommits';
import { isTestPath, onlyTestFiles, weakenedTests } from '../implementation/testGuard';
import type { PhaseContext } from '../phaseContext';
import type { PhaseOutcome } from '../phaseOutcome';
import type { AttemptRecord } from '../runState';
import { stamp } from '../pipelineEvent';
import { baselineRunFor } from '../implementation/baselineRun';
import { NO_TEST_COMMAND, setupStop } from '../implementation/setupStop';

/**
 * Implementation, tests first, with the project's test command as the judge (the model never runs anything):
 * 1. tests — one `implementationTests` session writes the tests of every task (test files only); the engine runs
 *    the test command and requires red for the right reason (see testJudge.redCheck); the tests are committed.
 *    Before it, the baseline run (the preflight's from before the ticket's first model call, see testPreflight,
 *    when the code is unchanged since; baselineRunFor): a set-up problem stops the ticket with advice (setupStop);
 *    failing tests that predate the ticket are recorded (commit trailers) and excluded from every verdict.
 * 2. code — per plan task, an `implementationCode` session gets that task, its files, its acceptance criteria
 *    and the current failing output (nothing else; it may ask once for more files); a change that deletes or
 *    weakens a test is refused before it is written; each task is committed. The last task must end green.
 * 3. ciFix — if the suite is still red, the bounded fix loop (config.fixRounds) reads the failing log.
 * 4. human fix — files a person rejected and sent back get one session that must leave the suite green (humanFixStep).
 * A hotfix runs the same steps on its diagnosis (the reproducing test, then the fix). Finished steps are marked
 * in commit trailers, so a resumed run skips them. Gives up (`needs-human`) when a step's attempts are used up.
 */
export async function implementationPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const command = ctx.config.testCommand ?? (await detectTestCommand(ctx.worktree.path));
  if (command === undefined) return { status: 'needs-human', summary: setupStop(ctx, 'Implementation needs a test command to judge the work', NO_TEST_COMMAND) };
  const work = implementationWork(ctx);
  const done = await stepsDone(ctx.worktree);
  const log: AttemptRecord[] = [...ctx.progress.attempts];
  const steps: StepReport[] = [];
  const report: Omit<ImplementationReport, 'green' | 'explanation'> = { edits: [], needFiles: [], testCommand: command, steps };
  const resumed = done.has(stepCommits.tests);
  let baseline: Baseline | undefined;
  let run: JudgedRun;

  // 1. Tests first.
  let newTests: string[];
  if (resumed) {
    run = await runTests(ctx, command, 'implementation', 'red');
    newTests = await stepFiles(ctx.worktree, stepCommits.tests);
  } else {
    // The preflight's run before the first model call serves while the code is as it was then.
    const before = await baselineRunFor(ctx, command, { earlier: ctx.baselineRun });
    run = before.run;
    report.baseline = describeTestRun(run);
    if (!before.judged.ok) return { status: 'needs-human', summary: setupStop(ctx, 'Implementation stopped before writing any test', before.judged.advice, run) };
    const judgedBaseline = before.judged.baseline;
    baseline = judgedBaseline;
    if (judgedBaseline.failures.length > 0) {
      report.baseline += `; failing before any change (excluded): ${judgedBaseline.failures.join('; ')}`;
      ctx.emit(stamp({ type: 'log', ticketId: ctx.ticket.id, level: 'warn', message: `the suite already fails before any change; these failures are recorded as pre-existing and excluded: ${judgedBaseline.failures.join('; ')}` }));
    }
    const baselineRun = run;
    const step = await runEditStep(ctx, {
      label: stepCommits.tests,
      role: 'implementation',
      phase: 'implementation',
      prompt: 'implementationTests',
      vars: () => ({ task: work.testsTask, spec: work.testsBrief, failingOutput: `Before your tests: ${runAsText(baselineRun)}` }),
      files: [...new Set(work.tasks.flatMap((t) => [...t.tests, ...t.files]))],
      gapMs: baselineRun.durationMs,
      check: (planned) => [...onlyTestFiles(planned, work.testPaths), ...weakenedTests(planned, isTestPath)],
      verify: async (applied) => {
        run = await runTests(ctx, command, 'implementation', 'red', judgedBaseline);
        return { objections: redCheck(run, applied.written, judgedBaseline, { files: work.tasks.flatMap((t) => t.files), text: work.tasks.map((t) => `${t.title}\n${t.description}`).join('\n') }), revert: true };
      },
      cap: { attempts: ctx.config.attemptCap, escalation: ctx.config.escalationAttempts },
    }, log);
    if (!step.ok) return handoff(ctx, log, 'the tests could not be made to fail for the right reason');
    newTests = step.applied.written;
    // The red run names the new tests: a later run that still names one failing is not green, whatever it exits with.
    baseline = { ...judgedBaseline, newTests: newTestNames(run, judgedBaseline, baselineRun) };
    await commitStep(ctx, stepCommits.tests, `shipwright(${ctx.ticket.id}): failing tests first (red) — ${ctx.ticket.title}`, baselineTrailers(baseline));
    report.red = { run: describeTestRun(run), excerpt: excerpt(run.output) };
    steps.push({ step: stepCommits.tests, title: 'tests first', explanation: step.edits.explanation, written: step.applied.written, deleted: step.applied.deleted, attempts: step.attempts, modelKey: step.modelKey, run: describeTestRun(run) });
  }
  const given = new Set([...newTests, ...work.testPaths]);
  const guarded = (path: string): boolean => given.has(path) || isTestPath(path);

  // 2. Code, task by task.
  for (const [i, task] of work.tasks.entries()) {
    if (done.has(task.id)) continue;
    const last = i === work.tasks.length - 1;
    const step = await runEditStep(ctx, {
      label: task.id,
      role: 'implementation',
      phase: 'implementation',
      prompt: 'implementationCode',
      vars: () => ({ task: taskText(task), spec: work.criteria(task.criteria), failingOutput: runAsText(run) }),
      // Its tests are shown while they fail. With the suite green before the step (an earlier task made them pass)
      // the tests written in the tests step hold nothing to act on and may not be edited (they are frozen), so only
      // the task's files and any existing tests it may update are shown; the model may ask for more (needFiles).
      // On the bench's feature ticket that was 1.5k tokens of the documentation task's input.
      files: run.passed ? [...task.files, ...task.tests.filter((t) => !newTests.includes(t))] : [...task.files, ...task.tests],
      gapMs: run.durationMs,
      check: (planned) => weakenedTests(planned, guarded),
      verify: async () => {
        run = await runTests(ctx, command, 'implementation', 'green', baseline);
        // Earlier tasks may leave tests red that later tasks make green; the last task must end green.
        const red = last && !run.passed;
        return { objections: red ? [{ source: 'tests', message: `the tests still fail after the last task: ${describeTestRun(run)}; see the test output` }] : [], revert: false };
      },
      cap: { attempts: ctx.config.attemptCap, escalation: ctx.config.escalationAttempts },
      allowEmpty: !last,
      systemSharers: work.tasks.length - 1,
    }, log);
    if (!step.ok && !last) return handoff(ctx, log, `task ${task.id} could not be implemented`);
    if (step.ok) {
      await commitStep(ctx, task.id, `shipwright(${ctx.ticket.id}): ${task.id} ${task.title} (${run.passed ? 'green' : 'red'})`);
      steps.push({ step: task.id, title: task.title, explanation: step.edits.explanation, written: step.applied.written, deleted: step.applied.deleted, attempts: step.attempts, modelKey: step.modelKey, run: describeTestRun(run) });
    } else {
      // Keep what the last attempts wrote: the fix loop starts from it and reads its failing output.
      await commitStep(ctx, `${task.id}-partial`, `shipwright(${ctx.ticket.id}): ${task.id} ${task.title} (still red)`);
    }
  }

  // 3. The bounded fix loop on a red suite (also after a resume that stopped mid-way).
  if (!run.passed) {
    const fixed = await runFixRounds(ctx, { command, run, phase: 'ciFix', spec: work.criteria(), guarded, log });
    if (!fixed.ok) {
      // Every answer refused before it was written (a test or a check's config it may not change) means no fix was tried.
      const tried = fixed.run !== run;
      return handoff(ctx, log, tried
        ? `the test command still fails after ${ctx.config.fixRounds} fix round(s): ${describeTestRun(fixed.run)}`
        : `no fix could be tried in ${ctx.config.fixRounds} fix round(s): every answer was refused before it was written (see the objections); the tests still fail as in ${describeTestRun(fixed.run)}`);
    }
    run = fixed.run;
    steps.push(fixed.report);
  }

  // 4. Files a person rejected and sent back, once per round.
  const human = await runHumanFix(ctx, { command, run, spec: work.criteria(), guarded, log, done });
  if (!human.ok) return handoff(ctx, log, human.why);
  run = human.run;
  if (human.report !== undefined) steps.push(human.report);

  const full: ImplementationReport = {
    ...report,
    explanation: `${work.tasks.length} task(s) implemented tests-first; \`${command}\` passes${baseline !== undefined && baseline.failures.length > 0 ? ' apart from the failures that predate the ticket' : ''}.`,
    green: describeTestRun(run),
  };
  return { status: 'done', deliverable: full, markdown: renderImplementationReport(full) };
}

/** needs-human with every attempt of the phase, and why it stopped. */
function handoff(ctx: PhaseContext, log: AttemptRecord[], why: string): PhaseOutcome {
  const summary: HandoffSummary = buildHandoff(ctx.ticket.id, 'implementation', log);
  return { status: 'needs-human', summary: { ...summary, text: `${why}. ${summary.text}` } };
}

