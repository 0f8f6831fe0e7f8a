import * as vscode from 'vscode';
import { formatUsd } from '../core/models/costLedger';
import { TicketParseError } from '../core/ticket/ticketParseError';
import type { Ticket } from '../core/ticket/ticket';
import type { ApiKeyStore } from './apiKeyStore';
import { askTicket, DRAFT_HINT, readTicketFile } from './askTicket';
import { parseTicket } from '../core/ticket/parseTicket';
import type { FolderEngines } from './folderEngines';
import { pickWorkspaceFolder } from './pickWorkspaceFolder';
import type { PipelineBoard } from './pipelineBoard';
import type { RunLog } from './runLog';
import type { ModelDoctor } from './modelDoctor';
import type { SetupActions } from './setupActions';
import type { TicketActions } from './ticketActions';
import { requireTrust } from './trustGate';

/** What the commands need; built once in `activate()`. */
export interface CommandDeps {
  actions: TicketActions;
  board: PipelineBoard;
  engines: FolderEngines;
  keys: ApiKeyStore;
  log: RunLog;
  revealPanel: () => Promise<void>;
  doctor: ModelDoctor;
  setup: SetupActions;
}

/** The command ids (package.json `contributes.commands`). */
export const COMMANDS = {
  runTicket: 'shipwright.runTicket',
  runTicketFromFile: 'shipwright.runTicketFromFile',
  cancel: 'shipwright.cancel',
  resume: 'shipwright.resume',
  showPipeline: 'shipwright.showPipeline',
  dryRun: 'shipwright.dryRun',
  setApiKey: 'shipwright.setApiKey',
  openRunLog: 'shipwright.openRunLog',
  approveFile: 'shipwright.approveFile',
  rejectFile: 'shipwright.rejectFile',
  approveAll: 'shipwright.approveAll',
  checkModels: 'shipwright.checkModels',
  setOllamaHost: 'shipwright.setOllamaHost',
  pickModel: 'shipwright.pickModel',
  copyPullCommand: 'shipwright.copyPullCommand',
  nextFile: 'shipwright.nextFile',
  previousFile: 'shipwright.previousFile',
  startReview: 'shipwright.startReview',
  deleteRun: 'shipwright.deleteRun',
} as const;

/**
 * Registers every command, each disposable into `subscriptions` as it is made. Handlers report errors as
 * notifications (a ticket file's parse error names the line) and return the run's promise, so a caller (a test,
 * another extension) can await the outcome.
 */
