import { promises as fs } from 'node:fs';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import type { PipelineEvent } from './pipelineEvent';
import { RunState } from './runState';

/**
 * Run states on disk, one folder per ticket under `<git common dir>/shipwright/runs/<id>/`: `state.json` (written
 * atomically: a temp file, then rename, so a crash leaves the old or the new state, never half of one) and
 * `events.jsonl` (the run log: every event, one JSON object per line). Inside `.git`, so the user's working tree,
 * index and stash are never touched and every worktree of the repository sees the same runs.
 */
export class RunStore {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(readonly dir: string) {}

  /** The store of the repository that contains `workspaceRoot`. @throws Error when it is not inside a git repository */
  static async forWorkspace(workspaceRoot: string): Promise<RunStore> {
    let common: string;
    try {
      common = (await simpleGit(workspaceRoot).revparse(['--git-common-dir'])).trim();
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

  /** Writes the state atomically; writes of one ticket are serialized in call order. */
  save(state: RunState): Promise<void> {
    const id = state.ticket.id;
    const text = JSON.stringify({ ...state, updatedAt: new Date().toISOString() }, null, 2);
    return this.enqueue(id, async () => {
      const target = this.file(id, 'state.json');
      await fs.mkdir(path.dirname(target), { recursive: true });
      const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
      await fs.writeFile(tmp, text);
      await fs.rename(tmp, target);
    });
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
    const r = RunState.safeParse(json);
    if (!r.success) throw new Error(`run state ${target} does not match the schema: ${r.error.message}`);
    return r.data;
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
