import * as vscode from 'vscode';
import type { RunState } from '../core/pipeline/runState';
import type { ChangedFile } from '../core/ports/approvalPort';
import { changedFiles } from '../core/workspace/changedFiles';
import type { ViewState } from '../shared/viewState';
import { buildViewState, type FolderRun } from './buildViewState';
import type { FolderEngines } from './folderEngines';
import { LiveProgress } from './liveProgress';
import type { ModelCheck } from './modelSetup';
import type { ReviewDesk } from './reviewDesk';
import { RunIndex } from './runIndex';

/** A run with its workspace folder. */
export interface BoardRun {
  folder: vscode.WorkspaceFolder;
  run: RunState;
}

/** States whose branch holds a change worth listing. */
const WITH_CHANGES: ReadonlySet<RunState['state']> = new Set(['ready', 'awaiting-approval', 'needs-human', 'budget-exceeded', 'done', 'failed', 'cancelled']);

/**
 * What the panel and the status bar show, read from the engines (their runs on disk) and the review desk.
 * Every run is read once per folder; after that an engine event re-reads only the run it names (see RunIndex).
 * Updates are coalesced (many events in one tick make one update) and each publishes a full `ViewState` snapshot.
 */
export class PipelineBoard implements vscode.Disposable {
  private runs: BoardRun[] = [];
  private selectedId: string | undefined;
  private notice: ViewState['notice'];
  private modelKeys: string[] = [];
  private models: ModelCheck | undefined;
  private checkingModels = false;
  private last: ViewState;
  private pending: Promise<void> | undefined;
  /** The one more load that serves every request made during `pending`. */
  private followUp: Promise<void> | undefined;
  private readonly index = new RunIndex<vscode.WorkspaceFolder>();
  /** A full re-read was asked for (`refresh`) since the last update. */
  private fullWanted = true;
  /** Runs named by events since the last update, by folder key. */
  private readonly dirty = new Map<string, Set<string>>();
  private readonly filesSeen = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<ViewState>();
  /** Fires with every new snapshot. */
  readonly onDidChange = this.emitter.event;

  /** What each running ticket is doing now (fed from the engines' events by the composition root). */
  readonly live = new LiveProgress();

  constructor(private readonly engines: FolderEngines, private readonly desk: ReviewDesk) {
    this.last = this.build();
  }

  /** The newest snapshot. */
  get snapshot(): ViewState {
    return this.last;
  }

  /** Every known run, newest state. */
  get allRuns(): readonly BoardRun[] {
    return this.runs;
  }

  /** A known run by ticket id. */
  find(ticketId: string): BoardRun | undefined {
    return this.runs.find((r) => r.run.ticket.id === ticketId);
  }

  select(ticketId: string): void {
    this.selectedId = ticketId;
    this.notice = undefined;
    void this.refresh();
  }

  /** Shows the newest model check (and whether one is under way) in the panel. */
  setModels(check: ModelCheck | undefined, checking: boolean): void {
    this.models = check;
    this.checkingModels = checking;
    this.publish();
  }

  /** Shows a message in the panel until the next selection or notice. */
  say(level: 'info' | 'error', text: string): void {
    this.notice = { level, text };
    this.publish();
  }

  /** Makes the next refresh list a ticket's changed files again (its branch moved without a state change). */
  forgetFiles(ticketId: string): void {
    this.filesSeen.delete(ticketId);
  }

  /** Re-reads every built engine's runs; calls during a refresh are folded into one more refresh after it. */
  refresh(): Promise<void> {
    this.fullWanted = true;
    return this.schedule();
  }

  /** After an engine event: re-reads the one run it names (a folder read for the first time is read whole). */
  runChanged(folder: vscode.WorkspaceFolder, ticketId: string): Promise<void> {
    const key = folder.uri.toString();
    const ids = this.dirty.get(key) ?? new Set<string>();
    ids.add(ticketId);
    this.dirty.set(key, ids);
    return this.schedule();
  }

  /**
   * Runs a load now, or — while one runs — one more after it for every request made meanwhile, and resolves when
   * the load that saw the request has finished: a caller that awaits a refresh after a run stopped (the Run Ticket
   * command) then finds the run's final state, not the one an earlier load read while it was still running.
   */
  private schedule(): Promise<void> {
    if (this.pending) {
      const after = (): Promise<void> => {
        this.followUp = undefined;
        return this.schedule();
      };
      this.followUp ??= this.pending.then(after, after);
      return this.followUp;
    }
    this.pending = this.load().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  /** Publishes a snapshot from what is already loaded (e.g. after a review decision). */
  publish(): void {
    this.last = this.build();
    this.emitter.fire(this.last);
  }

  private async load(): Promise<void> {
    const full = this.fullWanted;
    const dirty = new Map(this.dirty);
    this.fullWanted = false;
    this.dirty.clear();
    const keys = new Set<string>();
    const folders = new Set<string>();
    for (const { folder, engine, config } of await this.engines.built()) {
      Object.keys(config.models).forEach((k) => keys.add(k));
      const key = folder.uri.toString();
      folders.add(key);
      try {
        if (full || !this.index.has(key)) await this.index.loadAll(key, folder, engine);
        else for (const id of dirty.get(key) ?? []) await this.index.update(key, folder, engine, id);
      } catch (e) {
        this.notice = { level: 'error', text: `${folder.name}: cannot read runs: ${e instanceof Error ? e.message : String(e)}` };
      }
    }
    this.index.keep(folders);
    this.runs = this.index.all();
    this.modelKeys = [...keys];
    await this.loadFiles();
    this.publish();
  }

  /** Lists the selected ticket's changed files once per written state (git is not asked on every event). */
  private async loadFiles(): Promise<void> {
    const sel = this.find(this.selectedId ?? '') ?? this.runs[0];
    const wt = sel?.run.worktree;
    if (!sel || !wt || !WITH_CHANGES.has(sel.run.state)) return;
    const id = sel.run.ticket.id;
    const stamp = `${sel.run.updatedAt}|${sel.run.state}`;
    if (this.filesSeen.get(id) === stamp && this.desk.files(id)) return;
    let files: ChangedFile[];
    try {
      files = await changedFiles(wt);
    } catch {
      return; // the worktree is gone (merged and removed): nothing left to list
    }
    this.filesSeen.set(id, stamp);
    this.desk.show(id, wt.path, wt.baseCommit, files);
  }

  private build(): ViewState {
    const runs: FolderRun[] = this.runs.map((r) => ({ folder: r.folder.name, run: r.run }));
    const selectedId = this.find(this.selectedId ?? '')?.run.ticket.id ?? this.runs[0]?.run.ticket.id;
    const files = selectedId ? this.desk.files(selectedId) : undefined;
    return buildViewState(runs, {
      trusted: vscode.workspace.isTrusted,
      selectedId,
      files: files?.map((file) => ({ file, approval: this.desk.approvalOf(selectedId ?? '', file) })),
      checkpoint: selectedId ? this.desk.checkpoint(selectedId) : undefined,
      modelKeys: this.modelKeys,
      models: this.models,
      checkingModels: this.checkingModels,
      live: (id) => this.live.of(id),
      notice: this.notice,
      now: new Date(),
    });
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