export function registerCommands(subscriptions: vscode.Disposable[], d: CommandDeps): void {
  const reg = (id: string, handler: (...args: never[]) => unknown): void => {
    subscriptions.push(
      vscode.commands.registerCommand(id, async (...args: never[]) => {
        try {
          return await handler(...args);
        } catch (e) {
          const text = e instanceof TicketParseError || e instanceof Error ? e.message : String(e);
          d.log.channel.error(`${id}: ${text}`);
          void vscode.window.showErrorMessage(`Shipwright: ${text}`);
          return undefined;
        }
      }),
    );
  };

  reg(COMMANDS.runTicket, async (ticket?: Ticket) => {
    if (!requireTrust()) return undefined;
    const folder = await pickWorkspaceFolder();
    if (!folder) return undefined;
    if (ticket) return d.actions.run(folder, ticket);
    const choice = await askTicket(folder, (id) => d.board.find(id)?.run.state);
    if (!choice) return undefined;
    if ('draft' in choice) return undefined; // the person writes it, then runs it from the editor
    return d.actions.run(folder, await readTicketFile(folder, choice.file));
  });

  reg(COMMANDS.runTicketFromFile, async (file?: vscode.Uri) => {
    if (!requireTrust()) return undefined;
    // A ticket drafted in an untitled editor (Run Ticket…): parsed from the editor's text, then closed unsaved.
    const active = vscode.window.activeTextEditor?.document;
    if ((!file || file.scheme === 'untitled') && active?.isUntitled && active.languageId === 'markdown') {
      const folder = await pickWorkspaceFolder();
      if (!folder) return undefined;
      const ticket = parseTicket(active.getText().replace(DRAFT_HINT, ''), 'the ticket draft');
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      return d.actions.run(folder, ticket);
    }
    const target = file ?? (vscode.window.activeTextEditor?.document.uri.fsPath.endsWith('.md') ? vscode.window.activeTextEditor.document.uri : undefined)
      ?? (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Ticket (markdown)': ['md'] }, openLabel: 'Run this ticket' }))?.[0];
    if (!target) return undefined;
    const folder = await pickWorkspaceFolder(target);
    if (!folder) return undefined;
    return d.actions.run(folder, await readTicketFile(folder, target));
  });

  reg(COMMANDS.cancel, async (ticketId?: string) => {
    const id = ticketId ?? (await pickTicket(d.board, 'Cancel which ticket?', ['running', 'queued', 'awaiting-approval', 'needs-human', 'ready']));
    if (id) await d.actions.cancel(id);
  });

  reg(COMMANDS.resume, async (ticketId?: string, modelKey?: string) => {
    const id = ticketId ?? (await pickTicket(d.board, 'Resume which ticket?', ['needs-human', 'budget-exceeded', 'failed', 'cancelled', 'running', 'queued']));
    return id ? d.actions.resume(id, modelKey) : undefined;
  });

  reg(COMMANDS.showPipeline, () => d.revealPanel());

  reg(COMMANDS.dryRun, async (ticket?: Ticket) => {
    if (!requireTrust()) return undefined;
    const folder = await pickWorkspaceFolder();
    if (!folder) return undefined;
    const active = vscode.window.activeTextEditor?.document;
    let t = ticket ?? (active?.isUntitled && active.languageId === 'markdown' ? parseTicket(active.getText().replace(DRAFT_HINT, ''), 'the ticket draft') : undefined);
    if (!t) {
      const choice = await askTicket(folder);
      if (!choice || 'draft' in choice) return undefined;
      t = await readTicketFile(folder, choice.file);
    }
    const forecast = await (await d.engines.get(folder)).forecast(t);
    const total = forecast.reduce((s, f) => s + f.usd, 0);
    const rows = forecast.map((f) => `| ${f.phase} | ${f.modelKey} (${f.model}) | ${f.why} | ${f.inputTokens} | ${f.outputTokens} | ${formatUsd(f.usd)} |`);
    const content = [`# Dry run: ${t.title}`, '', `Kind: ${t.kind}. No model was called; tokens are estimates.`, '', '| Phase | Model | Why | Input tokens | Output tokens | USD |', '|---|---|---|---:|---:|---:|', ...rows, '', `**Total: ${formatUsd(total)}**`].join('\n');
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content });
    await vscode.window.showTextDocument(doc, { preview: true });
    return forecast;
  });

  reg(COMMANDS.setApiKey, async () => {
    const key = await vscode.window.showInputBox({
      title: 'Shipwright: Anthropic API key',
      prompt: 'From console.anthropic.com → API keys. Stored in VS Code\'s secret storage only (never in settings or logs). Leave empty to delete it.',
      placeHolder: 'sk-ant-…',
      password: true,
      ignoreFocusOut: true,
    });
    if (key === undefined) return;
    await d.keys.set(key);
    await d.doctor.check().catch(() => undefined);
    void vscode.window.showInformationMessage(key.trim() ? 'Shipwright: Anthropic API key stored.' : 'Shipwright: Anthropic API key deleted.');
  });

  reg(COMMANDS.openRunLog, () => d.log.show());

  reg(COMMANDS.checkModels, async () => {
    void d.revealPanel();
    return d.doctor.check();
  });
  reg(COMMANDS.setOllamaHost, () => d.setup.setOllamaHost());
  reg(COMMANDS.pickModel, () => d.setup.pickModel());
  reg(COMMANDS.copyPullCommand, async (model?: string) => {
    const m = model ?? d.doctor.current?.setup.notPulled[0];
    if (m) await d.setup.copyPullCommand(m);
  });

  const fileOfEditor = (uri?: vscode.Uri): { ticketId: string; path: string } => {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    const open = target && d.actions.openDiffs.get(target.toString());
    if (!open) throw new Error('this editor is not a diff opened from the Shipwright panel');
    return open;
  };
  // In the diff editor a decision moves on to the next file without one (the merge confirmation after the last).
  reg(COMMANDS.approveFile, async (uri?: vscode.Uri) => {
    const f = fileOfEditor(uri);
    d.actions.decide(f.ticketId, 'approve', [f.path]);
    if (!d.actions.reviewDone(f.ticketId)) await d.actions.reviewNext(f.ticketId, f.path);
  });
  reg(COMMANDS.rejectFile, async (uri?: vscode.Uri) => {
    const f = fileOfEditor(uri);
    if (!(await d.actions.reject(f.ticketId, f.path))) return;
    if (!d.actions.reviewDone(f.ticketId)) await d.actions.reviewNext(f.ticketId, f.path);
  });
  reg(COMMANDS.nextFile, async (uri?: vscode.Uri) => {
    const f = fileOfEditor(uri);
    await d.actions.reviewNext(f.ticketId, f.path);
  });
  reg(COMMANDS.previousFile, async (uri?: vscode.Uri) => {
    const f = fileOfEditor(uri);
    await d.actions.reviewNext(f.ticketId, f.path, -1);
  });
  reg(COMMANDS.startReview, async (ticketId?: string) => {
    const id = ticketId ?? (await pickTicket(d.board, 'Review which ticket?', ['ready']));
    if (id) await d.actions.reviewNext(id);
  });
  /** `confirmed: true`: the caller (a test, another extension) already asked the person; no merge dialog. */
  reg(COMMANDS.approveAll, async (ticketId?: string, opts?: { confirmed?: boolean }) => {
    const id = ticketId ?? (await pickTicket(d.board, 'Approve every file of which ticket?', ['ready']));
    if (!id) return;
    if (opts?.confirmed) d.actions.preConfirmed.add(id);
    d.actions.decide(id, 'approve');
  });
  reg(COMMANDS.deleteRun, async (ticketId?: string) => {
    const id = ticketId ?? (await pickTicket(d.board, 'Delete the run of which ticket?', ['needs-human', 'budget-exceeded', 'failed', 'cancelled', 'done', 'ready']));
    if (id) await d.actions.deleteRun(id);
  });
}

/** Asks for one of the board's tickets in the given states; undefined when none or cancelled. */
async function pickTicket(board: PipelineBoard, placeHolder: string, states: string[]): Promise<string | undefined> {
  await board.refresh();
  const items = board.allRuns
    .filter((r) => states.includes(r.run.state))
    .map((r) => ({ label: r.run.ticket.id, description: `${r.run.state} · ${r.folder.name}`, detail: r.run.ticket.title }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage(`Shipwright: no ticket is ${states.join(', ')}.`);
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { placeHolder }))?.label;
}
