import * as vscode from 'vscode';
import { formatUsd } from '../core/models/costLedger';
import type { FileDecision } from '../core/ports/approvalPort';
import type { RunState } from '../core/pipeline/runState';
import type { Ticket } from '../core/ticket/ticket';
import { checkDeliverableEdit, editFileUri, openDeliverableEdit, readDeliverableEdit, showEditProblems, stuckPhase } from './deliverableEdit';
import { openFileDiff, type OpenDiff } from './fileDiff';
import type { FolderEngines } from './folderEngines';
import type { PipelineBoard } from './pipelineBoard';
import type { Blocked, ModelDoctor } from './modelDoctor';
import type { ReviewDesk } from './reviewDesk';
import { routeFor } from '../core/ticket/route';
import { gitClient } from '../core/workspace/gitClient';
import { revertMerge } from '../core/workspace/revertMerge';
import { requireTrust } from './trustGate';
import { firstSentence } from '../shared/firstSentence';

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
  /** Problems of edited deliverables, shown in the edit files. */
  private readonly editProblems = vscode.languages.createDiagnosticCollection('shipwright-deliverable');
  /** Tickets whose next merge a caller confirmed already (the approveAll command's `confirmed` option). */
  readonly preConfirmed = new Set<string>();

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
    // The check just made says which models cannot run: the router never tries them (no auth failure per phase).
    const ruledOut = this.o.doctor.ruledOut;
    const engine = await this.o.engines.get(folder);
    this.o.board.select(ticket.id);
    void this.o.revealPanel();
    const state = await this.o.engines.whileBusy(folder, () => engine.run(ticket, { ruledOut }));
    await this.stopped(state);
    return state;
  }

  /** Continues a stopped run; `modelKey` forces the model of the retried phase; `budgetUsd` raises the budget first. */
  async resume(ticketId: string, modelKey?: string, budgetUsd?: number): Promise<RunState | undefined> {
    if (!requireTrust()) return undefined;
    const { folder, run } = this.mustFind(ticketId);
    const blocked = await this.o.doctor.blocked(folder, run.route.filter((p) => run.phases.find((r) => r.phase === p)?.status !== 'done'), modelKey);
    if (blocked) return this.refuse(blocked);
    const ruledOut = this.o.doctor.ruledOut;
    const engine = await this.o.engines.get(folder);
    this.o.board.select(ticketId);
    const state = await this.o.engines.whileBusy(folder, () => engine.resume(ticketId, { ...(modelKey ? { modelKey } : {}), ...(budgetUsd ? { budgetUsd } : {}), ruledOut }));
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

  /**
   * Takes the person's edited deliverable as the stuck phase's result and continues the run. When it does not
   * fit the phase's schema nothing runs: the problems show in the file (diagnostics) and in the panel, in words.
   */
  async continueWithEdit(ticketId: string): Promise<RunState | undefined> {
    if (!requireTrust()) return undefined;
    const { folder, run } = this.mustFind(ticketId);
    const phase = stuckPhase(run);
    const uri = editFileUri(this.o.storage, ticketId, phase);
    const exists = await vscode.workspace.fs.stat(uri).then(() => true, () => false);
    if (!exists) {
      await this.editDeliverable(ticketId);
      this.o.board.say('info', `Edit the ${phase} deliverable (it starts from the last attempt), save it, then Continue with my edit.`);
      return undefined;
    }
    const deliverable = await readDeliverableEdit(this.o.storage, run);
    const problems = checkDeliverableEdit(phase, deliverable);
    const doc = await vscode.workspace.openTextDocument(uri);
    showEditProblems(this.editProblems, doc, problems);
    if (problems.length > 0) {
      await vscode.window.showTextDocument(doc, { preview: false });
      this.o.board.say('error', `The edited ${phase} deliverable is not complete: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}.`);
      return undefined;
    }
    const engine = await this.o.engines.get(folder);
    const state = await this.o.engines.whileBusy(folder, () => engine.continueWith(ticketId, deliverable));
    await this.stopped(state);
    return state;
  }

  /** Opens a phase's deliverable as rendered markdown (the file in the worktree when it was written). */
  async openDeliverable(ticketId: string, phase: string): Promise<void> {
    const { run } = this.mustFind(ticketId);
    const rec = run.phases.find((p) => p.phase === phase);
    const waiting = this.o.desk.checkpoint(ticketId);
    const markdown = rec?.markdown ?? (waiting?.phase === phase ? waiting.markdown : undefined);
    if (!markdown) throw new Error(`${ticketId} has no ${phase} deliverable yet`);
    let uri: vscode.Uri | undefined;
    if (rec?.path && run.worktree) {
      const candidate = rec.path.startsWith('/') ? vscode.Uri.file(rec.path) : vscode.Uri.joinPath(vscode.Uri.file(run.worktree.path), rec.path);
      uri = await vscode.workspace.fs.stat(candidate).then(() => candidate, () => undefined);
    }
    const doc = uri ? await vscode.workspace.openTextDocument(uri) : await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
    await vscode.window.showTextDocument(doc, { preview: true });
    await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
  }

  /** Opens the diff of one changed file, titled with its place among the code files ("2 of 7"). */
  async openDiff(ticketId: string, path: string): Promise<void> {
    const files = this.o.desk.files(ticketId) ?? [];
    const file = files.find((f) => f.path === path);
    if (!file) throw new Error(`${path} is not part of ticket ${ticketId}'s change`);
    const code = files.filter((f) => !f.path.startsWith('.shipwright/'));
    const n = code.indexOf(file) + 1;
    await openFileDiff(this.mustFind(ticketId).run, file, this.openDiffs, n > 0 ? { n, of: code.length } : undefined);
  }

  /**
   * The review's next step: opens the next code file without a current decision (after `after`, wrapping
   * around), or the one before it when `direction` is -1 (any file); with every file decided, submits the
   * decisions (the merge confirmation follows). Resolves with the path opened, undefined when it submitted.
   */
  async reviewNext(ticketId: string, after?: string, direction: 1 | -1 = 1): Promise<string | undefined> {
    const files = (this.o.desk.files(ticketId) ?? []).filter((f) => !f.path.startsWith('.shipwright/'));
    if (files.length === 0) throw new Error(`ticket ${ticketId} has no changed files to review`);
    const at = after ? files.findIndex((f) => f.path === after) : -1;
    const pendingOf = (f: (typeof files)[number]): boolean => ['pending', 'stale'].includes(this.o.desk.approvalOf(ticketId, f));
    const next = direction === -1
      ? files[(at <= 0 ? files.length : at) - 1]
      : [...files.slice(at + 1), ...files.slice(0, at + 1)].find(pendingOf);
    if (next) {
      await this.openDiff(ticketId, next.path);
      return next.path;
    }
    await this.o.desk.submit(ticketId);
    return undefined;
  }

  /**
   * Asks before a merge, saying what lands where: how many files go into which branch of which repository, how
   * many stay out. Resolves true when the person chose Merge.
   */
  async confirmMerge(ticketId: string, decisions: FileDecision[]): Promise<boolean> {
    if (this.preConfirmed.delete(ticketId)) return true;
    const { run } = this.mustFind(ticketId);
    const approved = decisions.filter((d) => d.decision === 'approve');
    const sentBack = decisions.filter((d) => d.decision === 'reject' && d.sendBack);
    if (sentBack.length > 0) return true; // nothing is merged: the files go back to the model
    if (approved.length === 0) return true; // nothing is merged: the branch is kept
    const repo = run.worktree?.repoRoot;
    const into = repo ? (await gitClient(repo).raw(['rev-parse', '--abbrev-ref', 'HEAD']).catch(() => '')).trim() : '';
    const left = decisions.length - approved.length;
    const pick = await vscode.window.showWarningMessage(
      `Merge ${approved.length} file${approved.length === 1 ? '' : 's'} of "${run.ticket.title}" into ${into || 'your current branch'}?`,
      {
        modal: true,
        detail: `Into ${into || 'the checked-out branch'} of ${repo ?? 'the repository'}, as one merge commit of ${run.worktree?.branch ?? 'the ticket branch'}.` +
          `${left ? ` ${left} file${left === 1 ? '' : 's'} left out (rejected, or Shipwright's notes).` : ''} You can undo the merge afterwards.`,
      },
      'Merge',
    );
    return pick === 'Merge';
  }

  /** Deletes a stopped ticket after a confirmation: its worktree, branch and stored run. Resolves true when deleted. */
  async deleteRun(ticketId: string): Promise<boolean> {
    const { folder, run } = this.mustFind(ticketId);
    const pick = await vscode.window.showWarningMessage(`Delete the run of "${run.ticket.title}"?`, {
      modal: true,
      detail: `Removes its worktree${run.worktree ? ` (${run.worktree.path})` : ''} and branch${run.worktree ? ` ${run.worktree.branch}` : ''}, with any work in them, and forgets the run. Your checkout is not touched.`,
    }, 'Delete');
    if (pick !== 'Delete') return false;
    await (await this.o.engines.get(folder)).deleteRun(ticketId);
    this.o.desk.drop(ticketId);
    await this.o.board.refresh();
    this.o.board.say('info', `Deleted the run of ${ticketId}, its worktree and its branch.`);
    return true;
  }

  /** Approves or rejects files of a ready ticket (all when `paths` is undefined). */
  decide(ticketId: string, decision: 'approve' | 'reject', paths?: string[], why?: { reason?: string; sendBack?: boolean }): void {
    const { run } = this.mustFind(ticketId);
    if (run.state !== 'ready') throw new Error(`ticket ${ticketId} is ${run.state}; only a ready ticket's change can be approved`);
    this.o.desk.decide(ticketId, decision, paths, why);
  }

  /**
   * Rejects one file after asking why and what should happen to it: left out of the merge, or sent back to the
   * model with the reason (the engine's implementation fixes it, then the ticket is ready again). Resolves true
   * when a decision was recorded.
   */
  async reject(ticketId: string, path: string): Promise<boolean> {
    const reason = await vscode.window.showInputBox({ title: `Shipwright: reject ${path}`, prompt: 'Why? (sent to the model when you send the file back; empty: just leave it out)', ignoreFocusOut: true });
    if (reason === undefined) return false;
    // With a reason, sending the file back is what the reason is for: it comes first.
    const items = [
      { label: 'Send it back to the model to fix', sendBack: true },
      { label: 'Leave it out of the merge', sendBack: false },
    ];
    const pick = reason.trim() ? await vscode.window.showQuickPick(items, { title: `Shipwright: reject ${path}`, ignoreFocusOut: true }) : items[1];
    if (!pick) return false;
    this.decide(ticketId, 'reject', [path], { reason: reason.trim() || undefined, sendBack: pick.sendBack });
    return true;
  }

  /** Every file of the ticket's change has a current decision. */
  reviewDone(ticketId: string): boolean {
    return this.o.desk.complete(ticketId);
  }

  /** Merges the approved files (called by the review desk once every file has a decision). */
  async finish(ticketId: string, decisions: FileDecision[]): Promise<void> {
    const { folder } = this.mustFind(ticketId);
    const engine = await this.o.engines.get(folder);
    const approved = decisions.filter((d) => d.decision === 'approve').length;
    try {
      const state = approved > 0 ? await engine.finish(ticketId, decisions, 'merge') : await engine.finish(ticketId, decisions, 'keep-branch');
      // The left-out paths are in the panel's file list; the message counts them.
      const said = state.reason.replace(/; left out (.+)$/, (_m, list: string) => `; ${list.split(', ').length} file(s) left out`);
      this.o.board.say('info', `${ticketId}: ${said}`);
      const repo = state.worktree?.repoRoot;
      // The merge commit is the user's HEAD right after a merge (mergeApproved commits nothing after it).
      const merge = repo && state.state === 'done' && approved > 0 ? (await gitClient(repo).raw(['rev-parse', 'HEAD'])).trim() : undefined;
      void vscode.window.showInformationMessage(`Shipwright: ${ticketId} — ${said}`, ...(merge ? ['Undo Merge'] : [])).then(async (pick) => {
        if (pick !== 'Undo Merge' || !repo || !merge) return;
        try {
          const undone = await revertMerge(repo, merge);
          this.o.board.say('info', `${ticketId}: merge ${merge.slice(0, 10)} undone by ${undone.slice(0, 10)} (a revert commit).`);
          void vscode.window.showInformationMessage(`Shipwright: the merge of ${ticketId} was undone (revert commit ${undone.slice(0, 10)}).`);
        } catch (e) {
          void vscode.window.showErrorMessage(`Shipwright: the merge of ${ticketId} could not be undone: ${e instanceof Error ? e.message : String(e)}`);
        }
      });
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
