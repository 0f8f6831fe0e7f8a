import type { FileView, PhaseView, TicketDetail } from '../src/shared/viewState';
import { h, tokens, usd } from './dom';
import { renderCosts } from './renderCosts';
import type { Post } from './renderPanel';

/** The selected ticket: state, checkpoint, handoff, phase timeline, changed files and costs. */
export function renderTicket(t: TicketDetail, modelKeys: string[], post: Post): HTMLElement {
  const used = t.totalUsd / t.budgetUsd;
  const section = h('section', { class: 'detail', 'aria-labelledby': 'detail-title' },
    h('h2', { id: 'detail-title' }, t.title),
    h('p', { class: `state state-${t.state}`, 'data-testid': 'ticket-state' }, `${t.kind} · ${t.state}`, t.reason ? ` — ${t.reason}` : ''),
    h('p', { class: 'budget' },
      h('span', {}, `Budget: ${usd(t.totalUsd)} of ${usd(t.budgetUsd)}`),
      h('progress', { max: 1, value: Math.min(used, 1), 'aria-label': `Budget used ${Math.round(used * 100)} percent`, class: used > 0.8 ? 'warn' : '' }),
    ),
  );
  if (t.state === 'running' || t.state === 'queued' || t.state === 'awaiting-approval') {
    section.append(h('button', { type: 'button', 'data-key': 'cancel', onclick: () => post({ type: 'stop', ticketId: t.id }) }, 'Cancel'));
  }
  if (t.checkpoint) section.append(renderCheckpoint(t, post));
  if (t.handoff) section.append(renderHandoff(t, modelKeys, post));
  section.append(renderTimeline(t, post));
  if (t.files.length > 0) section.append(renderFiles(t, post));
  section.append(renderCosts(t));
  return section;
}

function renderCheckpoint(t: TicketDetail, post: Post): HTMLElement {
  const c = t.checkpoint;
  if (!c) return h('div');
  return h('div', { class: 'checkpoint', role: 'region', 'aria-label': 'Checkpoint' },
    h('h3', {}, `Checkpoint: approve the ${c.phase} deliverable?`),
    h('pre', { class: 'markdown', tabindex: 0 }, c.markdown),
    h('div', { class: 'actions' },
      h('button', { type: 'button', 'data-key': 'cp-approve', onclick: () => post({ type: 'decideCheckpoint', ticketId: t.id, decision: 'approve' }) }, 'Approve and go on'),
      h('button', { type: 'button', class: 'secondary', 'data-key': 'cp-reject', onclick: () => post({ type: 'decideCheckpoint', ticketId: t.id, decision: 'reject' }) }, 'Reject…'),
    ),
  );
}

/** The model a person picked for a retry, per ticket: kept across re-renders (a snapshot may arrive meanwhile). */
const retryChoice = new Map<string, string>();

function renderHandoff(t: TicketDetail, modelKeys: string[], post: Post): HTMLElement {
  const hd = t.handoff;
  if (!hd) return h('div');
  const chosen = retryChoice.get(t.id) ?? modelKeys[0] ?? '';
  const select = h(
    'select',
    { id: 'retry-model', 'data-key': 'retry-model', onchange: (ev) => ev.target instanceof HTMLSelectElement && retryChoice.set(t.id, ev.target.value) },
    ...modelKeys.map((k) => h('option', { value: k, selected: k === chosen }, k)),
  );
  return h('div', { class: 'handoff', role: 'region', 'aria-labelledby': 'handoff-title', 'data-testid': 'handoff' },
    h('h3', { id: 'handoff-title' }, `Needs you at ${hd.phase} (after ${hd.attempts} attempts)`),
    h('p', {}, hd.text),
    hd.openObjections.length > 0 && h('ul', { class: 'objections', 'aria-label': 'Open objections' }, ...hd.openObjections.map((o) => h('li', {}, h('strong', {}, `${o.source}: `), o.message, o.where ? ` (${o.where})` : ''))),
    h('div', { class: 'actions' },
      h('label', { for: 'retry-model' }, 'Retry with '),
      select,
      h('button', {
        type: 'button',
        'data-key': 'retry',
        onclick: () => post({ type: 'retry', ticketId: t.id, modelKey: retryChoice.get(t.id) ?? chosen }),
      }, 'Retry'),
      h('button', { type: 'button', class: 'secondary', 'data-key': 'edit', onclick: () => post({ type: 'editDeliverable', ticketId: t.id }) }, 'Edit deliverable'),
      h('button', { type: 'button', class: 'secondary', 'data-key': 'continue', onclick: () => post({ type: 'continue', ticketId: t.id }) }, 'Continue with edit'),
      h('button', { type: 'button', class: 'secondary', 'data-key': 'stop', onclick: () => post({ type: 'stop', ticketId: t.id }) }, 'Stop'),
    ),
  );
}

