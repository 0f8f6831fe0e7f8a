import * as vscode from 'vscode';
import { parseTicket } from '../core/ticket/parseTicket';
import { slugFromTitle } from '../core/ticket/slugFromTitle';
import type { Ticket } from '../core/ticket/ticket';
import { TicketKind } from '../core/ticket/ticket';

const KIND_HELP: Record<TicketKind, string> = {
  feature: 'discovery → tech spec → planning → implementation → review',
  hotfix: 'diagnosis → implementation → review',
  epic: 'discovery → tech spec → split into feature tickets',
};

/** What the person chose: a ticket file to read, or a draft opened in an editor to write. Undefined when they cancelled. */
export type TicketChoice = { file: vscode.Uri } | { draft: vscode.TextDocument } | undefined;

/** The first lines of a new ticket's body: where the person writes, and how to run it. */
export const DRAFT_HINT = '<!-- What should change, and why. Then run this ticket: ▶ in the editor title, or Ctrl+Enter. -->';

/**
 * Asks for a ticket: the title first (refused when a ticket with that id exists, before anything else is typed),
 * then the kind (or a ticket file instead), then opens the ticket as an untitled markdown document with its front
 * matter filled in, for the description and acceptance criteria in a real editor. The person runs it from there
 * (`runTicketFromFile` on the document). The text is untrusted: the core's `parseTicket` checks it when it runs.
 * @param exists the state of an existing run of a ticket id, or undefined
 */
export async function askTicket(folder: vscode.WorkspaceFolder, exists: (id: string) => string | undefined = () => undefined): Promise<TicketChoice> {
  const title = await vscode.window.showInputBox({
    title: 'Shipwright: Run Ticket (1/2)',
    prompt: 'Title: one line saying what should change',
    ignoreFocusOut: true,
    validateInput: (v) => {
      if (v.trim() === '') return 'A title is needed';
      const state = exists(slugFromTitle(v));
      return state ? `A ticket with this title exists (${state}): resume it from the panel, or change a word` : undefined;
    },
  });
  if (title === undefined) return undefined;
  // `ticketKind`, not `kind`: QuickPickItem.kind already means item-or-separator.
  type KindItem = vscode.QuickPickItem & { ticketKind?: TicketKind; pickFile?: true };
  const items: KindItem[] = [
    ...TicketKind.options.map((k) => ({ label: k, description: KIND_HELP[k], ticketKind: k })),
    { label: 'or', kind: vscode.QuickPickItemKind.Separator },
    { label: '$(file) Pick a ticket file…', pickFile: true },
  ];
  const kind = await vscode.window.showQuickPick(items, { title: 'Shipwright: Run Ticket (2/2)', placeHolder: 'What kind of ticket?', ignoreFocusOut: true });
  if (!kind) return undefined;
  if (kind.pickFile) {
    const files = await vscode.window.showOpenDialog({ defaultUri: folder.uri, canSelectMany: false, filters: { 'Ticket (markdown)': ['md'] }, openLabel: 'Run this ticket' });
    return files?.[0] ? { file: files[0] } : undefined;
  }
  // YAML double-quoted: a title with a colon or a quote stays one string.
  const content = ['---', `kind: ${kind.ticketKind ?? 'feature'}`, `title: ${JSON.stringify(title.trim())}`, '---', DRAFT_HINT, '', '', '## Acceptance criteria', ''].join('\n');
  const draft = await vscode.workspace.openTextDocument({ language: 'markdown', content });
  const editor = await vscode.window.showTextDocument(draft, { preview: false });
  const line = 5; // the empty line under the hint
  editor.selection = new vscode.Selection(line, 0, line, 0);
  return { draft };
}

/**
 * Reads and parses a ticket file. The path shown in errors is relative to the folder.
 * @throws TicketParseError when the file is not a valid ticket; Error when it cannot be read
 */
export async function readTicketFile(folder: vscode.WorkspaceFolder, file: vscode.Uri): Promise<Ticket> {
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
  return parseTicket(text, vscode.workspace.asRelativePath(file, false) || file.fsPath);
}
