import * as vscode from 'vscode';
import { formatUsd } from '../core/models/costLedger';
import type { FileDecision } from '../core/ports/approvalPort';
import type { RunState } from '../core/pipeline/runState';
import type { Ticket } from '../core/ticket/ticket';
import { openDeliverableEdit, readDeliverableEdit } from './deliverableEdit';
import { openFileDiff, type OpenDiff } from './fileDiff';
import type { FolderEngines } from './folderEngines';
import type { PipelineBoard } from './pipelineBoard';
import type { Blocked, ModelDoctor } from './modelDoctor';
import type { ReviewDesk } from './reviewDesk';
import { routeFor } from '../core/ticket/route';
import { requireTrust } from './trustGate';

/** What the actions need; built once in `activate()`. */
export interface TicketActionsOptions {
  engines: FolderEngines;
  board: PipelineBoard;
  desk: ReviewDesk;
  /** Global storage of the extension (edited deliverables). */
  storage: vscode.Uri;
  revealPanel: () => Promise<void>;
  /** The model check run before anything is created. */
  doctor: ModelDoctor;
}

/**
 * Everything a person can do to a ticket, shared by the commands and the panel: each looks the ticket up on
 * the board, calls the engine of its folder, and reports the outcome as a notification and in the panel.
 */
export class TicketActions {
  /** Diffs opened by `openDiff`, by the right-hand URI, for the editor-title Approve / Reject. */
  readonly openDiffs = new Map<string, OpenDiff>();

  constructor(private readonly o: TicketActionsOptions) {}

  /**
   * Runs a ticket to a stop in `folder`. Checks the models first: when a phase of the ticket's route (or the
   * validator) has no model that can run, nothing is created (no worktree, no branch, no run) and the person is
   * offered the fixes. Resolves with the final state; undefined when not trusted or refused for want of a model.
   */
  async run(folder: vscode.WorkspaceFolder, ticket: Ticket): Promise<RunState | undefined> {
    if (!requireTrust()) return undefined;
    const blocked = await this.o.doctor.blocked(folder, routeFor(ticket.kind));
    if (blocked) return this.refuse(blocked);
    const engine = await this.o.engines.get(folder);
    this.o.board.select(ticket.id);
    void this.o.revealPanel();
    const state = await this.o.engines.whileBusy(folder, () => engine.run(ticket));
    await this.stopped(state);
    return state;
  }

  /** Continues a stopped run; `modelKey` forces the model of the retried phase. */
  async resume(ticketId: string, modelKey?: string): Promise<RunState | undefined> {
    if (!requireTrust()) return undefined;
    const { folder, run } = this.mustFind(ticketId);
    const blocked = await this.o.doctor.blocked(folder, run.route.filter((p) => run.phases.find((r) => r.phase === p)?.status !== 'done'), modelKey);
    if (blocked) return this.refuse(blocked);
    const engine = await this.o.engines.get(folder);
    this.o.board.select(ticketId);
    const state = await this.o.engines.whileBusy(folder, () => engine.resume(ticketId, modelKey ? { modelKey } : undefined));
    await this.stopped(state);
    return state;
  }

  /** Stops a running or waiting ticket. */
  async cancel(ticketId: string): Promise<void> {
    const { folder } = this.mustFind(ticketId);
    (await this.o.engines.get(folder)).cancel(ticketId);
    this.o.desk.drop(ticketId);
    await this.o.board.refresh();
  }

  /** Opens the stuck phase's deliverable for editing (JSON, with a skeleton of its schema). */
  async editDeliverable(ticketId: string): Promise<void> {
    await openDeliverableEdit(this.o.storage, this.mustFind(ticketId).run);
  }

  /** Takes the person's edited deliverable as the stuck phase's result and continues the run. */
  async continueWithEdit(ticketId: string): Promise<RunState | undefined> {
    if (!requireTrust()) return undefined;
    const { folder, run } = this.mustFind(ticketId);
    const deliverable = await readDeliverableEdit(this.o.storage, run);
    const engine = await this.o.engines.get(folder);
    const state = await this.o.engines.whileBusy(folder, () => engine.continueWith(ticketId, deliverable));
    await this.stopped(state);
    return state;
  }

  /** Opens a phase's deliverable as rendered markdown (the file in the worktree when it was written). */
  async openDeliverable(ticketId: string, phase: string): Promise<void> {
    const { run } = this.mustFind(ticketId);
    const rec = run.phases.find((p) => p.phase === phase);
    if (!rec?.markdown) throw new Error(`${ticketId} has no ${phase} deliverable yet`);
    let uri: vscode.Uri | undefined;
    if (rec.path && run.worktree) {
      const candidate = rec.path.startsWith('/') ? vscode.Uri.file(rec.path) : vscode.Uri.joinPath(vscode.Uri.file(run.worktree.path), rec.path);
      uri = await vscode.workspace.fs.stat(candidate).then(() => candidate, () => undefined);
    }
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : await vscode.workspace.openTextDocument({ language: 'markdown', content: rec.markdown });
    await vscode.window.showTextDocument(doc, { preview: true });
    await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
  }

  /** Opens the diff of one changed file. */
  async openDiff(ticketId: string, path: string): Promise<void> {
    const file = this.o.desk.files(ticketId)?.find((f) => f.path === path);
    if (!file) throw new Error(`${path} is not part of ticket ${ticketId}'s change`);
    await openFileDiff(this.mustFind(ticketId).run, file, this.openDiffs);
  }

