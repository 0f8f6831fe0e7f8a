import { promises as fs } from 'node:fs';
import path from 'node:path';
import { writeAtomically } from './writeAtomically';
import { gitClient } from '../workspace/gitClient';
import type { PipelineEvent } from './pipelineEvent';
import { RunState } from './runState';

/**
 * Run states on disk, one folder per ticket under `<git common dir>/shipwright/runs/<id>/`:
 * - `state.json`: the run without its ledger, written atomically (a temp file, then rename, so a crash leaves the
 *   old or the new state, never half of one) after every step that changes it;
 * - `ledger.jsonl`: the billed calls, one JSON object per line, appended as each call is recorded. A call costs
 *   one short append instead of rewriting the whole state (which grew with every call: quadratic in calls,
 *   perf-2026-11.md §5.2). A line cut off by a crash mid-append is the last one and is skipped on load;
 * - `events.jsonl`: the run log, every event, one JSON object per line.
 * Inside `.git`, so the user's working tree, index and stash are never touched and every worktree of the
 * repository sees the same runs. A `state.json` of an older version, with its ledger inside, still loads.
 */
export class RunStore {
  private readonly queues = new Map<string, Promise<void>>();
  /** Ledger records known to be in each ticket's `ledger.jsonl` (set by load and by writes of this store). */
  private readonly ledgerLines = new Map<string, number>();

  constructor(readonly dir: string) {}

  /** The store of the repository that contains `workspaceRoot`. @throws Error when it is not inside a git repository */
  static async forWorkspace(workspaceRoot: string): Promise<RunStore> {
    let common: string;
    try {
      common = await gitClient(workspaceRoot).revparse(['--git-common-dir']);
    } catch (e) {
      throw new Error(`${workspaceRoot} is not inside a git repository (Shipwright runs each ticket in a git worktree): ${(e as Error).message}`);
    }
    return new RunStore(path.join(path.resolve(workspaceRoot, common), 'shipwright', 'runs'));
  }

  private file(id: string, name: string): string {
    return path.join(this.dir, id, name);
  }

  /** Path of a ticket's run log (JSON lines). */
  eventLogPath(id: string): string {
    return this.file(id, 'events.jsonl');
  }

  /** Path of a ticket's ledger (JSON lines of billed calls). */
  ledgerPath(id: string): string {
    return this.file(id, 'ledger.jsonl');
  }

  /**
   * Writes the state atomically (its ledger goes to `ledger.jsonl`, see {@link appendLedger}); writes of one
   * ticket are serialized in call order.
   */
  save(state: RunState): Promise<void> {
    const id = state.ticket.id;
    const { ledger, ...rest } = state;
    const text = JSON.stringify({ ...rest, updatedAt: new Date().toISOString() }, null, 2);
    return this.enqueue(id, async () => {
      await this.syncLedger(id, ledger);
      await writeAtomically(this.file(id, 'state.json'), text);
    });
  }

  /**
   * Persists the records of `state.ledger` not yet on disk (after a `push`): one append, the state file is not
   * rewritten. Serialized with the ticket's other writes.
   */
  appendLedger(state: RunState): Promise<void> {
    return this.enqueue(state.ticket.id, () => this.syncLedger(state.ticket.id, state.ledger));
  }

  /** Appends the new records; rewrites the file atomically when this store does not know what it holds. */
  private async syncLedger(id: string, ledger: RunState['ledger']): Promise<void> {
    const known = this.ledgerLines.get(id);
    if (known === ledger.length) return;
    const lines = (from: number) => ledger.slice(from).map((r) => `${JSON.stringify(r)}\n`).join('');
    await fs.mkdir(path.join(this.dir, id), { recursive: true });
    if (known !== undefined && known < ledger.length) await fs.appendFile(this.ledgerPath(id), lines(known));
    else await writeAtomically(this.ledgerPath(id), lines(0));
    this.ledgerLines.set(id, ledger.length);
  }

  /** The state of a ticket, or undefined when there is none. @throws Error naming the file when it is corrupt */
  async load(id: string): Promise<RunState | undefined> {
    const target = this.file(id, 'state.json');
    let text: string;
    try {
      text = await fs.readFile(target, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new Error(`run state ${target} is not valid JSON: ${(e as Error).message}`);
    }
    const read = await this.readLedger(id);
    const ledger = read?.records;
    if (ledger !== undefined && typeof json === 'object' && json !== null) json = { ...json, ledger };
    const r = RunState.safeParse(json);
    if (!r.success) throw new Error(`run state ${target} does not match the schema: ${r.error.message}`);
    // What this store wrote itself it knows better than a read racing its appends. An older state's inline ledger
    // (no file), or a file ending in a cut-off line, is written out whole on the next write, never appended to.
    if (read !== undefined && !read.torn && !this.ledgerLines.has(id)) this.ledgerLines.set(id, read.records.length);
    return r.data;
  }

  /**
   * The records of `ledger.jsonl` (unchecked: the state's schema checks them) and whether its last line was cut
   * off; undefined when there is no file.
   */
  private async readLedger(id: string): Promise<{ records: unknown[]; torn: boolean } | undefined> {
    let text: string;
    try {
      text = await fs.readFile(this.ledgerPath(id), 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    const lines = text.split('\n');
    const records: unknown[] = [];
    for (const [i, line] of lines.entries()) {
      if (line === '') continue;
      try {
        records.push(JSON.parse(line));
      } catch (e) {
        // Only the last line can be cut off by a crash mid-append; anything else is damage worth naming.
        if (i >= lines.length - 2) return { records, torn: true };
        throw new Error(`ledger ${this.ledgerPath(id)} line ${i + 1} is not valid JSON: ${(e as Error).message}`);
      }
    }
    return { records, torn: false };
  }

  /** Every readable run, newest first (unreadable ones are skipped, not fatal: `load` names their problem). */
  async list(): Promise<RunState[]> {
    let ids: string[];
    try {
      ids = await fs.readdir(this.dir);
    } catch {
      return [];
    }
    const states = await Promise.all(ids.map((id) => this.load(id).catch(() => undefined)));
    return states.filter((s): s is RunState => s !== undefined).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /** Deletes a ticket's stored run (state and run log), after its queued writes. Missing runs are fine. */
  async remove(id: string): Promise<void> {
    await this.idle(id);
    await fs.rm(path.join(this.dir, id), { recursive: true, force: true });
  }

  /** Appends an event to the ticket's run log; appends of one ticket keep their order. */
  appendEvent(id: string, event: PipelineEvent): Promise<void> {
    return this.enqueue(`log:${id}`, async () => {
      await fs.mkdir(path.join(this.dir, id), { recursive: true });
      await fs.appendFile(this.eventLogPath(id), `${JSON.stringify(event)}\n`);
    });
  }

  /** Resolves when every write of the ticket queued so far (state and run log) has finished. */
  async idle(id: string): Promise<void> {
    await Promise.all([this.queues.get(id), this.queues.get(`log:${id}`)]);
  }

  private enqueue(key: string, fn: () => Promise<void>): Promise<void> {
    const next = (this.queues.get(key) ?? Promise.resolve()).then(fn);
    this.queues.set(key, next.catch(() => undefined));
    return next;
  }
}

