import * as vscode from 'vscode';

/** The command id (package.json `contributes.commands`). */
export const OPEN_EVAL_REPORT_COMMAND = 'shipwright.openEvalReport';

/** Where `shipwright eval` writes its reports by default, per workspace folder: `.shipwright/eval/<suite>/report.html`. */
async function reportsIn(folder: vscode.WorkspaceFolder): Promise<vscode.Uri[]> {
  const evalDir = vscode.Uri.joinPath(folder.uri, '.shipwright', 'eval');
  const entries = await vscode.workspace.fs.readDirectory(evalDir).then((e) => e, () => [] as [string, vscode.FileType][]);
  const found: vscode.Uri[] = [];
  for (const [name, type] of entries) {
    if (type !== vscode.FileType.Directory) continue;
    const report = vscode.Uri.joinPath(evalDir, name, 'report.html');
    if (await vscode.workspace.fs.stat(report).then(() => true, () => false)) found.push(report);
  }
  return found;
}

/**
 * Registers *Shipwright: Open Evaluation Report*: picks a `report.html` written by `shipwright eval` (the default
 * output folders of the open workspace folders, or any file through *Browse…*; a Uri argument skips the pick) and
 * shows it in a webview with scripts disabled. The report is self-contained (inline CSS and SVG) and carries its
 * own Content-Security-Policy (`default-src 'none'`), so nothing is loaded from anywhere.
 */
export function registerEvalReportCommand(subscriptions: vscode.Disposable[]): void {
  subscriptions.push(
    vscode.commands.registerCommand(OPEN_EVAL_REPORT_COMMAND, async (arg?: unknown) => {
      let target = arg instanceof vscode.Uri ? arg : undefined;
      if (!target) {
        const reports = (await Promise.all((vscode.workspace.workspaceFolders ?? []).map(reportsIn))).flat();
        const browse = { label: '$(folder-opened) Browse…', uri: undefined };
        const items = [...reports.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })), browse];
        const pick = reports.length ? await vscode.window.showQuickPick(items, { title: 'Shipwright: evaluation report', placeHolder: 'Reports written by `shipwright eval`' }) : browse;
        if (!pick) return;
        target = pick.uri ?? (await vscode.window.showOpenDialog({ canSelectMany: false, filters: { 'Evaluation report': ['html'] }, title: 'Open a report.html written by shipwright eval' }))?.[0];
        if (!target) return;
      }
      let html: string;
      try {
        html = new TextDecoder().decode(await vscode.workspace.fs.readFile(target));
      } catch (e) {
        void vscode.window.showErrorMessage(`Shipwright: cannot read ${target.fsPath}: ${e instanceof Error ? e.message : String(e)}`);
        return;
      }
      const panel = vscode.window.createWebviewPanel('shipwright.evalReport', `Evaluation: ${vscode.workspace.asRelativePath(target)}`, vscode.ViewColumn.Active, {
        enableScripts: false,
        localResourceRoots: [],
      });
      panel.webview.html = html;
    }),
  );
}
