import * as vscode from 'vscode';
import type { ShipwrightConfig } from '../core/config/shipwrightConfig';
import type { EngineApi } from '../core/engine/engineApi';
import type { PipelineEvent } from '../core/pipeline/pipelineEvent';

/** An engine and the configuration it was built with. */
export interface FolderEngine {
  engine: EngineApi;
  config: ShipwrightConfig;
}

/** Builds the engine of one workspace folder (see createEngine.ts). @throws when the folder cannot host one */
export type EngineFactory = (folder: vscode.WorkspaceFolder) => Promise<FolderEngine>;

type Entry = { built: Promise<FolderEngine>; unsubscribe?: () => void; stale: boolean };

/** An engine event and the workspace folder whose engine sent it. */
export interface FolderEvent {
  folder: vscode.WorkspaceFolder;
  event: PipelineEvent;
}

/**
 * One engine per workspace folder (each folder is its own repository and configuration), built on first use
 * and kept; every engine's events are forwarded to one `onEvent`. When the configuration changes, engines with
 * no running ticket are dropped and rebuilt on next use; a busy one is kept until its runs stop.
 */
export class FolderEngines implements vscode.Disposable {
  private readonly engines = new Map<string, Entry>();
  private readonly busy = new Map<string, number>();
  private readonly emitter = new vscode.EventEmitter<FolderEvent>();
  readonly onEvent = this.emitter.event;

  constructor(private readonly create: EngineFactory) {}

  /** The folder's engine, built when first asked. @throws what the factory throws (not cached) */
  async get(folder: vscode.WorkspaceFolder): Promise<EngineApi> {
    return (await this.getWithConfig(folder)).engine;
  }

  /** The folder's engine and its configuration, built when first asked. @throws what the factory throws */
  getWithConfig(folder: vscode.WorkspaceFolder): Promise<FolderEngine> {
    const key = folder.uri.toString();
    const held = this.engines.get(key);
    if (held && !(held.stale && !this.busy.get(key))) return held.built;
    held?.unsubscribe?.();
    const entry: Entry = { built: this.create(folder), stale: false };
    this.engines.set(key, entry);
    entry.built.then(
      ({ engine }) => {
        entry.unsubscribe = engine.onEvent((event) => this.emitter.fire({ folder, event }));
      },
      () => {
        if (this.engines.get(key) === entry) this.engines.delete(key);
      },
    );
    return entry.built;
  }

  /** Engines already built, with their folders (for listing runs without building new ones). */
  async built(): Promise<({ folder: vscode.WorkspaceFolder } & FolderEngine)[]> {
    const out: ({ folder: vscode.WorkspaceFolder } & FolderEngine)[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const held = this.engines.get(folder.uri.toString());
      const built = held ? await held.built.catch(() => undefined) : undefined;
      if (built) out.push({ folder, ...built });
    }
    return out;
  }

  /** Runs `work` with the folder marked busy, so a configuration change does not drop its engine meanwhile. */
  async whileBusy<T>(folder: vscode.WorkspaceFolder, work: () => Promise<T>): Promise<T> {
    const key = folder.uri.toString();
    this.busy.set(key, (this.busy.get(key) ?? 0) + 1);
    try {
      return await work();
    } finally {
      this.busy.set(key, (this.busy.get(key) ?? 1) - 1);
    }
  }

  /** Marks every engine stale: the next `get` of an idle folder rebuilds it with the new configuration. */
  invalidate(): void {
    for (const e of this.engines.values()) e.stale = true;
  }

  dispose(): void {
    for (const e of this.engines.values()) e.unsubscribe?.();
    this.engines.clear();
    this.emitter.dispose();
  }
}
