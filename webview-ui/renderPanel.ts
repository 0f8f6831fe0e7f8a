import type { WebviewMessage } from '../src/shared/panelMessage';
import type { TicketGroup, TicketRow, ViewState } from '../src/shared/viewState';
import { h, usd } from './dom';
import { renderSetup } from './renderSetup';
import { renderTicket } from './renderTicket';

/** Sends a message to the extension host. */
export type Post = (m: WebviewMessage) => void;

const GROUP_TITLE: Record<TicketGroup, string> = {
  running: 'Running',
  'needs-human': 'Needs you',
  ready: 'Ready for review',
  done: 'Done',
  stopped: 'Stopped',
};

/** The whole panel for one snapshot: the ticket list by group, then the selected ticket. */
export function renderPanel(s: ViewState, post: Post): HTMLElement {
  const root = h('div', { class: 'panel' });
  if (!s.trusted) {
    root.append(h('div', { class: 'notice error', role: 'alert' },
      h('p', {}, 'Shipwright does not run tickets in an untrusted workspace: a ticket runs the project\'s test command and code written by a model.'),
      h('button', { type: 'button', 'data-key': 'manage-trust', onclick: () => post({ type: 'manageTrust' }) }, 'Manage Workspace Trust…')));
  }
  if (s.notice) root.append(h('p', { class: `notice ${s.notice.level}`, role: s.notice.level === 'error' ? 'alert' : 'status' }, s.notice.text));
  root.append(
    h('div', { class: 'toolbar' },
      h('button', { type: 'button', 'data-key': 'run', onclick: () => post({ type: 'runTicket' }), disabled: !s.trusted }, 'Run Ticket…'),
      h('span', { class: 'today', 'aria-label': `Spent today ${usd(s.todayUsd)}` }, `Today ${usd(s.todayUsd)}`),
    ),
  );
  if (s.trusted) root.append(renderSetup(s.setup, s.checkingModels, s.tickets.length > 0, post));
  if (s.tickets.length === 0) {
    root.append(h('p', { class: 'empty' }, s.trusted
      ? 'No tickets yet. Once the models are ready, press Run Ticket… and describe a change.'
      : 'Tickets that ran here before show up once the workspace is trusted.'));
    return root;
  }
  const nav = h('nav', { 'aria-label': 'Tickets' });
  for (const group of ['running', 'needs-human', 'ready', 'done', 'stopped'] as const) {
    const rows = s.tickets.filter((t) => t.group === group);
    if (rows.length === 0) continue;
    const id = `group-${group}`;
    nav.append(h('h2', { id, class: 'group' }, `${GROUP_TITLE[group]} (${rows.length})`));
    const list = h('ul', { class: 'tickets', 'aria-labelledby': id });
    for (const t of rows) list.append(h('li', {}, ticketButton(t, t.id === s.selected?.id, post)));
    nav.append(list);
  }
  root.append(nav);
  if (s.selected) root.append(renderTicket(s.selected, s.models, post));
  return root;
}

function ticketButton(t: TicketRow, selected: boolean, post: Post): HTMLElement {
  return h(
    'button',
    {
      type: 'button',
      class: `ticket state-${t.state}`,
      'data-key': `ticket:${t.id}`,
      'data-row': 'ticket',
      'aria-pressed': selected ? 'true' : 'false',
      'aria-label': `${t.title}, ${t.kind}, ${t.state}, ${usd(t.usd)}`,
      onclick: () => post({ type: 'select', ticketId: t.id }),
    },
    h('span', { class: 'title' }, t.title),
    h('span', { class: 'meta' }, `${t.kind} · ${t.state} · ${usd(t.usd)}${t.folder ? ` · ${t.folder}` : ''}`),
  );
}
