import type { FileView, TicketDetail } from '../src/shared/viewState';
import { h, pathLabel } from './dom';
import type { Post } from './renderPanel';

const APPROVAL_LABEL: Record<FileView['approval'], string> = { pending: 'not reviewed', approved: 'approved', rejected: 'rejected', stale: 'changed since approval' };
const APPROVAL_MARK: Record<FileView['approval'], string> = { pending: '•', approved: '✓', rejected: '✕', stale: '!' };

/** Files listed before "Show all" folds the rest. */
const SHOWN = 10;
/** Tickets whose whole file list a person unfolded: kept across re-renders. */
const showAll = new Set<string>();

/** Shipwright's own notes (`.shipwright/<id>/NN-<phase>.md`), reviewed apart from the code. */
export function isProcessFile(path: string): boolean {
  return path.startsWith('.shipwright/');
}

/**
 * One file row: status mark, the path elided in the middle, +N −N, and approve / reject when reviewable; a flagged
 * file (hidden or bidi characters, control bytes, .gitattributes) gets its flags under the path, in words, and
 * the count in the screen-reader label of the diff button, so nobody approves it without being told.
 */
export function fileRow(t: TicketDetail, f: FileView, post: Post): HTMLElement {
  const flags = f.flags ?? [];
  const flagged = flags.length > 0 ? `, ${flags.length === 1 ? '1 warning' : `${flags.length} warnings`} to read before approving` : '';
  const label = `${f.path}, ${f.status}, ${f.added} added, ${f.removed} removed lines, ${APPROVAL_LABEL[f.approval]}${flagged}`;
  return h('li', { class: `file approval-${f.approval}${flags.length > 0 ? ' flagged' : ''}`, 'data-path': f.path },
    h('span', { class: 'mark', 'aria-hidden': 'true', title: APPROVAL_LABEL[f.approval] }, APPROVAL_MARK[f.approval]),
    h('button', { type: 'button', class: 'link file-open', 'data-key': `diff:${f.path}`, 'data-row': 'file', 'aria-label': `Open the diff of ${label}`, onclick: () => post({ type: 'openDiff', ticketId: t.id, path: f.path }) }, pathLabel(f.path)),
    h('span', { class: 'delta', 'aria-hidden': 'true' }, h('span', { class: 'added' }, `+${f.added}`), ' ', h('span', { class: 'removed' }, `−${f.removed}`)),
    t.reviewable && h('span', { class: 'row-actions' },
      h('button', { type: 'button', class: 'icon', 'data-key': `approve:${f.path}`, 'aria-label': `Approve ${f.path}`, 'aria-pressed': f.approval === 'approved' ? 'true' : 'false', title: 'Approve', onclick: () => post({ type: 'decideFile', ticketId: t.id, path: f.path, decision: 'approve' }) }, '✓'),
      h('button', { type: 'button', class: 'icon', 'data-key': `reject:${f.path}`, 'aria-label': `Reject ${f.path}`, 'aria-pressed': f.approval === 'rejected' ? 'true' : 'false', title: 'Reject…', onclick: () => post({ type: 'decideFile', ticketId: t.id, path: f.path, decision: 'reject' }) }, '✕'),
    ),
    flags.length > 0 && h('ul', { class: 'file-flags', 'aria-label': `Look before approving ${f.path}` }, ...flags.map((flag) => h('li', {}, `Look before approving: ${flag}`))),
  );
}

/**
 * The changed files: the code first (ten shown, "Show all N" for the rest), Shipwright's own notes folded apart,
 * a count of what is reviewed, and the review actions of a ready ticket.
 */
export function renderFiles(t: TicketDetail, post: Post): HTMLElement {
  const code = t.files.filter((f) => !isProcessFile(f.path));
  const notes = t.files.filter((f) => isProcessFile(f.path));
  const all = showAll.has(t.id) || code.length <= SHOWN + 2;
  const shown = all ? code : code.slice(0, SHOWN);
  const reviewed = code.filter((f) => f.approval === 'approved' || f.approval === 'rejected').length;
  const added = code.reduce((n, f) => n + f.added, 0);
  const removed = code.reduce((n, f) => n + f.removed, 0);
  const list = h('ul', { class: 'files', 'aria-label': 'Changed files', 'data-list': 'files' }, ...shown.map((f) => fileRow(t, f, post)));
  return h('div', { class: 'files-block' },
    h('h3', {}, `Changed files (${code.length})`, h('span', { class: 'muted' }, ` +${added} −${removed}${t.reviewable ? ` · ${reviewed} of ${code.length} reviewed` : ''}`)),
    list,
    !all && h('button', { type: 'button', class: 'link', 'data-key': 'show-all-files', onclick: () => { showAll.add(t.id); post({ type: 'select', ticketId: t.id }); } }, `Show all ${code.length} files`),
    notes.length > 0 && h('details', { class: 'notes-files' },
      h('summary', {}, `Pipeline notes (${notes.length}): not merged, kept in the branch history`),
      h('ul', { class: 'files', 'aria-label': 'Pipeline notes' }, ...notes.map((f) => fileRow({ ...t, reviewable: false }, f, post))),
    ),
    t.reviewable && h('div', { class: 'actions' },
      h('button', { type: 'button', 'data-key': 'review-start', onclick: () => post({ type: 'reviewNext', ticketId: t.id }) }, reviewed === 0 ? 'Start review' : reviewed < code.length ? 'Next file' : 'Review again'),
      h('button', { type: 'button', class: 'secondary', 'data-key': 'approve-all', onclick: () => post({ type: 'approveAll', ticketId: t.id }) }, 'Approve all and merge…'),
    ),
  );
}
