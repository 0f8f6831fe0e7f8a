import { renderDeliverable } from '../../deliverables/renderMarkdown';
import { ReviewReport } from '../../deliverables/reviewReport';
import { redactSecrets } from '../../secrets/redactSecrets';
import { isSecretPath } from '../../secrets/secretPaths';
import { secretPolicy } from '../../secrets/secretPolicy';
import { branchDiff, changedFiles } from '../../workspace/changedFiles';
import { detectTestCommand } from '../../workspace/detectTestCommand';
import { describeTestRun, type TestRunResult } from '../../workspace/testCommandRunner';
import { trimOutput } from '../../workspace/trimOutput';
import { buildHandoff } from '../buildHandoff';
import { runEditStep } from '../implementation/editStep';
import { implementationWork } from '../implementation/implementationWork';
import { runAsText, runTests, type JudgedRun } from '../implementation/runTests';
import { commitStep, stepCommits, stepFiles, stepsDone } from '../implementation/stepCommits';
import { isTestPath, weakenedTests } from '../implementation/testGuard';
import type { Objection } from '../objection';
import type { PhaseContext } from '../phaseContext';
import type { PhaseOutcome } from '../phaseOutcome';
import type { AttemptRecord } from '../runState';
import { ticketAsMarkdown } from '../ticketAsMarkdown';
import { runValidatedPhase } from '../validatedPhase';
import { reviewEvidence } from '../reviewEvidence';
import { withoutIndexLines } from '../withoutIndexLines';

/** Characters of diff a review session reads (head and tail kept beyond it); ~15k tokens. */
const DIFF_BUDGET_CHARS = 60_000;
/** Files a review-fix session sees at most. */
const MAX_FIX_FILES = 10;

/**
 * Review: a `review` session reads the branch's diff against the base commit (deliverables under `.shipwright/`
 * left out), the ticket and the spec, and returns findings with severities; a report that requests changes is
 * checked by the validator against the changed files and the hunks its findings name (reviewEvidence), an
 * approval only mechanically unless `config.modelValidation.review` is `always`. A request for changes (or any blocker) sends the findings back to an implementation session
 * (billed to review) whose edits must keep the test command green, then the change is reviewed again — at most
 * `config.fixRounds` times; after that the ticket goes to a person with the open findings.
 */
