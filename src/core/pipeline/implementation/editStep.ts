import { FileEdits } from '../../deliverables/fileEdits';
import type { SecretPolicy } from '../../secrets/readForPrompt';
import { secretPolicy } from '../../secrets/secretPolicy';
import { applyEdits, type ApplyEditsResult, type PlannedChange } from '../../workspace/applyEdits';
import { ProtectedPathsError } from '../protectedPathsError';
import { ensureWorktree } from '../../workspace/ensureWorktree';
import { restorePaths } from '../../workspace/restorePaths';
import { formatObjections } from '../formatObjections';
import type { Objection } from '../objection';
import type { PhaseContext } from '../phaseContext';
import type { PhaseId, Role } from '../phaseId';
import { stamp } from '../pipelineEvent';
import type { AttemptRecord } from '../runState';
import { fileContext } from './fileContext';
import { implementationWork } from './implementationWork';
import { frozenTests, judgeObjections, pythonTopLevel, type JudgeRules } from './judgeGuard';
import { ignoredEdits } from '../../workspace/ignoredEdits';
import { frameworkPatches } from './frameworkPatches';

/** Edits one answer may carry: a step of a plan touches a handful of files; thousands is an attack or a loop. */
export const MAX_EDITS_PER_ANSWER = 100;

/** How many more files a session may ask for with needFiles (once per step). */
const MAX_NEED_FILES = 8;

/** One step that asks a model for FileEdits and applies them: the tests step, a task, a fix round. */
export interface EditStepSpec {
  /** For logs and events: `tests`, `T2`, `ciFix`, `review fix 1`. */
  label: string;
  role: Role;
  /** The phase the calls are billed to. */
  phase: PhaseId;
  prompt: 'implementationTests' | 'implementationCode' | 'ciFix';
  /** Prompt variables other than `files` and `objections`, computed per attempt (test output changes). */
  vars: () => Record<string, string>;
  /** Files the session sees (current content). */
  files: string[];
  /** Objections shown to every attempt besides those of earlier attempts (e.g. review findings). */
  given?: Objection[];
  /** Attempts before this step whose objections every attempt also sees, first (e.g. a person's rejection). */
  earlier?: readonly AttemptRecord[];
  /** Mechanical checks of the planned change before anything is written (test weakening, test-files-only). */
  check: (planned: PlannedChange[]) => Objection[];
  /** After the edits are written: objections make another attempt; `revert` undoes this attempt's files first. */
  verify: (applied: ApplyEditsResult) => Promise<{ objections: Objection[]; revert: boolean }>;
  /** Attempts on the first model, and on the next model of the chain after that (0 = no escalation). */
  cap: { attempts: number; escalation: number };
  /** True when an answer with no edits is acceptable (verify still decides). */
  allowEmpty?: boolean;
  /**
   * Expected time from one attempt to the next, ms, before any was measured: the last test run's duration (a retry
   * follows the test run of `verify`). Decides the first attempt's cache lifetime (cacheLifetime); default 0.
   */
  gapMs?: number;
  /** Other steps of the run that share this step's system prompt and schema (the code steps of the other tasks). */
  systemSharers?: number;
}

/** The accepted answer of a step, or the attempts that were all objected to. */
export type EditStepResult =
  | { ok: true; edits: FileEdits; applied: ApplyEditsResult; modelKey: string; attempts: number }
  | { ok: false; attempts: number };

/**
 * Runs attempts until one is accepted or the caps are used up. Each attempt: one session (FileEdits) whose prompt
 * carries the current files and every earlier objection of this step; a `needFiles` answer is granted once (up
 * to 8 files, confined) and asked again without counting as an attempt; then the edits are applied inside the
 * worktree (all or nothing, with `check`), then `verify` runs. Every attempt is recorded in the phase's run state
 * (`ctx.progress.recordAttempt`) and appended to `log`, which the caller uses for a handoff. Besides `spec.check`,
 * every batch passes judgeObjections (no test-runner configuration; in code steps no frozen test and no existing
 * test the plan does not name) and ignoredEdits (nothing the ticket's commit would leave out).
 * @throws what ModelSession.run throws (budget, chain exhausted, cancelled)
 */
