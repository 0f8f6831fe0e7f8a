import { access, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { ShipwrightConfig } from '../config/shipwrightConfig';
import { WorktreeError } from '../workspace/worktreeError';
import { EpicSplit } from '../deliverables/epicSplit';
import { SpendGuard } from '../budget/spendGuard';
import { SpendStore } from '../budget/spendStore';
import { userStateDir } from '../budget/userStateDir';
import { AnthropicProvider } from '../models/anthropicProvider';
import type { ModelProvider, ProviderKind } from '../models/modelProvider';
import type { RuledOut } from '../models/modelRouter';
import { OllamaProvider } from '../models/ollamaProvider';
import { OpenAiProvider } from '../models/openaiProvider';
import type { PhaseId, Role } from '../pipeline/phaseId';
import { RetryRate } from '../pipeline/retryRate';
import { PipelineRunner, type PhaseHandler } from '../pipeline/pipelineRunner';
import { stamp, type EventSink, type PipelineEvent } from '../pipeline/pipelineEvent';
import type { RunState } from '../pipeline/runState';
import { RunStore } from '../pipeline/runStore';
import { stoppedStates } from '../pipeline/ticketState';
import type { ApprovalPort, ChangedFile, FileDecision } from '../ports/approvalPort';
import { branchDiff, changedFiles } from '../workspace/changedFiles';
import { renderPrompt } from '../prompts/promptLibrary';
import { routeFor } from '../ticket/route';
import type { Ticket } from '../ticket/ticket';
import { worktreePresent } from '../workspace/ensureWorktree';
import { WorktreeManager, type CreatedWorktree } from '../workspace/worktreeManager';
import { readWorktreeMeta } from '../workspace/worktreeMeta';
import { withRunGitConfig } from '../workspace/runGitConfig';
import { childTickets } from './childTickets';
import type { EngineApi, PhaseForecast, ResumeOptions, RunOptions } from './engineApi';
import { forecastRoute } from './forecastRoute';
import { finishTicket } from './finishTicket';
import { defaultPhaseHandlers } from './defaultPhaseHandlers';
import { newRunState } from './newRunState';
import { runWithConcurrency } from './runWithConcurrency';
import { schemaForPhase } from './schemaForPhase';

/** What the composition root gives the engine. `providers` replaces the real clients only where a caller must. */
export interface ShipwrightEngineOptions {
  /** Any folder inside the user's git working tree. */
  workspaceRoot: string;
  config: ShipwrightConfig;
  approvals: ApprovalPort;
  providers?: Partial<Record<ProviderKind, ModelProvider>>;
  /** Phase handlers by phase id; default: every phase of the three routes. */
  phases?: Partial<Record<PhaseId, PhaseHandler>>;
  /** Environment read for OLLAMA_HOST / ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** The Anthropic key when it does not come from the environment (VS Code SecretStorage). */
  anthropicApiKey?: string;
  /** The OpenAI key when it does not come from `OPENAI_API_KEY` (VS Code SecretStorage). */
  openaiApiKey?: string;
  /** Folder of the user's spend store (daily/monthly limits, cost warnings); default {@link userStateDir} of `env`. */
  spendDir?: string;
  /** The repository's learned retry rate; default: loaded from beside its runs. `shipwright eval` gives each run its own. */
  retryRate?: RetryRate;
}

/**
 * The engine: runs tickets through their routes in their own worktrees, keeps their states and run logs, and
 * emits one event stream. VS Code- and terminal-free; the CLI and the extension are adapters over it.
 */
export class ShipwrightEngine implements EngineApi {
  private readonly sinks = new Set<EventSink>();
  private readonly running = new Map<string, AbortController>();
  private readonly runner: PipelineRunner;

  private constructor(
    private readonly o: ShipwrightEngineOptions,
    private readonly store: RunStore,
    private readonly worktrees: WorktreeManager,
    readonly providers: Record<ProviderKind, ModelProvider>,
    private readonly spend: SpendGuard,
    retryRate: RetryRate,
  ) {
    this.runner = new PipelineRunner({
      config: o.config,
      store,
      providers,
      render: renderPrompt,
      approvals: o.approvals,
      phases: o.phases ?? defaultPhaseHandlers,
      emit: (e) => this.emit(e),
      spend,
      retryRate,
    });
  }

  /** @throws Error when `workspaceRoot` is not inside a git repository */
  static async create(o: ShipwrightEngineOptions): Promise<ShipwrightEngine> {
    const env = o.env ?? process.env;
    const store = await RunStore.forWorkspace(o.workspaceRoot);
    const worktrees = await WorktreeManager.open({ repoDir: o.workspaceRoot, config: o.config });
    const providers: Record<ProviderKind, ModelProvider> = {
      ollama: o.providers?.ollama ?? new OllamaProvider({ host: o.config.ollamaHost ?? env.OLLAMA_HOST, retry: o.config.retry, numCtxCeiling: o.config.ollama.numCtxCeiling ?? ceilingFrom(env), keepAlive: o.config.ollama.keepAlive }),
      anthropic:
        o.providers?.anthropic ??
        new AnthropicProvider({
          apiKey: o.anthropicApiKey ?? env.ANTHROPIC_API_KEY,
          baseURL: o.config.anthropicBaseUrl ?? env.ANTHROPIC_BASE_URL,
          retry: o.config.retry,
        }),
      openai: o.providers?.openai ?? new OpenAiProvider({ apiKey: o.openaiApiKey ?? (env.OPENAI_API_KEY || undefined), env, retry: o.config.retry }),
    };
    const spend = new SpendGuard(new SpendStore(o.spendDir ?? userStateDir(env)), o.config.spendLimits, path.resolve(o.workspaceRoot));
    // Beside the runs: one rate for the repository, whichever worktree a ticket runs in.
    const retryRate = o.retryRate ?? (await RetryRate.load(path.join(store.dir, '..', 'retry-rate.json')));
    return new ShipwrightEngine(o, store, worktrees, providers, spend, retryRate);
  }

  /** Where a ticket's run log (JSON lines of events) is. */
  eventLogPath(ticketId: string): string {
    return this.store.eventLogPath(ticketId);
  }

  onEvent(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  private emit(e: PipelineEvent): void {
    // The run log is written for every event but streaming progress (transient, twice a second); a failing write
    // must not stop the run, so it is reported instead.
    if (e.type !== 'progress') void this.store.appendEvent(e.ticketId, e).catch((err: unknown) => console.error(`run log: ${String(err)}`));
    for (const s of this.sinks) s(e);
  }

  async run(ticket: Ticket, opts: RunOptions = {}): Promise<RunState> {
    const existing = await this.store.load(ticket.id);
    if (existing) throw new Error(`ticket ${ticket.id} has a run already (state ${existing.state}); use resume, or give the ticket another id`);
    const state = newRunState(ticket, routeFor(ticket.kind), this.o.config.budgetUsd);
    // An epic child starts from the branches of the children it depends on, so it builds on their work.
    const deps = await Promise.all(ticket.dependsOn.map((d) => this.store.load(d)));
    const buildOn = deps.flatMap((d) => (d?.worktree && (d.state === 'ready' || d.state === 'done') ? [d.worktree.branch] : []));
    const created = await this.worktrees.create(ticket, { buildOn });
    state.worktree = { path: created.path, branch: created.branch, baseCommit: created.baseCommit, repoRoot: created.repoRoot };
    await this.store.save(state);
    this.emit(stamp({ type: 'ticketStarted', ticketId: ticket.id, title: ticket.title, kind: ticket.kind, route: state.route, parentId: ticket.parentId }));
    this.logCreated(ticket.id, created);
    return this.drive(state, opts.ruledOut);
  }

  /** What a person should know of a new worktree: how its dependencies came, and the uncommitted changes left out. */
  private logCreated(ticketId: string, created: CreatedWorktree): void {
    if (created.dependencies !== undefined && created.dependencies.how !== 'none') {
      const d = created.dependencies;
      this.emit(stamp({ type: 'log', ticketId, level: 'info', message: `dependencies: ${d.why}${d.command ? ` (\`${d.command}\`)` : ''} in ${(d.durationMs / 1000).toFixed(1)} s` }));
    }
    // Shipwright's own config is read from the checkout, so an uncommitted one is in effect, not left out.
    const left = created.uncommitted.filter((p) => !/^\.shipwright(\/|$)/.test(p));
    if (left.length > 0) {
      this.emit(stamp({
        type: 'log', ticketId, level: 'warn',
        message: `the ticket starts from commit ${created.baseCommit.slice(0, 10)}; your ${left.length} uncommitted change(s) are not included`,
      }));
    }
  }

  async resume(ticketId: string, opts: ResumeOptions = {}): Promise<RunState> {
    const state = await this.mustLoad(ticketId);
    if (this.running.has(ticketId)) throw new Error(`ticket ${ticketId} is running already`);
    if (state.state === 'done') return state;
    if (opts.budgetUsd !== undefined) {
      if (!(opts.budgetUsd > 0)) throw new Error(`a budget must be more than $0 (got ${opts.budgetUsd})`);
      state.budgetUsd = opts.budgetUsd;
    }
    const stuck = state.phases.find((p) => p.status === 'failed' || p.status === 'running');
    if (state.state === 'needs-human') {
      // A set-up stop before any model call: the worktree was made before the person's fix (a commit to the test
      // script, an install in the checkout). With nothing of the ticket's in it yet, it starts again from the
      // checkout as it is now. An epic child building on other children's branches keeps its base.
      const untouched = state.handoff?.kind === 'setup' && state.phases.every((p) => p.attempts.length === 0) && state.ticket.dependsOn.length === 0;
      if (untouched && state.worktree !== undefined) {
        const known = state.worktree;
        const renewed = await this.worktrees.renew(state.ticket, known).catch(async (e: unknown) => {
          // The new worktree exists when its set-up fails: the state must name its base, or the next resume would
          // count the commits since the old base (the person's fix) as the ticket's change.
          const meta = await readWorktreeMeta(known.path).catch(() => undefined);
          if (meta !== undefined && meta.baseCommit !== known.baseCommit) {
            state.worktree = { ...known, branch: meta.branch, baseCommit: meta.baseCommit };
            await this.store.save(state);
          }
          throw e;
        });
        if (renewed !== undefined) {
          const from = state.worktree.baseCommit;
          state.worktree = { path: renewed.path, branch: renewed.branch, baseCommit: renewed.baseCommit, repoRoot: renewed.repoRoot };
          await this.store.save(state);
          this.emit(stamp({
            type: 'log', ticketId, level: 'info',
            message: renewed.baseCommit === from
              ? `the worktree was made again from commit ${from.slice(0, 10)}, with the dependencies as your checkout has them now`
              : `the worktree now starts from your checkout's commit ${renewed.baseCommit.slice(0, 10)} (it started from ${from.slice(0, 10)}, and nothing of the ticket's was in it yet)`,
          }));
          this.logCreated(ticketId, renewed);
        }
      }
      // Answered by the resume (a stop before any phase, such as the test preflight's, has no stuck phase).
      state.handoff = undefined;
      if (stuck) {
        // A person's retry: earlier objections stay in the prompt, the attempt cap starts again.
        stuck.status = 'pending';
        stuck.countFrom = stuck.attempts.length;
      }
    }
    if (opts.modelKey) {
      if (!(opts.modelKey in this.o.config.models)) throw new Error(`unknown model "${opts.modelKey}" (known: ${Object.keys(this.o.config.models).join(', ')})`);
      state.forcedModel = { phase: (stuck ?? state.phases.find((p) => p.status !== 'done'))?.phase ?? state.route[0], modelKey: opts.modelKey };
    }
    return this.drive(state, opts.ruledOut);
  }

  async continueWith(ticketId: string, deliverable: unknown): Promise<RunState> {
    const state = await this.mustLoad(ticketId);
    const stuck = state.phases.find((p) => p.status === 'failed');
    if (!stuck || state.state !== 'needs-human') throw new Error(`ticket ${ticketId} is not waiting for a person (state ${state.state})`);
    const { schema, render } = schemaForPhase(stuck.phase);
    const r = schema.safeParse(deliverable);
    if (!r.success) throw new Error(`the edited ${stuck.phase} deliverable does not fit its schema: ${r.error.message}`);
    stuck.attempts.push({ attempt: stuck.attempts.length + 1, modelKey: 'human', model: 'human', why: 'edited by a person', objections: [], accepted: true, chainIndex: 0, escalated: false });
    stuck.status = 'pending';
    state.handoff = undefined;
    state.acceptedByHuman = { phase: stuck.phase, deliverable: r.data, markdown: render(r.data) };
    return this.drive(state);
  }

  cancel(ticketId: string): void {
    const c = this.running.get(ticketId);
    if (c) c.abort();
    else
      void this.store.load(ticketId).then(async (s) => {
        if (s && s.state !== 'done') {
          s.state = 'cancelled';
          s.reason = 'stopped by the user';
          await this.store.save(s);
          this.emit(stamp({ type: 'stateChanged', ticketId, state: 'cancelled', reason: s.reason }));
        }
      });
  }

  list(): Promise<RunState[]> {
    return this.store.list();
  }

  get(ticketId: string): Promise<RunState | undefined> {
    return this.store.load(ticketId);
  }

  forecast(ticket: Ticket, picked?: Partial<Record<Role, string>>): Promise<PhaseForecast[]> {
    return forecastRoute(ticket, this.o.config, { repoRoot: this.o.workspaceRoot, picked });
  }

  /** The files a ticket's branch changed against its base commit, with +/− counts and content hashes. */
  async changedFiles(ticketId: string): Promise<ChangedFile[]> {
    const s = await this.mustLoad(ticketId);
    if (!s.worktree) throw new Error(`ticket ${ticketId} has no worktree`);
    return changedFiles(s.worktree);
  }

  /** The unified diff of a ticket's branch against its base (one file when `path` is given). */
  async diff(ticketId: string, path?: string): Promise<string> {
    const s = await this.mustLoad(ticketId);
    if (!s.worktree) throw new Error(`ticket ${ticketId} has no worktree`);
    return branchDiff(s.worktree, { path });
  }

  /** Removes a ticket's worktree and branch — only when a person asks; the run state and log stay. */
  async clean(ticketId: string): Promise<void> {
    if (this.running.has(ticketId)) throw new Error(`ticket ${ticketId} is running; cancel it first`);
    await this.worktrees.remove(ticketId, { deleteBranch: true });
  }

  /**
   * Deletes a stopped ticket for good: its worktree and branch (when they still exist), then its stored run and
   * run log. @throws Error when the ticket is running (cancel it first)
   */
  async deleteRun(ticketId: string): Promise<void> {
    if (this.running.has(ticketId)) throw new Error(`ticket ${ticketId} is running; cancel it first`);
    const branch = (await this.store.load(ticketId))?.worktree?.branch;
    await this.worktrees.remove(ticketId, { deleteBranch: true }).catch(async (e: unknown) => {
      if (!(e instanceof WorktreeError && e.reason === 'notFound')) throw e;
      // The folder is gone (merged and removed, or deleted by hand): its branch may still be there.
      if (branch) await this.worktrees.removeOrphanBranch(ticketId, branch);
    });
    await this.store.remove(ticketId);
  }

  async finish(ticketId: string, decisions: FileDecision[], mode: 'merge' | 'keep-branch'): Promise<RunState> {
    const state = await this.mustLoad(ticketId);
    const sentBack = decisions.filter((d) => d.decision === 'reject' && d.sendBack);
    if (sentBack.length) return this.sendBack(state, sentBack);
    const r = await finishTicket(state, decisions, mode, { includeDeliverables: this.o.config.worktree.mergeDeliverables });
    await this.store.save(r);
    this.emit(stamp({ type: 'stateChanged', ticketId, state: r.state, reason: r.reason }));
    return r;
  }

  /** Rejected files a person sends back: implementation runs again with them as objections, then review. */
  private async sendBack(state: RunState, rejected: FileDecision[]): Promise<RunState> {
    const impl = state.phases.find((p) => p.phase === 'implementation');
    if (!impl || state.state !== 'ready') throw new Error(`ticket ${state.ticket.id} cannot take files back (state ${state.state})`);
    impl.attempts.push({
      attempt: impl.attempts.length + 1, modelKey: 'human', model: 'human', why: 'files rejected by a person', accepted: false, chainIndex: 0, escalated: false,
      objections: rejected.map((d) => ({ source: 'human' as const, where: d.path, message: d.reason ?? 'rejected by the reviewer' })),
    });
    // Implementation's human-fix step answers the objections; each phase from it on gets a fresh attempt cap.
    for (const p of state.phases.slice(state.phases.indexOf(impl))) {
      p.status = 'pending';
      p.countFrom = p.attempts.length;
    }
    return this.drive(state);
  }

  /**
   * A run state is a file on disk and may have been edited: before resume or finish use its worktree, it must be
   * one of this repository's Shipwright worktrees, on a `shipwright/` branch, for this ticket — never the user's
   * checkout (a commit there would land on their branch).
   * @throws Error naming what does not match
   */
  private async checkWorktree(s: RunState): Promise<void> {
    const wt = s.worktree;
    if (wt === undefined) return;
    const ours = (await this.worktrees.list()).find((w) => w.ticketId === s.ticket.id);
    const problem = !wt.branch.startsWith('shipwright/') ? `its branch ${wt.branch} is not a shipwright/ branch`
      // No worktree of ours: a missing folder is what resume re-creates; an existing one is someone else's.
      : ours === undefined ? (await pathExists(wt.path) ? `${wt.path} is not this ticket's Shipwright worktree` : undefined)
      : ours.path !== (await realpathOr(wt.path)) || ours.branch !== wt.branch ? `it names ${wt.path} on ${wt.branch}, but the ticket's worktree is ${ours.path} on ${ours.branch}`
      : undefined;
    if (problem !== undefined || (await realpathOr(wt.path)) === this.worktrees.repoRoot) {
      throw new Error(`the run state of ${s.ticket.id} does not point at its own worktree (${problem ?? 'it names your checkout'}); refusing to use it`);
    }
  }

  private async mustLoad(ticketId: string): Promise<RunState> {
    const s = await this.store.load(ticketId);
    if (!s) throw new Error(`no run of ticket "${ticketId}" in this repository (see \`shipwright status\`)`);
    await this.checkWorktree(s);
    return s;
  }

  /** Runs a state to a stop; an epic that split goes on to run its children. */
  private async drive(state: RunState, ruledOut: RuledOut = {}): Promise<RunState> {
    const id = state.ticket.id;
    const controller = new AbortController();
    this.running.set(id, controller);
    try {
      const worktree = state.worktree ?? (await this.worktrees.open(id));
      if (!(await worktreePresent(worktree))) {
        // Deleted while it ran (or since): back from the ticket's branch, with every committed step.
        await this.worktrees.recreate(id, worktree);
        this.emit(stamp({ type: 'log', ticketId: id, level: 'info', message: `re-created the missing worktree ${worktree.path} from branch ${worktree.branch}` }));
      }
      // The run's git configuration (identity, hooks folder) is read once, not before every commit and path check.
      await withRunGitConfig(worktree.path, () => this.runner.run(state, worktree, controller.signal, ruledOut));
    } finally {
      this.running.delete(id);
    }
    // The ticket's total feeds the medians behind later cost warnings; a store that cannot be written costs a warning, not the run.
    await this.spend.ticketStopped({ ticketId: id, kind: state.ticket.kind, usd: state.ledger.reduce((n, r) => n + r.usd, 0) }).catch((e: unknown) =>
      this.emit(stamp({ type: 'log', ticketId: id, level: 'warn', message: `spend store: ${e instanceof Error ? e.message : String(e)}` })));
    if (state.ticket.kind === 'epic' && state.state === 'ready') await this.runChildren(state, ruledOut);
    await this.store.idle(id); // the run log is complete when the run returns
    return state;
  }

  /** Runs an epic's children as features, `config.concurrency` at a time, in dependency order. */
  private async runChildren(epic: RunState, ruledOut: RuledOut): Promise<void> {
    const split = EpicSplit.parse(epic.phases.find((p) => p.phase === 'split')?.deliverable);
    const children = childTickets(epic.ticket, split);
    epic.children = children.map((c) => c.id);
    await this.store.save(epic);
    this.emit(stamp({ type: 'childTickets', ticketId: epic.ticket.id, children: children.map((c) => ({ id: c.id, title: c.title, dependsOn: c.dependsOn })) }));
    const results = await runWithConcurrency(
      children,
      this.o.config.concurrency,
      async (child) => {
        const prior = await this.store.load(child.id);
        if (!prior) return this.run(child, { ruledOut });
        return stoppedStates.includes(prior.state) && prior.state !== 'cancelled' ? prior : this.resume(child.id, { ruledOut });
      },
      (s) => s.state === 'ready' || s.state === 'done',
    );
    const notReady = children.filter((c) => {
      const r = results.get(c.id);
      return !(r && 'result' in r && (r.result.state === 'ready' || r.result.state === 'done'));
    });
    epic.state = notReady.length ? 'needs-human' : 'done';
    epic.reason = notReady.length
      ? `child tickets not ready: ${notReady.map((c) => { const r = results.get(c.id); return `${c.id} (${r && 'result' in r ? r.result.state : `blocked by ${r?.blocked ?? 'unknown'}`})`; }).join(', ')}`
      : `all ${children.length} child tickets are ready`;
    await this.store.save(epic);
    this.emit(stamp({ type: 'stateChanged', ticketId: epic.ticket.id, state: epic.state, reason: epic.reason }));
  }
}

/** `OLLAMA_CONTEXT_LENGTH` of the engine's environment as a num_ctx ceiling, tokens (undefined when unset or not a number). */
function ceilingFrom(env: NodeJS.ProcessEnv): number | undefined {
  const n = Number.parseInt(env.OLLAMA_CONTEXT_LENGTH ?? '', 10);
  return n > 0 ? n : undefined;
}

async function realpathOr(p: string): Promise<string> {
  return realpath(p).catch(() => p);
}

async function pathExists(p: string): Promise<boolean> {
  return access(p).then(() => true, () => false);
}