  /** Approves or rejects files of a ready ticket (all when `paths` is undefined). */
  decide(ticketId: string, decision: 'approve' | 'reject', paths?: string[], why?: { reason?: string; sendBack?: boolean }): void {
    const { run } = this.mustFind(ticketId);
    if (run.state !== 'ready') throw new Error(`ticket ${ticketId} is ${run.state}; only a ready ticket's change can be approved`);
    this.o.desk.decide(ticketId, decision, paths, why);
  }

  /**
   * Rejects one file after asking why and what should happen to it: left out of the merge, or sent back to the
   * model with the reason (the engine's implementation fixes it, then the ticket is ready again).
   */
  async reject(ticketId: string, path: string): Promise<void> {
    const reason = await vscode.window.showInputBox({ title: `Shipwright: reject ${path}`, prompt: 'Why? (sent to the model when you send the file back)', ignoreFocusOut: true });
    if (reason === undefined) return;
    const items = [
      { label: 'Leave it out of the merge', sendBack: false },
      { label: 'Send it back to the model to fix', sendBack: true, description: reason.trim() ? undefined : 'give a reason first' },
    ];
    const pick = reason.trim() ? await vscode.window.showQuickPick(items, { title: `Shipwright: reject ${path}`, ignoreFocusOut: true }) : items[0];
    if (!pick) return;
    this.decide(ticketId, 'reject', [path], { reason: reason.trim() || undefined, sendBack: pick.sendBack });
  }

  /** Merges the approved files (called by the review desk once every file has a decision). */
  async finish(ticketId: string, decisions: FileDecision[]): Promise<void> {
    const { folder } = this.mustFind(ticketId);
    const engine = await this.o.engines.get(folder);
    const approved = decisions.filter((d) => d.decision === 'approve').length;
    try {
      const state = approved > 0 ? await engine.finish(ticketId, decisions, 'merge') : await engine.finish(ticketId, decisions, 'keep-branch');
      this.o.board.say('info', `${ticketId}: ${state.reason}`);
      void vscode.window.showInformationMessage(`Shipwright: ${ticketId} — ${state.reason}`);
    } catch (e) {
      const text = e instanceof Error ? e.message : String(e);
      this.o.board.say('error', `${ticketId}: not merged: ${text}`);
      void vscode.window.showErrorMessage(`Shipwright: ${ticketId} was not merged: ${text}`);
    }
    await this.o.board.refresh();
  }

  /** Answers a deliverable checkpoint; a rejection asks for the reason (sent back to the phase). */
  async decideCheckpoint(ticketId: string, decision: 'approve' | 'reject'): Promise<void> {
    if (decision === 'approve') return this.o.desk.answerCheckpoint(ticketId, { decision: 'approve' });
    const reason = await vscode.window.showInputBox({ title: 'Shipwright: reject the deliverable', prompt: 'What should change?', ignoreFocusOut: true });
    if (reason?.trim()) this.o.desk.answerCheckpoint(ticketId, { decision: 'reject', reason: reason.trim() });
  }

  /** Says why a run cannot start, shows the set-up section, and offers the fixes. Resolves undefined. */
  private async refuse(blocked: Blocked): Promise<undefined> {
    void this.o.revealPanel();
    const fixes = { 'Set Ollama Host…': 'shipwright.setOllamaHost', 'Set Anthropic API Key…': 'shipwright.setApiKey', 'Use Another Model…': 'shipwright.pickModel' } as const;
    void vscode.window.showErrorMessage(`Shipwright: ${blocked.text} Nothing was started.`, ...Object.keys(fixes)).then((pick) => {
      const command = pick && fixes[pick as keyof typeof fixes]; // pick is one of the keys offered above
      if (command) void vscode.commands.executeCommand(command);
    });
    return undefined;
  }

  /** The run of a ticket on the board. @throws Error when it is unknown */
  mustFind(ticketId: string): NonNullable<ReturnType<PipelineBoard['find']>> {
    const found = this.o.board.find(ticketId);
    if (!found) throw new Error(`no run of ticket "${ticketId}" in this workspace`);
    return found;
  }

  /**
   * Tells the person how a run stopped, with the next step. The notification is not awaited: it stays until the
   * person answers, and the command's promise must resolve with the state regardless.
   */
  private async stopped(state: RunState): Promise<void> {
    await this.o.board.refresh();
    const id = state.ticket.id;
    const usd = formatUsd(state.ledger.reduce((s, r) => s + r.usd, 0));
    const open = (pick: string | undefined): void => {
      if (pick) void this.o.revealPanel();
    };
    if (state.state === 'ready') {
      void vscode.window.showInformationMessage(`Shipwright: ${id} is ready (${usd}). Review the change file by file, then approve to merge.`, 'Open Pipeline').then(open);
    } else if (state.state === 'needs-human' || state.state === 'budget-exceeded') {
      void vscode.window.showWarningMessage(`Shipwright: ${id} needs you: ${firstSentence(state.reason)}`, 'Open Pipeline').then(open);
    } else if (state.state === 'failed') {
      void vscode.window.showErrorMessage(`Shipwright: ${id} failed: ${firstSentence(state.reason)}`, 'Open Pipeline', 'Check Models').then((pick) => {
        if (pick === 'Check Models') void vscode.commands.executeCommand('shipwright.checkModels');
        else open(pick);
      });
    }
  }
}

/** The reason's first sentence, at most 160 characters: a notification is brief, the panel has the whole text. */
export function firstSentence(reason: string): string {
  const one = reason.split(/(?<=[.;])\s|\n/)[0] ?? reason;
  return one.length > 160 ? `${one.slice(0, 157)}…` : one;
}