const STATUS_LABEL: Record<PhaseView['status'], string> = { pending: 'pending', running: 'running', done: 'done', failed: 'failed', skipped: 'skipped' };

function renderTimeline(t: TicketDetail, post: Post): HTMLElement {
  const list = h('ol', { class: 'timeline', 'aria-label': 'Phases' });
  for (const p of t.phases) {
    const last = p.attempts[p.attempts.length - 1];
    const item = h('li', { class: `phase status-${p.status}`, 'data-phase': p.phase, 'data-status': p.status },
      h('div', { class: 'phase-head' },
        h('span', { class: 'dot', 'aria-hidden': 'true' }),
        h('strong', {}, p.phase),
        h('span', { class: 'status' }, STATUS_LABEL[p.status]),
        last ? h('span', { class: 'model', title: last.why }, `${last.modelKey} (${last.model})`)
          : p.plannedModel && p.status === 'pending' && h('span', { class: 'model', 'data-testid': 'planned-model' }, `will run on ${p.plannedModel}`),
        h('span', { class: 'cost' }, `${usd(p.local.usd + p.cloud.usd)} · ${tokens(p.local.tokens.input + p.local.tokens.output + p.cloud.tokens.input + p.cloud.tokens.output + p.cloud.tokens.cacheRead + p.cloud.tokens.cacheWrite)} tok`),
        p.hasDeliverable && h('button', { type: 'button', class: 'link', 'data-key': `deliverable:${p.phase}`, 'aria-label': `Open the ${p.phase} deliverable`, onclick: () => post({ type: 'openDeliverable', ticketId: t.id, phase: p.phase }) }, 'Deliverable'),
      ),
    );
    if (p.attempts.length > 0) {
      const attempts = h('ul', { class: 'attempts', 'aria-label': `${p.phase} attempts` });
      for (const a of p.attempts) {
        attempts.append(h('li', { class: a.accepted ? 'accepted' : 'rejected' },
          h('span', {}, `Attempt ${a.attempt}: ${a.modelKey} — ${a.accepted ? 'accepted' : 'objected'}`),
          h('span', { class: 'why' }, ` (${a.why})`),
          a.objections.length > 0 && h('ul', { class: 'objections' }, ...a.objections.map((o) => h('li', {}, h('strong', {}, `${o.source}: `), o.message, o.where ? ` (${o.where})` : ''))),
        ));
      }
      item.append(attempts);
    }
    list.append(item);
  }
  return h('div', {}, h('h3', {}, 'Phases'), list);
}

const APPROVAL_LABEL: Record<FileView['approval'], string> = { pending: 'not reviewed', approved: 'approved', rejected: 'rejected', stale: 'changed since approval' };

function renderFiles(t: TicketDetail, post: Post): HTMLElement {
  const list = h('ul', { class: 'files', 'aria-label': 'Changed files' });
  for (const f of t.files) {
    list.append(h('li', { class: `file approval-${f.approval}`, 'data-path': f.path },
      h('button', { type: 'button', class: 'link', 'data-key': `diff:${f.path}`, 'aria-label': `Open the diff of ${f.path}, ${f.status}, ${f.added} added, ${f.removed} removed lines, ${APPROVAL_LABEL[f.approval]}`, onclick: () => post({ type: 'openDiff', ticketId: t.id, path: f.path }) }, f.path),
      h('span', { class: 'added', 'aria-hidden': 'true' }, `+${f.added}`),
      h('span', { class: 'removed', 'aria-hidden': 'true' }, `−${f.removed}`),
      h('span', { class: 'approval' }, APPROVAL_LABEL[f.approval]),
      t.reviewable && h('button', { type: 'button', class: 'icon', 'data-key': `approve:${f.path}`, 'aria-label': `Approve ${f.path}`, title: 'Approve', onclick: () => post({ type: 'decideFile', ticketId: t.id, path: f.path, decision: 'approve' }) }, '✓'),
      t.reviewable && h('button', { type: 'button', class: 'icon', 'data-key': `reject:${f.path}`, 'aria-label': `Reject ${f.path}`, title: 'Reject', onclick: () => post({ type: 'decideFile', ticketId: t.id, path: f.path, decision: 'reject' }) }, '✗'),
    ));
  }
  return h('div', {},
    h('h3', {}, `Changed files (${t.files.length})`),
    list,
    t.reviewable && h('button', { type: 'button', 'data-key': 'approve-all', onclick: () => post({ type: 'approveAll', ticketId: t.id }) }, 'Approve All and merge'),
  );
}
