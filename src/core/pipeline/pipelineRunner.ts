import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ShipwrightConfig } from '../config/shipwrightConfig';
import { deliverableFileName } from '../deliverables/renderMarkdown';
import { BudgetExceededError } from '../models/budgetExceededError';
import { ChainExhaustedError } from '../models/chainExhaustedError';
import type { SpendGuard } from '../budget/spendGuard';
import type { ModelProvider, ProviderKind } from '../models/modelProvider';
import { ModelRouter, type RuledOut } from '../models/modelRouter';
import { ProviderError } from '../models/providerError';
import type { ApprovalPort } from '../ports/approvalPort';
import { commitChanges } from '../workspace/commitAll';
import { ensureWorktree } from '../workspace/ensureWorktree';
import { withoutLocalPaths } from '../workspace/localPaths';
import { WorktreeError } from '../workspace/worktreeError';
import { ModelSession } from './modelSession';
import { RetryRate } from './retryRate';
import type { PhaseContext, WorktreeInfo } from './phaseContext';
import type { PhaseId } from './phaseId';
import type { PhaseOutcome } from './phaseOutcome';
import { sanitizeMarkdown } from './sanitizeText';
import { stamp, type EventSink } from './pipelineEvent';
import type { PhaseRecord, RunState } from './runState';
import type { RunStore } from './runStore';
import { ProtectedPathsError } from './protectedPathsError';
import { reportRefused } from './reportRefused';
import { testPreflight } from './phases/testPreflight';
import type { BaselineRun } from './implementation/baselineRun';
import type { TicketState } from './ticketState';

/** A phase: gets its context, returns its outcome. */
export type PhaseHandler = (ctx: PhaseContext) => Promise<PhaseOutcome>;

/** The runner's collaborators, built once in the composition root. */
export interface PipelineRunnerOptions {
  config: ShipwrightConfig;
  store: RunStore;
  providers: Record<ProviderKind, ModelProvider>;
  render: (prompt: string, vars: Record<string, string>) => { system: string; user: string };
  approvals: ApprovalPort;
  phases: Partial<Record<PhaseId, PhaseHandler>>;
  emit: EventSink;
  /** The user's spend across tickets (daily/monthly limits, cost warnings); absent in tests that need none. */
  spend?: SpendGuard;
  /** This repository's learned retry rate (weighs prompt-cache writes); in memory when absent. */
  retryRate?: RetryRate;
}

/**
 * Runs a ticket's route phase by phase, each a session of its own that receives only the deliverables it needs.
 * After every step (an attempt, a finished phase) the run state is written atomically, and every billed call is
 * appended to the run's ledger (see RunStore), so a killed run resumes where it stopped. Each accepted deliverable
 * is written as markdown into the worktree (`.shipwright/<id>/NN-<phase>.md`) and committed, one commit per phase.
 * Stops, with the reason in the state: needs-human (handoff), budget-exceeded, failed (no model could answer, or
 * an error), cancelled. Ends `ready` when the route is done (an epic's children are run by the engine).
 */
export class PipelineRunner {
  private readonly retryRate: RetryRate;

  constructor(private readonly o: PipelineRunnerOptions) {
    this.retryRate = o.retryRate ?? RetryRate.inMemory();
  }

