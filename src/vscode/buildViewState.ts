import type { ChangedFile } from '../core/ports/approvalPort';
import type { RunState } from '../core/pipeline/runState';
import type { FileApproval, TicketDetail, TicketGroup, TicketRow, ViewState } from '../shared/viewState';
import type { LiveAttempt } from './liveProgress';
import type { ModelCheck } from './modelSetup';
import { runUsd, spendByProvider, todayUsd } from './spend';

/** A run and the name of the workspace folder it belongs to. */
export interface FolderRun {
  folder: string;
  run: RunState;
}

/** What the panel shows besides the runs themselves. */
export interface ViewExtras {
  trusted: boolean;
  selectedId?: string;
  /** The selected ticket's changed files, with the person's decision on each. */
  files?: { file: ChangedFile; approval: FileApproval }[];
  checkpoint?: { phase: string; markdown: string };
  modelKeys: string[];
  /** The last model check: which model each role will really run on, and the models with prices. */
  models?: ModelCheck;
  checkingModels?: boolean;
  /** The attempt each running ticket is at (from the engine's events). */
  live?: (ticketId: string) => LiveAttempt | undefined;
  notice?: ViewState['notice'];
  now: Date;
}

const GROUP: Record<RunState['state'], TicketGroup> = {
  queued: 'running',
  running: 'running',
  'awaiting-approval': 'needs-human',
  'needs-human': 'needs-human',
  'budget-exceeded': 'needs-human',
  ready: 'ready',
  done: 'done',
  failed: 'stopped',
  cancelled: 'stopped',
};
const ORDER: TicketGroup[] = ['running', 'needs-human', 'ready', 'done', 'stopped'];

/**
 * The panel's snapshot from the runs on disk (the engine's own record: nothing of the pipeline is recomputed
 * here) and the review state held by the extension. Tickets are grouped running, needs-human, ready, done,
 * stopped, newest first within a group. The selected ticket defaults to the first one.
 */
export function buildViewState(runs: readonly FolderRun[], x: ViewExtras): ViewState {
  const rows: TicketRow[] = runs
    .map(({ folder, run }) => ({ id: run.ticket.id, title: run.ticket.title, kind: run.ticket.kind, state: run.state, group: GROUP[run.state], usd: runUsd(run), folder, updatedAt: run.updatedAt }))
    .sort((a, b) => ORDER.indexOf(a.group) - ORDER.indexOf(b.group) || b.updatedAt.localeCompare(a.updatedAt))
    .map(({ updatedAt: _updatedAt, ...row }) => row);
  const selected = runs.find((r) => r.run.ticket.id === x.selectedId) ?? runs.find((r) => r.run.ticket.id === rows[0]?.id);
  return {
    trusted: x.trusted,
    tickets: rows,
    selected: selected ? detailOf(selected.run, x) : undefined,
    todayUsd: todayUsd(runs.map((r) => r.run), x.now),
    modelKeys: x.modelKeys,
    models: x.models?.choices ?? [],
    setup: x.models?.setup,
    checkingModels: x.checkingModels ?? false,
    notice: x.notice,
  };
}

function detailOf(run: RunState, x: ViewExtras): TicketDetail {
  const phases = run.route.map((phase) => {
    const rec = run.phases.find((p) => p.phase === phase);
    return {
      phase,
      status: rec?.status ?? 'pending',
      attempts: (rec?.attempts ?? []).map((a) => ({ attempt: a.attempt, modelKey: a.modelKey, model: a.model, why: a.why, accepted: a.accepted, objections: a.objections.map((o) => ({ ...o })) })),
      hasDeliverable: rec?.markdown !== undefined,
      plannedModel: plannedModelOf(phase, x.models),
      ...spendByProvider(run.ledger.filter((r) => r.phase === phase)),
    };
  });
  const all = spendByProvider(run.ledger);
  const files = x.files ?? [];
  return {
    id: run.ticket.id,
    title: run.ticket.title,
    kind: run.ticket.kind,
    state: run.state,
    reason: run.reason,
    budgetUsd: run.budgetUsd,
    phases,
    validation: spendByProvider(run.ledger.filter((r) => r.phase === 'validation')),
    ...all,
    totalUsd: all.local.usd + all.cloud.usd,
    files: files.map(({ file, approval }) => ({ path: file.path, status: file.status, added: file.added, removed: file.removed, approval, ...(file.flags ? { flags: file.flags } : {}) })),
    reviewable: run.state === 'ready',
    handoff: run.handoff && {
      phase: run.handoff.phase,
      text: run.handoff.text,
      openObjections: run.handoff.openObjections.map((o) => ({ ...o })),
      attempts: run.handoff.attempts.length,
      ...(run.handoff.kind ? { kind: run.handoff.kind } : {}),
    },
    checkpoint: x.checkpoint,
    running: run.state === 'running' ? x.live?.(run.ticket.id) : undefined,
    retryDefault: retryDefaultOf(run, x.models),
  };
}

/**
 * The model a retry should start on: the next model up the stuck phase's chain after the last one tried that can
 * run now; else the strongest (last) model of the chain that can; else undefined.
 */
function retryDefaultOf(run: RunState, check: ModelCheck | undefined): string | undefined {
  // A set-up stop is resumed as it is: no model to choose.
  if (run.handoff?.kind === 'setup') return undefined;
  const phase = run.handoff?.phase ?? run.phases.find((p) => p.status === 'failed' || p.status === 'running')?.phase;
  if (!phase || !check) return undefined;
  const chain = check.chains[phase] ?? [];
  const canRun = (k: string): boolean => check.choices.some((c) => c.key === k && c.unavailable === undefined);
  const lastKey = run.phases.find((p) => p.phase === phase)?.attempts.at(-1)?.modelKey;
  const after = lastKey ? chain.slice(chain.indexOf(lastKey) + 1) : chain;
  return after.find(canRun) ?? [...chain].reverse().find(canRun);
}

/** "local-large (qwen3-coder:30b)": the model a phase will run on per the last model check. */
function plannedModelOf(phase: string, check: ModelCheck | undefined): string | undefined {
  const p = check?.setup.phases.find((m) => m.phase === phase);
  return p?.modelKey ? `${p.modelKey} (${p.model ?? '?'})` : undefined;
}
