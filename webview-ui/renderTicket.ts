import type { ModelChoiceView, TicketDetail } from '../src/shared/viewState';
import { h, usd } from './dom';
import { renderCosts } from './renderCosts';
import { renderFiles } from './renderFiles';
import type { Post } from './renderPanel';
import { renderStopped } from './renderStopped';
import { renderTimeline } from './renderTimeline';

/** A ticket state in words. */
export const STATE_LABEL: Record<string, string> = {
  queued: 'queued',
  running: 'running',
  'awaiting-approval': 'waiting for you',
  'needs-human': 'needs you',
  'budget-exceeded': 'budget exceeded',
  ready: 'ready for review',
  done: 'done',
  failed: 'failed',
  cancelled: 'cancelled',
};

/** The reason's first sentence (the rest is folded): the state line stays one or two lines. */
function shortReason(reason: string): { head: string; rest: string } {
  const m = /^(.{0,200}?[.;])\s(.+)$/s.exec(reason);
  if (m?.[1] && m[2]) return { head: m[1], rest: m[2] };
  return reason.length > 200 ? { head: `${reason.slice(0, 200)}…`, rest: reason } : { head: reason, rest: '' };
}

/** The budget as a bar drawn with theme colours (a native <progress> draws a light track that reads full in dark themes). */
function budgetMeter(t: TicketDetail): HTMLElement {
  const share = t.budgetUsd > 0 ? Math.min(t.totalUsd / t.budgetUsd, 1) : 0;
  const pct = share * 100;
  const text = `${usd(t.totalUsd)} of ${usd(t.budgetUsd)}`;
  const fill = h('span', { class: 'fill', 'data-share': share.toFixed(4) });
  // Through the CSSOM: the CSP allows no style attributes.
  fill.style.width = `${pct}%`;
  return h('div', { class: 'budget' },
    h('span', {}, `Budget ${text}`),
    h('span', { class: `meter${share > 0.8 ? ' warn' : ''}`, role: 'progressbar', 'aria-label': 'Budget used', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': Math.round(pct), 'aria-valuetext': text }, fill),
    h('span', { class: 'muted pct' }, pct > 0 && pct < 1 ? '< 1 %' : `${Math.round(pct)} %`),
  );
}

/** The checkpoint: the deliverable's first lines, "Open in editor" for the whole, approve or send back. */
function renderCheckpoint(t: TicketDetail, post: Post): HTMLElement | undefined {
  const c = t.checkpoint;
  if (!c) return undefined;
  const lines = c.markdown.split('\n');
  return h('div', { class: 'checkpoint', role: 'region', 'aria-label': 'Checkpoint', 'data-testid': 'checkpoint' },
    h('h3', {}, `Waiting for you: approve the ${c.phase} deliverable?`),
    h('pre', { class: 'markdown', tabindex: 0, 'aria-label': `The first lines of the ${c.phase} deliverable` }, lines.slice(0, 12).join('\n')),
    lines.length > 12 && h('p', { class: 'muted' }, `${lines.length - 12} more lines.`),
    h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'secondary', 'data-key': 'cp-open', onclick: () => post({ type: 'openDeliverable', ticketId: t.id, phase: c.phase }) }, 'Open in editor'),
      h('button', { type: 'button', 'data-key': 'cp-approve', onclick: () => post({ type: 'decideCheckpoint', ticketId: t.id, decision: 'approve' }) }, 'Approve and go on'),
      h('button', { type: 'button', class: 'secondary', 'data-key': 'cp-reject', onclick: () => post({ type: 'decideCheckpoint', ticketId: t.id, decision: 'reject' }) }, 'Send back…'),
    ),
  );
}

/** The selected ticket: state, budget, the way on (checkpoint, stopped states), phases, files and costs. */
export function renderTicket(t: TicketDetail, models: ModelChoiceView[], post: Post): HTMLElement {
  const { head, rest } = shortReason(t.reason);
  const working = t.state === 'running' || t.state === 'queued';
  const section = h('section', { class: 'detail', 'aria-labelledby': 'detail-title' },
    h('h2', { id: 'detail-title' }, t.title),
    h('p', { class: `state state-${t.state}`, 'data-testid': 'ticket-state' },
      h('strong', {}, STATE_LABEL[t.state] ?? t.state),
      t.running && working ? ` · ${t.running.phase} (${t.phases.findIndex((p) => p.phase === t.running?.phase) + 1} of ${t.phases.length})` : '',
      head && !t.handoff && !working ? ` — ${head}` : ''),
    rest && !t.handoff && !working && h('details', { class: 'reason-more' }, h('summary', {}, 'Whole reason'), h('p', {}, rest)),
    budgetMeter(t),
  );
  if (working || t.state === 'awaiting-approval') {
    section.append(h('div', { class: 'actions' }, h('button', { type: 'button', class: 'secondary', 'data-key': 'cancel', onclick: () => post({ type: 'stop', ticketId: t.id }) }, 'Cancel')));
  }
  const checkpoint = renderCheckpoint(t, post);
  if (checkpoint) section.append(checkpoint);
  const stopped = renderStopped(t, models, post);
  if (stopped) section.append(stopped);
  if (t.files.length > 0 && t.reviewable) section.append(renderFiles(t, post));
  section.append(renderTimeline(t, post));
  if (t.files.length > 0 && !t.reviewable) section.append(renderFiles(t, post));
  section.append(renderCosts(t));
  return section;
}
