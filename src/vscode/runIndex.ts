import type { RunState } from '../core/pipeline/runState';

/** What the index reads runs from: an engine's `list` and `get` (see EngineApi). */
export interface RunSource {
  list(): Promise<RunState[]>;
  get(ticketId: string): Promise<RunState | undefined>;
}

/**
 * The runs the panel shows, kept in memory and updated one run at a time. The panel used to re-read and zod-parse
 * every stored run on every engine event (0.4–0.7 ms a run: at 1,000 runs about half a second per event, 15–28 s
 * of extension-host CPU per ticket, perf-2026-11.md §5.1). Now the whole list is read once per folder, and an event
 * re-reads only the run it names. VS Code-free, so `npm run bench` measures it as the extension uses it.
 * `F` is the folder type (a `vscode.WorkspaceFolder` in the extension); folders are told apart by `key`.
 */
export class RunIndex<F> {
  private readonly folders = new Map<string, { folder: F; runs: Map<string, RunState> }>();

  /** Reads every run of a folder (the first load, or a full refresh a person asked for). */
  async loadAll(key: string, folder: F, source: RunSource): Promise<void> {
    const runs = await source.list();
    this.folders.set(key, { folder, runs: new Map(runs.map((r) => [r.ticket.id, r])) });
  }

  /** True when the folder's runs were read at least once. */
  has(key: string): boolean {
    return this.folders.has(key);
  }

  /** Re-reads one run (after an event naming it); a run that is gone leaves the index. */
  async update(key: string, folder: F, source: RunSource, ticketId: string): Promise<void> {
    const entry = this.folders.get(key);
    if (!entry) return this.loadAll(key, folder, source);
    const run = await source.get(ticketId);
    if (run) entry.runs.set(ticketId, run);
    else entry.runs.delete(ticketId);
  }

  /** Forgets folders not in `keys` (closed or no longer built). */
  keep(keys: ReadonlySet<string>): void {
    for (const k of [...this.folders.keys()]) if (!keys.has(k)) this.folders.delete(k);
  }

  /** Every run with its folder, newest first (by creation, as `RunStore.list` orders them). */
  all(): { folder: F; run: RunState }[] {
    return [...this.folders.values()]
      .flatMap(({ folder, runs }) => [...runs.values()].map((run) => ({ folder, run })))
      .sort((a, b) => b.run.createdAt.localeCompare(a.run.createdAt));
  }
}