  /**
   * Runs `state` (new, or loaded for resume) until it stops. `state` is updated in place and returned.
   * `ruledOut`: models found unusable before the run (`resolvePhaseModels`); no call is made to them.
   */
  async run(state: RunState, worktree: WorktreeInfo, signal: AbortSignal, ruledOut: RuledOut = {}): Promise<RunState> {
    const id = state.ticket.id;
    const save = () => this.o.store.save(state);
    const setState = async (s: TicketState, reason: string) => {
      state.state = s;
      state.reason = reason;
      await save();
      this.o.emit(stamp({ type: 'stateChanged', ticketId: id, state: s, reason }));
    };
    await setState('running', `running ${state.route.join(' → ')}`);
    const context = (rec: PhaseRecord, baselineRun?: BaselineRun): PhaseContext => ({
      ticket: state.ticket,
      config: this.o.config,
      deliverables: Object.fromEntries(state.phases.filter((p) => p.status === 'done').map((p) => [p.phase, p.deliverable])),
      worktree,
      session: this.session(state, rec.phase, signal, ruledOut),
      approvals: this.o.approvals,
      emit: this.o.emit,
      signal,
      retryRate: this.retryRate,
      progress: {
        attempts: rec.attempts,
        countFrom: rec.countFrom,
        recordAttempt: async (a) => {
          rec.attempts.push(a);
          await save();
        },
      },
      baselineRun,
    });

    try {
      // When model phases come before implementation, the test command is run and judged first: a suite that can
      // judge nothing (a runner npx cannot fetch, a linter that already fails) stops the ticket before the spec,
      // design and plan are paid for. Implementation reuses the run while the code is unchanged. An epic has no
      // implementation of its own, but every child's would stop on the same suite: it is checked before the
      // epic's spec, design and split are paid for (each child still checks its own worktree).
      let baselineRun: BaselineRun | undefined;
      const implementation = state.phases.find((p) => p.phase === 'implementation' && p.status === 'pending' && p.attempts.length === 0);
      const split = state.ticket.kind === 'epic' ? state.phases.find((p) => p.phase === 'split' && p.status === 'pending' && p.attempts.length === 0) : undefined;
      const next = state.phases.find((p) => p.status !== 'done' && p.status !== 'skipped');
      const checkFor = implementation !== undefined && next !== implementation ? implementation : split;
      if (checkFor !== undefined && next !== undefined) {
        await ensureWorktree(worktree, id);
        const pre = await testPreflight(context(checkFor));
        if (!pre.ok) {
          state.handoff = pre.summary;
          await save();
          this.o.emit(stamp({ type: 'handoff', ticketId: id, summary: pre.summary }));
          await setState('needs-human', pre.summary.text);
          return state;
        }
        if (checkFor === implementation) baselineRun = pre.baselineRun;
      }

      for (const [index, rec] of state.phases.entries()) {
        if (rec.status === 'done' || rec.status === 'skipped') continue;
        const handler = this.o.phases[rec.phase];
        if (!handler) throw new Error(`no handler for phase ${rec.phase}`);
        rec.status = 'running';
        rec.startedAt ??= new Date().toISOString();
        await save();
        await ensureWorktree(worktree, id);

        const ctx = context(rec, rec.phase === 'implementation' ? baselineRun : undefined);
        const human = state.acceptedByHuman?.phase === rec.phase ? state.acceptedByHuman : undefined;
        const outcome: PhaseOutcome = human ? { status: 'done', deliverable: human.deliverable, markdown: human.markdown } : await handler(ctx);
        // Deliverables are model-written and VS Code previews them: no remote images, no active HTML.
        if (outcome.status === 'done') outcome.markdown = sanitizeMarkdown(outcome.markdown);
        state.acceptedByHuman = undefined;
        if (outcome.status === 'needs-human') {
          rec.status = 'failed';
          state.handoff = outcome.summary;
          await save();
          this.o.emit(stamp({ type: 'handoff', ticketId: id, summary: outcome.summary }));
          await setState('needs-human', outcome.summary.text);
          return state;
        }
        const rel = path.posix.join('.shipwright', id, deliverableFileName(rec.phase, index + 1));
        // Checked again before writing: a folder deleted during the phase must not be re-created as a plain one.
        await ensureWorktree(worktree, id);
        await fs.mkdir(path.join(worktree.path, path.dirname(rel)), { recursive: true });
        // The deliverable is committed on the branch, which may be pushed: no paths of this machine in it.
        await fs.writeFile(path.join(worktree.path, rel), withoutLocalPaths(outcome.markdown, worktree));
        reportRefused({ ticket: state.ticket, emit: this.o.emit }, (await commitChanges(worktree, `shipwright(${id}): ${rec.phase} — ${state.ticket.title}`, { ownFiles: [rel], secretFiles: this.o.config.secretFiles })).refused);
        if (state.forcedModel?.phase === rec.phase) state.forcedModel = undefined;
        Object.assign(rec, { status: 'done', deliverable: outcome.deliverable, markdown: outcome.markdown, path: rel, finishedAt: new Date().toISOString() });
        await save();
        this.o.emit(stamp({ type: 'phaseFinished', ticketId: id, phase: rec.phase, attempts: rec.attempts.length, markdown: outcome.markdown, path: rel }));
      }
      await setState('ready', state.ticket.kind === 'epic' ? 'split into child tickets' : `branch ${worktree.branch} is ready for review`);
    } catch (e) {
      const running = state.phases.find((p) => p.status === 'running');
      if (running) running.status = 'pending';
      if (e instanceof BudgetExceededError) await setState('budget-exceeded', e.message);
      else if (signal.aborted || ProviderError.is(e, 'cancelled')) await setState('cancelled', 'cancelled by the user');
      else if (e instanceof ChainExhaustedError) await setState('failed', e.message);
      else if (e instanceof ProtectedPathsError) {
        // A person decides: the handoff names the paths and how to allow them; resume runs the phase again.
        state.handoff = { ticketId: id, phase: running?.phase ?? 'implementation', attempts: [], openObjections: [{ source: 'edit', message: e.message }], text: e.message };
        this.o.emit(stamp({ type: 'handoff', ticketId: id, summary: state.handoff }));
        await setState('needs-human', e.message);
      }
      else if (WorktreeError.is(e, 'missing')) await setState('failed', e.message);
      else await setState('failed', `${running?.phase ?? 'run'} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    return state;
  }

  /** A model session billed to this ticket: every call is appended to the run's ledger on disk before it goes on. */
  private session(state: RunState, phase: PhaseId, signal: AbortSignal, ruledOut: RuledOut): ModelSession {
    let config: ShipwrightConfig = { ...this.o.config, budgetUsd: state.budgetUsd };
    const forced = state.forcedModel?.phase === phase ? state.forcedModel.modelKey : undefined;
    if (forced) {
      // A person chose the model: it leads the phase's chain; the rest stays behind it for fall-through.
      const chain = new ModelRouter(config).chain(phase).map((m) => m.key);
      config = { ...config, chains: { ...config.chains, [phase]: [forced, ...chain.filter((k) => k !== forced)] } };
      // A person's choice is tried even when the check before the run ruled it out: the call says why it fails.
      ruledOut = Object.fromEntries(Object.entries(ruledOut).filter(([k]) => k !== forced));
    }
    const spend = this.o.spend;
    return new ModelSession({
      ticketId: state.ticket.id,
      config,
      router: new ModelRouter(config, ruledOut),
      providers: this.o.providers,
      render: this.o.render,
      spentUsd: () => state.ledger.reduce((sum, r) => sum + r.usd, 0),
      record: async (r) => {
        state.ledger.push(r);
        await this.o.store.appendLedger(state);
        const ticketUsd = state.ledger.reduce((sum, x) => sum + x.usd, 0);
        this.o.emit(stamp({ type: 'usage', ticketId: state.ticket.id, record: r, ticketUsd, budgetUsd: state.budgetUsd }));
        const warning = await spend?.afterCall(r, { kind: state.ticket.kind, usd: ticketUsd }).catch((e: unknown) => {
          this.o.emit(stamp({ type: 'log', ticketId: state.ticket.id, level: 'warn', message: `spend store: ${e instanceof Error ? e.message : String(e)}` }));
          return undefined;
        });
        if (warning) this.o.emit(stamp({ type: 'costWarning', ...warning }));
      },
      emit: this.o.emit,
      signal,
      beforeCall: spend ? (usd) => spend.beforeCall(usd) : undefined,
    });
  }
}