export async function reviewPhase(ctx: PhaseContext): Promise<PhaseOutcome> {
  const command = ctx.config.testCommand ?? (await detectTestCommand(ctx.worktree.path));
  const work = ctx.deliverables.planning !== undefined || ctx.deliverables.diagnosis !== undefined ? implementationWork(ctx) : undefined;
  const spec = work?.brief ?? ticketAsMarkdown(ctx.ticket);
  const ticket = ticketAsMarkdown(ctx.ticket);
  const done = await stepsDone(ctx.worktree);
  const log: AttemptRecord[] = [...ctx.progress.attempts];
  const given = new Set(await stepFiles(ctx.worktree, stepCommits.tests));
  const guarded = (p: string): boolean => given.has(p) || isTestPath(p);
  let run: JudgedRun | undefined = command !== undefined ? await runTests(ctx, command, 'review', 'green') : undefined;

  for (let round = 0; ; round++) {
    // Secret files the branch changed are left out of the diff a model reads; credentials elsewhere are redacted.
    const secrets = await secretPolicy(ctx.worktree.path, ctx.config.secretFiles);
    const secretChanges = (await changedFiles(ctx.worktree)).map((f) => f.path).filter((p) => isSecretPath(p, secrets.patterns));
    const fullDiff = withoutIndexLines(await branchDiff(ctx.worktree, { exclude: ['.shipwright', ...secretChanges] }));
    const diff = trimOutput(redactSecrets(fullDiff, process.env, secrets.values).text, DIFF_BUDGET_CHARS)
      + (secretChanges.length > 0 ? `\n(left out: ${secretChanges.join(', ')} — files that hold secrets are never sent to a model)` : '');
    const testLine = run === undefined ? 'No test command is configured.' : `The test command: ${describeTestRun(run)}.`;
    // A fresh attempt count per review round: the earlier rounds' accepted reports must not use up this one's cap.
    const roundCtx: PhaseContext = round === 0 && !done.has(stepCommits.reviewFix(1)) ? ctx : { ...ctx, progress: { attempts: [], countFrom: 0, recordAttempt: ctx.progress.recordAttempt } };
    const outcome = await runValidatedPhase(roundCtx, {
      phase: 'review',
      prompt: 'review',
      schema: ReviewReport,
      schemaName: 'ReviewReport',
      vars: { ticket, spec: `${spec}\n\n${testLine}`, diff: diff.trim() === '' ? '(the branch changes nothing)' : diff },
      // The changed files and the hunks the findings name, not the whole diff again (see reviewEvidence).
      previous: (r) => ({ name: 'change under review', markdown: reviewEvidence(diff, r.findings.flatMap((f) => (f.file ? [f.file] : []))) }),
      render: (r) => renderDeliverable('review', r),
      check: (r) => (r.decision === 'approve' && r.findings.some((f) => f.severity === 'blocker')
        ? [{ source: 'schema', message: 'the report approves the change but lists a blocker: request changes, or lower the severity' }]
        : []),
      // A report that asks for changes costs a fix round, so a model checks it first; an approval goes to the
      // person's diff review, and its validator would see only the file list (reviewEvidence): opt-in (config).
      modelJudges: (r) => ctx.config.modelValidation.review === 'always' || r.decision === 'request-changes' || r.findings.some((f) => f.severity === 'blocker'),
    });
    if (outcome.status === 'needs-human') return outcome;
    const report = ReviewReport.parse(outcome.deliverable);
    const blockers = report.findings.filter((f) => f.severity === 'blocker');
    if (report.decision === 'approve' && blockers.length === 0) {
      const markdown = round === 0 ? outcome.markdown : `${outcome.markdown}\n\n_Approved after ${round} round(s) of changes requested by review._\n`;
      return { status: 'done', deliverable: { ...report, rounds: round }, markdown };
    }

    const findings: Objection[] = (blockers.length > 0 ? blockers : report.findings).map((f) => ({ source: 'review', message: `[${f.severity}] ${f.message}`, where: f.file }));
    if (round >= ctx.config.fixRounds) {
      const summary = buildHandoff(ctx.ticket.id, 'review', log);
      return {
        status: 'needs-human',
        summary: { ...summary, openObjections: findings, text: `Review still requests changes after ${round} round(s) of fixes: ${findings.map((f) => f.message).join(' | ')}. Fix them by hand, or retry.` },
      };
    }
    const label = stepCommits.reviewFix(round + 1);
    const named = findings.map((f) => f.where).filter((w): w is string => w !== undefined);
    const changed = (await changedFiles(ctx.worktree)).filter((f) => f.status !== 'deleted' && !f.path.startsWith('.shipwright/')).map((f) => f.path);
    const step = await runEditStep(ctx, {
      label,
      role: 'implementation',
      phase: 'review',
      prompt: 'implementationCode',
      vars: () => ({
        task: `Address the findings of the code review (listed under objections): ${report.summary}`,
        spec: work?.criteria() ?? ticket,
        failingOutput: run === undefined ? '(no test command)' : runAsText(run),
      }),
      files: [...new Set([...named, ...changed])].slice(0, MAX_FIX_FILES),
      given: findings,
      check: (planned) => weakenedTests(planned, guarded),
      verify: async () => {
        if (command === undefined) return { objections: [], revert: false };
        run = await runTests(ctx, command, 'review', 'green');
        return { objections: run.passed ? [] : [{ source: 'tests', message: `the test command fails after the review fix: ${describeTestRun(run)}` }], revert: false };
      },
      cap: { attempts: ctx.config.attemptCap, escalation: ctx.config.escalationAttempts },
    }, log);
    if (!step.ok) {
      const summary = buildHandoff(ctx.ticket.id, 'review', log);
      return { status: 'needs-human', summary: { ...summary, text: `The review findings could not be addressed: ${summary.text}` } };
    }
    await commitStep(ctx, label, `shipwright(${ctx.ticket.id}): address review findings (round ${round + 1})`);
  }
}
