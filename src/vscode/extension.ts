import * as vscode from 'vscode';
import { ApiKeyStore } from './apiKeyStore';
import { OPENAI_SECRET_KEY, registerOpenAiKeyCommand } from './openAiKeyCommand';
import { registerEvalReportCommand } from './evalReportCommand';
import { BASE_SCHEME, BaseContentProvider } from './baseContentProvider';
import { CostMeter } from './costMeter';
import { createEngine } from './createEngine';
import { FolderEngines } from './folderEngines';
import { handlePanelMessage } from './handlePanelMessage';
import { PIPELINE_VIEW_ID, PipelinePanel } from './pipelinePanel';
import { ModelDoctor } from './modelDoctor';
import { PipelineBoard } from './pipelineBoard';
import { SetupActions } from './setupActions';
import { COMMANDS, registerCommands } from './registerCommands';
import { ReviewDesk } from './reviewDesk';
import { ReviewStatus } from './reviewStatus';
import { RunLog } from './runLog';
import { TicketActions } from './ticketActions';
import { watchWorktreeEdits } from './worktreeEdits';
import { traceExport } from './traceExport';
import { costWarningNotice } from './costWarningNotice';
import { WORKSPACE_CONFIG_FILE } from './readEffectiveConfig';

/** What `activate` returns (the extension's `exports`): the object graph, for the in-host integration tests. */
export interface ShipwrightExtensionApi {
  board: PipelineBoard;
  desk: ReviewDesk;
  keys: ApiKeyStore;
  engines: FolderEngines;
  actions: TicketActions;
  panel: PipelinePanel;
  doctor: ModelDoctor;
  /** Time `activate` took, ms. */
  activationMs: number;
}

/**
 * The composition root: builds the object graph once and registers every disposable as it is made. Nothing
 * runs until a command or the view is used (activation is lazy, never `*`); engines are built per workspace
 * folder on first use, only in a trusted workspace.
 */
