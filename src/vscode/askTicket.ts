import * as vscode from 'vscode';
import { parseTicket, ticketFromQuickInput } from '../core/ticket/parseTicket';
import type { Ticket } from '../core/ticket/ticket';
import { TicketKind } from '../core/ticket/ticket';

const KIND_HELP: Record<TicketKind, string> = {
  feature: 'discovery → tech spec → planning → implementation → review',
  hotfix: 'diagnosis → implementation → review',
  epic: 'discovery → tech spec → split into feature tickets',
};

/** What the person chose: a ticket, or a ticket file to read. Undefined when they cancelled. */
export type TicketChoice = { ticket: Ticket } | { file: vscode.Uri } | undefined;

/**
 * Asks for a ticket in three quick inputs (kind, title, description), or lets the person pick a ticket file
 * instead. The text is untrusted: it is checked by the core's `ticketFromQuickInput`.
 * @throws TicketParseError when the answers do not make a valid ticket (the message points at the field)
 */
export async function askTicket(folder: vscode.WorkspaceFolder): Promise<TicketChoice> {
  // `ticketKind`, not `kind`: QuickPickItem.kind already means item-or-separator.
  type KindItem = vscode.QuickPickItem & { ticketKind?: TicketKind; pickFile?: true };
  const items: KindItem[] = [
    ...TicketKind.options.map((k) => ({ label: k, description: KIND_HELP[k], ticketKind: k })),
    { label: 'or', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(file) Pick a ticket file…', pickFile: true },
  ];
  const kind = await vscode.window.showQuickPick(items, { title: 'Shipwright: Run Ticket (1/3)', placeHolder: 'What kind of ticket?', ignoreFocusOut: true });
  if (!kind) return undefined;
  if (kind.pickFile) {
    const files = await vscode.window.showOpenDialog({ defaultUri: folder.uri, canSelectMany: false, filters: { 'Ticket (markdown)': ['md'] }, openLabel: 'Run this ticket' });
    return files?.[0] ? { file: files[0] } : undefined;
  }
  const title = await vscode.window.showInputBox({
    title: 'Shipwright: Run Ticket (2/3)',
    prompt: 'Title: one line saying what should change',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? 'A title is needed' : undefined),
  });
  if (title === undefined) return undefined;
  const description = await vscode.window.showInputBox({
    title: 'Shipwright: Run Ticket (3/3)',
    prompt: 'Description: what and why (markdown; \\n starts a new line; acceptance criteria under "## Acceptance criteria")',
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() === '' ? 'Say what should change' : undefined),
  });
  if (description === undefined) return undefined;
  // An input box holds one line; a typed \n starts a new one, so acceptance criteria can be listed.
  return { ticket: ticketFromQuickInput({ kind: kind.ticketKind ?? '', title, description: description.replace(/\\n/g, '\n') }) };
}

/**
 * Reads and parses a ticket file. The path shown in errors is relative to the folder.
 * @throws TicketParseError when the file is not a valid ticket; Error when it cannot be read
 */
export async function readTicketFile(folder: vscode.WorkspaceFolder, file: vscode.Uri): Promise<Ticket> {
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  return parseTicket(text, vscode.workspace.asRelativePath(file, false) || file.fsPath);
}