export async function runEditStep(ctx: PhaseContext, spec: EditStepSpec, log: AttemptRecord[]): Promise<EditStepResult> {
  const mine: AttemptRecord[] = [];
  const given: AttemptRecord[] = [...(spec.earlier ?? [])];
  if (spec.given?.length) given.push({ attempt: 0, modelKey: 'review', model: '', why: '', objections: spec.given, accepted: false, chainIndex: 0, escalated: false });
  const files = [...spec.files];
  let askedForFiles = false;
  let chainIndex = 0;
  let escalated = false;
  let onLevel = 0;
  let reason: string | undefined;
  // From the second attempt on, the measured time between attempt starts (the call, applying, the test run).
  let gapMs = spec.gapMs ?? 0;
  let lastStart: number | undefined;
  const secrets: SecretPolicy = await secretPolicy(ctx.worktree.path, ctx.config.secretFiles);
  const judge = await judgeRules(ctx, spec);

  for (;;) {
    if (onLevel >= (escalated ? spec.cap.escalation : spec.cap.attempts)) {
      if (escalated || spec.cap.escalation === 0 || chainIndex + 1 >= ctx.session.chainLength(spec.role)) return { ok: false, attempts: mine.length };
      escalated = true;
      chainIndex += 1;
      onLevel = 0;
      reason = `escalated: ${spec.cap.attempts} attempts at ${spec.label} were objected to`;
      ctx.emit(stamp({ type: 'log', ticketId: ctx.ticket.id, level: 'warn', role: spec.role, message: `${spec.phase} ${spec.label}: ${reason}` }));
    }
    const n = log.length + 1;
    const planned = ctx.session.peek(spec.role, chainIndex);
    ctx.emit(stamp({ type: 'phaseStarted', ticketId: ctx.ticket.id, phase: spec.phase, attempt: n, ...planned, why: `${spec.label}: ${reason ?? (chainIndex === 0 ? `first in the ${spec.role} chain` : `position ${chainIndex + 1} of the chain`)}` }));
    const levelCap = escalated ? spec.cap.escalation : spec.cap.attempts;
    const started = Date.now();
    if (lastStart !== undefined) gapMs = started - lastStart;
    lastStart = started;
    const res = await ctx.session.run({
      role: spec.role, phase: spec.phase, attempt: n, chainIndex, reason, prompt: spec.prompt,
      vars: { ...spec.vars(), files: await fileContext(ctx.worktree.path, files, secrets), objections: formatObjections([...given, ...mine]) },
      schema: FileEdits, schemaName: 'FileEdits',
      // The retries left on this model may read this attempt's prompt, each after a test run: the lifetime that pays,
      // a first attempt's weighed by how often edit steps here needed a retry (RetryRate).
      cache: { gapMs, readers: Math.max(0, levelCap - onLevel - 1), retryProbability: mine.length === 0 ? ctx.retryRate.probability('edit') : 1, systemSharers: spec.systemSharers },
    });
    chainIndex = res.chainIndex;
    reason = undefined;

    let objections: Objection[] = [];
    let applied: ApplyEditsResult | undefined;
    let counts = true;
    if (!res.ok) objections = [res.objection];
    else if (res.value.edits.length > MAX_EDITS_PER_ANSWER) {
      objections = [{ source: 'edit', message: `the answer has ${res.value.edits.length} edits; at most ${MAX_EDITS_PER_ANSWER} are applied from one answer: send only what this step needs` }];
    }
    else if (res.value.needFiles.length > 0 && res.value.edits.length === 0 && !askedForFiles) {
      askedForFiles = true;
      counts = false;
      files.push(...res.value.needFiles.slice(0, MAX_NEED_FILES));
      ctx.emit(stamp({ type: 'log', ticketId: ctx.ticket.id, level: 'info', role: spec.role, message: `${spec.label}: the model asked for ${res.value.needFiles.join(', ')}` }));
    } else if (res.value.edits.length === 0 && !spec.allowEmpty) {
      objections = [{ source: 'edit', message: askedForFiles && res.value.needFiles.length > 0 ? 'more files were already given once: make the edits with what you have' : 'the answer has no edits' }];
    } else {
      // A vanished worktree is a stop, not an objection the model could answer.
      await ensureWorktree(ctx.worktree, ctx.ticket.id);
      applied = await applyEdits(ctx.worktree.path, res.value.edits, {
        check: async (planned) => [...spec.check(planned), ...judgeObjections(planned, judge), ...frameworkPatches(planned, judge.tests), ...(await ignoredEdits(ctx.worktree.path, planned))],
        allowProtected: ctx.config.protectedPaths.allow,
      });
      // A protected place is a person's decision, not something to argue the model out of (nothing was written).
      if (applied.protectedPaths.length > 0) {
        const reasons = applied.protectedPaths.map((p) => applied?.objections.find((o) => o.where === p)?.message.replace(/^edit of `[^`]*` refused: /, '') ?? 'protected');
        throw new ProtectedPathsError(applied.protectedPaths, reasons, ctx.ticket.id);
      }
      objections = applied.objections;
      if (applied.ok) {
        const verdict = await spec.verify(applied);
        objections = verdict.objections;
        if (objections.length > 0 && verdict.revert) await restorePaths(ctx.worktree.path, [...applied.written, ...applied.deleted]);
      }
    }

    const rec: AttemptRecord = { attempt: n, modelKey: res.modelKey, model: res.model, why: `${spec.label}: ${res.why}`, objections, accepted: counts && objections.length === 0, chainIndex, escalated };
    await ctx.progress.recordAttempt(rec);
    log.push(rec);
    if (!counts) continue;
    if (mine.length === 0) await ctx.retryRate.record('edit', objections.length > 0);
    mine.push(rec);
    onLevel += 1;
    ctx.emit(stamp({ type: 'validatorVerdict', ticketId: ctx.ticket.id, phase: spec.phase, attempt: n, pass: objections.length === 0, objections }));
    if (objections.length === 0 && res.ok && applied !== undefined) return { ok: true, edits: res.value, applied, modelKey: res.modelKey, attempts: mine.length };
  }
}

/** The judge's rules for a step: code steps are every prompt but the tests step; the plan's (or diagnosis') paths are named. */
async function judgeRules(ctx: PhaseContext, spec: EditStepSpec): Promise<JudgeRules & { tests: ReadonlySet<string> }> {
  let files: string[] = [];
  let tests: string[] = [];
  try {
    const tasks = implementationWork(ctx).tasks;
    files = tasks.flatMap((t) => t.files);
    tests = tasks.flatMap((t) => t.tests);
  } catch {
    // No plan or diagnosis (a ciFix phase on its own): no existing test is named.
  }
  const t = ctx.ticket;
  const [frozen, pythonNames] = await Promise.all([frozenTests(ctx.worktree), pythonTopLevel(ctx.worktree.path)]);
  return {
    frozen: new Set(frozen), named: new Set([...files, ...tests]), codeStep: spec.prompt !== 'implementationTests',
    ticketText: [t.title, t.body, ...t.acceptanceCriteria].join('\n'), pythonNames, tests: new Set([...tests, ...frozen]),
  };
}