export function activate(context: vscode.ExtensionContext): ShipwrightExtensionApi {
  const started = performance.now();
  const reg = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };
  const log = reg(new RunLog());
  const keys = new ApiKeyStore(context.secrets);
  const openaiKeys = new ApiKeyStore(context.secrets, OPENAI_SECRET_KEY, 'OPENAI_API_KEY');
  let actions: TicketActions | undefined;
  const revealPanel = async (): Promise<void> => {
    await vscode.commands.executeCommand(`${PIPELINE_VIEW_ID}.focus`);
  };
  const desk = new ReviewDesk({
    onAllDecided: (ticketId, decisions) => void actions?.finish(ticketId, decisions),
    confirm: async (ticketId, decisions) => (actions ? actions.confirmMerge(ticketId, decisions) : false),
    onRequest: (ticketId) => {
      board.select(ticketId);
      void revealPanel();
      const cp = desk.checkpoint(ticketId);
      // A checkpoint waits for the person: say so even when the panel is hidden, with the way to it.
      if (cp) {
        void vscode.window.showInformationMessage(`Shipwright: ${ticketId} waits for you: approve the ${cp.phase} deliverable?`, 'Open Deliverable', 'Approve', 'Open Pipeline').then((pick) => {
          if (pick === 'Open Deliverable') void actions?.openDeliverable(ticketId, cp.phase);
          else if (pick === 'Approve') void actions?.decideCheckpoint(ticketId, 'approve');
          else if (pick === 'Open Pipeline') void revealPanel();
        });
      }
    },
  });
  const doctor = reg(new ModelDoctor(keys, openaiKeys));
  const setup = new SetupActions(doctor);
  const engines = reg(new FolderEngines((folder) => createEngine(folder, desk, keys, openaiKeys)));
  const board = reg(new PipelineBoard(engines, desk));
  actions = new TicketActions({ engines, board, desk, storage: context.globalStorageUri, revealPanel, doctor });
  reg(doctor.onDidChange(() => board.setModels(doctor.current, doctor.checking)));
  const recheck = (): void => {
    if (vscode.workspace.isTrusted) void doctor.check().catch((e: unknown) => log.channel.warn(`model check: ${e instanceof Error ? e.message : String(e)}`));
  };
  const ticketActions = actions;

  reg(engines.onEvent(({ folder, event }) => {
    log.write(folder.name, event);
    board.live.take(event);
    // Streaming progress changes nothing on disk: the loaded runs are published again, with no re-read.
    if (event.type === 'progress') board.publish();
    else void board.runChanged(folder, event.ticketId);
  }));
  const unsubscribeDesk = desk.onChange(() => board.publish());
  reg({ dispose: unsubscribeDesk });

  const meter = reg(new CostMeter(COMMANDS.showPipeline));
  meter.update([]);
  reg(board.onDidChange((s) => meter.update(board.allRuns.map((r) => r.run), { selectedId: s.selected?.id, phaseOf: (id) => board.live.of(id)?.phase })));
  reg(new ReviewStatus(ticketActions.openDiffs, desk));
  // Context keys for the palette: Cancel, Resume and Approve All show only when there is something to act on.
  reg(board.onDidChange(() => {
    const states = new Set(board.allRuns.map((r) => r.run.state));
    const has = (...s: string[]): boolean => s.some((x) => states.has(x as (typeof board.allRuns)[number]['run']['state']));
    void vscode.commands.executeCommand('setContext', 'shipwright.hasRunning', has('running', 'queued', 'awaiting-approval'));
    void vscode.commands.executeCommand('setContext', 'shipwright.hasStopped', has('needs-human', 'budget-exceeded', 'failed', 'cancelled'));
    void vscode.commands.executeCommand('setContext', 'shipwright.hasReady', has('ready'));
    void vscode.commands.executeCommand('setContext', 'shipwright.hasRuns', states.size > 0);
  }));

  reg(vscode.workspace.registerTextDocumentContentProvider(BASE_SCHEME, new BaseContentProvider()));
  const panel = reg(new PipelinePanel(context.extensionUri, () => board.snapshot, board.onDidChange, (m) => handlePanelMessage(m, board, ticketActions), log.channel));
  reg(vscode.window.registerWebviewViewProvider(PIPELINE_VIEW_ID, panel));
  registerCommands(context.subscriptions, { actions: ticketActions, board, engines, keys, log, revealPanel, doctor, setup });

  reg(watchWorktreeEdits(board, log.channel));
  reg(traceExport(engines, log.channel));
  reg(costWarningNotice(engines, COMMANDS.showPipeline));
  reg(vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration('shipwright')) return;
    engines.invalidate();
    recheck();
  }));
  // The workspace file wins over settings, so its edits count as a configuration change too.
  const configFiles = reg(vscode.workspace.createFileSystemWatcher(`**/${WORKSPACE_CONFIG_FILE}`));
  for (const on of [configFiles.onDidChange, configFiles.onDidCreate, configFiles.onDidDelete]) reg(on(() => { engines.invalidate(); recheck(); }));
  reg(keys.onDidChange(() => { engines.invalidate(); recheck(); }));
  reg(openaiKeys.onDidChange(() => { engines.invalidate(); recheck(); }));
  registerOpenAiKeyCommand(context.subscriptions, openaiKeys);
  registerEvalReportCommand(context.subscriptions);
  reg(vscode.workspace.onDidGrantWorkspaceTrust(() => { void loadRuns(engines, board, log); recheck(); }));
  reg(vscode.workspace.onDidChangeWorkspaceFolders(() => void loadRuns(engines, board, log)));
  void loadRuns(engines, board, log);
  recheck();

  const activationMs = performance.now() - started;
  log.channel.info(`activated in ${activationMs.toFixed(1)} ms (${vscode.env.appName}, ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'})`);
  return { board, desk, keys, engines, actions: ticketActions, panel, doctor, activationMs };
}

/** Builds the engine of every folder (trusted workspaces only) so earlier runs show up, then refreshes. */
async function loadRuns(engines: FolderEngines, board: PipelineBoard, log: RunLog): Promise<void> {
  if (!vscode.workspace.isTrusted) {
    board.publish();
    return;
  }
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    await engines.get(folder).catch((e: unknown) => log.channel.warn(`${folder.name}: no engine: ${e instanceof Error ? e.message : String(e)}`));
  }
  await board.refresh();
}

export function deactivate(): void {
  // Everything is in context.subscriptions; running tickets keep their written state and resume later.
}
