import type { ModelChoiceView, TicketDetail } from '../src/shared/viewState';
import { modelLabel } from '../src/shared/modelLabel';
import { h, usd, withCode } from './dom';
import type { Post } from './renderPanel';
import { objectionItem } from './renderTimeline';

/** The model a person picked for a retry, per ticket: kept across re-renders (a snapshot may arrive meanwhile). */
const retryChoice = new Map<string, string>();

/** The retry picker: every model by name, provider and price; those that cannot run disabled; the default preselected. */
function retryPicker(t: TicketDetail, models: ModelChoiceView[], post: Post): HTMLElement[] {
  const fallback = t.retryDefault ?? models.find((m) => !m.unavailable)?.key ?? models[0]?.key ?? '';
  const chosen = retryChoice.get(t.id) ?? fallback;
  const select = h('select', { id: 'retry-model', 'data-key': 'retry-model', onchange: (ev) => ev.target instanceof HTMLSelectElement && retryChoice.set(t.id, ev.target.value) },
    ...models.map((m) => h('option', { value: m.key, selected: m.key === chosen, disabled: m.unavailable !== undefined }, modelLabel(m))));
  return [
    h('label', { for: 'retry-model', class: 'block-label' }, 'Retry on'),
    select,
    h('button', { type: 'button', 'data-key': 'retry', onclick: () => post({ type: 'retry', ticketId: t.id, modelKey: retryChoice.get(t.id) ?? chosen }) }, 'Retry'),
  ];
}

const deleteButton = (t: TicketDetail, post: Post): HTMLElement =>
  h('button', { type: 'button', class: 'secondary', 'data-key': 'delete', onclick: () => post({ type: 'deleteRun', ticketId: t.id }) }, 'Delete run…');

/**
 * The way on from every stopped state: needs-human (the open objections once, retry on a chosen model, edit the
 * deliverable, delete; for a set-up stop, what the test run said, resume and delete), failed (resume, retry on another model, delete), cancelled (resume, delete),
 * budget-exceeded (raise the budget and resume, delete). Undefined for states that are not stopped.
 */
export function renderStopped(t: TicketDetail, models: ModelChoiceView[], post: Post): HTMLElement | undefined {
  const hd = t.handoff;
  if (t.state === 'needs-human' && hd?.kind === 'setup') {
    // The test set-up needs fixing (a runner, a command): nothing to edit and no model to pick; resume once fixed.
    return h('div', { class: 'handoff', role: 'region', 'aria-labelledby': 'handoff-title', 'data-testid': 'handoff' },
      h('h3', { id: 'handoff-title' }, 'Needs you: the tests cannot judge this ticket yet'),
      ...hd.openObjections.flatMap((o) => {
        // The advice, then the run's last lines as they were printed (the objection's text after a blank line).
        const [advice, ...output] = o.message.split('\n\n');
        return [h('p', { class: 'reason' }, ...withCode(advice.charAt(0).toUpperCase() + advice.slice(1))), output.length > 0 && h('pre', { class: 'markdown', 'aria-label': 'What the test run printed' }, output.join('\n\n'))];
      }),
      h('div', { class: 'actions' },
        h('button', { type: 'button', 'data-key': 'resume', 'aria-label': 'Resume once the test set-up is fixed', onclick: () => post({ type: 'resume', ticketId: t.id }) }, 'Resume'),
        deleteButton(t, post),
      ),
    );
  }
  if (t.state === 'needs-human' && hd) {
    return h('div', { class: 'handoff', role: 'region', 'aria-labelledby': 'handoff-title', 'data-testid': 'handoff' },
      h('h3', { id: 'handoff-title' }, hd.openObjections.length > 0
        ? `Needs you at ${hd.phase}: ${hd.openObjections.length} open objection${hd.openObjections.length === 1 ? '' : 's'} after ${hd.attempts} attempts`
        : `Needs you at ${hd.phase}`),
      hd.openObjections.length > 0
        ? h('ul', { class: 'objections', 'aria-label': 'Open objections' }, ...hd.openObjections.map(objectionItem))
        : h('p', { class: 'reason' }, ...withCode(hd.text.length > 300 ? `${hd.text.slice(0, 300)}…` : hd.text)),
      h('div', { class: 'actions' }, ...retryPicker(t, models, post)),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'secondary', 'data-key': 'edit', onclick: () => post({ type: 'editDeliverable', ticketId: t.id }) }, 'Edit the deliverable…'),
        h('button', { type: 'button', class: 'secondary', 'data-key': 'continue', onclick: () => post({ type: 'continue', ticketId: t.id }) }, 'Continue with my edit'),
        deleteButton(t, post),
      ),
    );
  }
  if (t.state === 'failed') {
    // "Resume", not "Retry": the picker below has the Retry button, and two buttons of one name read as one.
    return h('div', { class: 'stopped', role: 'region', 'aria-label': 'Failed: what next', 'data-testid': 'stopped' },
      h('div', { class: 'actions' },
        h('button', { type: 'button', 'data-key': 'resume', 'aria-label': 'Resume where it stopped', onclick: () => post({ type: 'resume', ticketId: t.id }) }, 'Resume'),
        deleteButton(t, post),
      ),
      h('div', { class: 'actions' }, ...retryPicker(t, models, post)),
    );
  }
  if (t.state === 'cancelled') {
    return h('div', { class: 'stopped', role: 'region', 'aria-label': 'Cancelled: what next', 'data-testid': 'stopped' },
      h('div', { class: 'actions' },
        h('button', { type: 'button', 'data-key': 'resume', onclick: () => post({ type: 'resume', ticketId: t.id }) }, 'Resume'),
        deleteButton(t, post),
      ),
    );
  }
  if (t.state === 'budget-exceeded') {
    const raised = Math.max(t.budgetUsd * 2, t.totalUsd + 1);
    const to = Math.ceil(raised);
    return h('div', { class: 'stopped', role: 'region', 'aria-label': 'Budget exceeded: what next', 'data-testid': 'stopped' },
      h('p', {}, `Spent ${usd(t.totalUsd)} of a ${usd(t.budgetUsd)} budget.`),
      h('div', { class: 'actions' },
        h('button', { type: 'button', 'data-key': 'raise-budget', onclick: () => post({ type: 'raiseBudget', ticketId: t.id, budgetUsd: to }) }, `Raise to ${usd(to)} and resume`),
        deleteButton(t, post),
      ),
    );
  }
  return undefined;
}
