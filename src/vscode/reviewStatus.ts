import * as vscode from 'vscode';
import type { OpenDiff } from './fileDiff';
import type { ReviewDesk } from './reviewDesk';

/**
 * Labelled review controls in the status bar while a Shipwright diff is the active editor: where the person is
 * ("File 2 of 7 · 1 reviewed"), Approve, Reject and Next file, each with its keybinding in the tooltip. The
 * editor title keeps its icons too; these are the words.
 */
export class ReviewStatus implements vscode.Disposable {
  private readonly items: vscode.StatusBarItem[];
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly openDiffs: ReadonlyMap<string, OpenDiff>, private readonly desk: ReviewDesk) {
    const make = (id: string, priority: number, text: string, command: string | undefined, tooltip: string): vscode.StatusBarItem => {
      const item = vscode.window.createStatusBarItem(`shipwright.review.${id}`, vscode.StatusBarAlignment.Left, priority);
      item.name = `Shipwright review: ${id}`;
      item.text = text;
      item.command = command;
      item.tooltip = tooltip;
      return item;
    };
    this.items = [
      make('where', 9, '', undefined, 'The file under review and how many files have a decision'),
      make('approve', 8, '$(check) Approve', 'shipwright.approveFile', 'Approve this file and open the next one (Ctrl+Shift+Enter)'),
      make('reject', 7, '$(close) Reject…', 'shipwright.rejectFile', 'Reject this file: leave it out or send it back (Ctrl+Shift+Delete)'),
      make('next', 6, '$(arrow-down) Next file', 'shipwright.nextFile', 'The next file without a decision (Ctrl+Alt+])'),
    ];
    this.subscriptions.push(vscode.window.onDidChangeActiveTextEditor(() => this.update()), vscode.window.tabGroups.onDidChangeTabs(() => this.update()));
    this.subscriptions.push({ dispose: desk.onChange(() => this.update()) });
  }

  /** Shows the controls when the active tab is a Shipwright diff, hides them otherwise. */
  update(): void {
    const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
    const open = input instanceof vscode.TabInputTextDiff ? this.openDiffs.get(input.modified.toString()) : undefined;
    const files = open ? (this.desk.files(open.ticketId) ?? []).filter((f) => !f.path.startsWith('.shipwright/')) : [];
    const at = open ? files.findIndex((f) => f.path === open.path) : -1;
    if (!open || at < 0) {
      for (const i of this.items) i.hide();
      return;
    }
    const decided = files.filter((f) => ['approved', 'rejected'].includes(this.desk.approvalOf(open.ticketId, f))).length;
    const where = this.items[0];
    if (where) {
      where.text = `$(diff) File ${at + 1} of ${files.length} · ${decided} reviewed`;
      where.accessibilityInformation = { label: `Reviewing file ${at + 1} of ${files.length}, ${decided} reviewed` };
    }
    for (const i of this.items) i.show();
  }

  dispose(): void {
    for (const i of this.items) i.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
