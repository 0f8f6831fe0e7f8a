import { streamedText } from '../src/core/pipeline/streamingText';
import type { AttemptView, ObjectionView, PhaseView, TicketDetail } from '../src/shared/viewState';
import { clock, cost, h, shortTokens, tokensOf, withCode } from './dom';
import type { Post } from './renderPanel';

const STATUS_LABEL: Record<PhaseView['status'], string> = { pending: 'pending', running: 'running', done: 'done', failed: 'stopped', skipped: 'skipped' };

/** Which attempt groups a person opened, per ticket and phase: kept across re-renders. */
const openAttempts = new Set<string>();

/** An objection's text, folded behind "more" past a few lines' worth. */
export function objectionItem(o: ObjectionView): HTMLElement {
  const head = h('strong', {}, `${o.source}${o.where ? ` · ${o.where}` : ''}: `);
  if (o.message.length <= 180) return h('li', {}, head, ...withCode(o.message));
  return h('li', {}, h('details', { class: 'more' }, h('summary', {}, head, ...withCode(`${o.message.slice(0, 140)}…`)), h('p', {}, ...withCode(o.message))));
}

/** A key that says two objections are the same (source, place and words). */
const sameKey = (o: ObjectionView): string => `${o.source}|${o.where ?? ''}|${o.message}`;

/**
 * A phase's attempts, folded to one summary line ("4 attempts · 3 objected · local-large, sonnet"). Inside, one
 * line per attempt; each objection is listed once, at the first attempt that raised it (later attempts say
 * "same N objections as before" or "N new").
 */
function attemptsBlock(t: TicketDetail, p: PhaseView): HTMLElement | undefined {
  if (p.attempts.length === 0) return undefined;
  const last = p.attempts[p.attempts.length - 1] as AttemptView; // length checked above
  if (p.attempts.length === 1 && last.accepted) return undefined; // the head already says which model did it
  const objected = p.attempts.filter((a) => !a.accepted).length;
  const models = [...new Set(p.attempts.map((a) => a.modelKey))].join(', ');
  const key = `${t.id}:${p.phase}`;
  const seen = new Set<string>();
  const rows = p.attempts.map((a) => {
    const fresh = a.objections.filter((o) => !seen.has(sameKey(o)));
    fresh.forEach((o) => seen.add(sameKey(o)));
    const repeated = a.objections.length - fresh.length;
    const verdict = a.accepted ? 'accepted' : `objected${a.objections.length ? ` (${a.objections.length})` : ''}`;
    const note = repeated > 0 ? (fresh.length === 0 ? ' — same objections as before' : ` — ${fresh.length} new, ${repeated} as before`) : '';
    return h('li', { class: a.accepted ? 'accepted' : 'rejected' },
      h('span', { class: 'verdict' }, h('span', { 'aria-hidden': 'true' }, a.accepted ? '✓ ' : '⚠ '), `#${a.attempt} ${a.modelKey} — ${verdict}${note}`),
      h('span', { class: 'why muted' }, ` (${a.why})`),
      fresh.length > 0 && !t.handoff && h('ul', { class: 'objections' }, ...fresh.map(objectionItem)),
    );
  });
  const details = h('details', {
    class: 'attempts',
    'data-key': `attempts:${p.phase}`,
    open: openAttempts.has(key),
    ontoggle: (ev) => {
      // Only a person's toggle is remembered (an element created open fires a toggle event too).
      if (ev.target instanceof HTMLDetailsElement && ev.target.open !== openAttempts.has(key)) {
        if (ev.target.open) openAttempts.add(key);
        else openAttempts.delete(key);
      }
    },
  },
    h('summary', {}, `${p.attempts.length} attempts · ${objected} objected · ${models}`),
    h('ul', { 'aria-label': `${p.phase} attempts` }, ...rows),
  );
  return details;
}

/** The phase timeline: one row per phase of the route, the running one with its model, clock and a busy mark. */
export function renderTimeline(t: TicketDetail, post: Post): HTMLElement {
  const list = h('ol', { class: 'timeline', 'aria-label': 'Phases' });
  for (const p of t.phases) {
    const last = p.attempts[p.attempts.length - 1];
    const live = t.running?.phase === p.phase ? t.running : undefined;
    const busy = p.status === 'running' && t.state === 'running';
    const modelLine = live
      ? h('div', { class: 'model-line', 'data-testid': 'running-model' },
          h('span', { class: 'model', title: `${live.modelKey} (${live.model}): ${live.why}` }, `attempt ${live.attempt} on ${live.modelKey} (${live.model})`))
      : last
        ? h('div', { class: 'model-line' }, h('span', { class: 'model', title: last.why }, `${last.modelKey} (${last.model})`))
        : p.plannedModel && p.status === 'pending'
          ? h('div', { class: 'model-line' }, h('span', { class: 'model', 'data-testid': 'planned-model' }, `will run on ${p.plannedModel}`))
          : undefined;
    const spent = tokensOf(p);
    const item = h('li', { class: `phase status-${p.status}${busy ? ' busy' : ''}`, 'data-phase': p.phase, 'data-status': p.status, 'aria-busy': busy ? 'true' : undefined },
      h('div', { class: 'phase-head' },
        h('span', { class: busy ? 'dot spinner' : 'dot', 'aria-hidden': 'true' }),
        h('strong', {}, p.phase),
        // The clock sits on the head line, so a narrow side bar never cuts it off.
        h('span', { class: 'status' }, busy ? 'working… ' : STATUS_LABEL[p.status], busy && live ? clock(live.startedAt) : undefined),
        spent > 0 && h('span', { class: 'cost' }, `${cost(p)} · ${shortTokens(spent)} tok`),
        p.hasDeliverable && h('button', { type: 'button', class: 'link', 'data-key': `deliverable:${p.phase}`, 'aria-label': `Open the ${p.phase} deliverable`, onclick: () => post({ type: 'openDeliverable', ticketId: t.id, phase: p.phase }) }, 'Open'),
      ),
      modelLine,
      // The streamed answer growing, on a line of its own (the side bar is narrow): the model writes, it is not stuck.
      live?.streamed && h('div', { class: 'model-line', 'data-testid': 'streamed' }, `${live.streamed.role === 'validation' ? 'validator ' : ''}${streamedText(live.streamed)}`),
      attemptsBlock(t, p),
    );
    list.append(item);
  }
  return h('div', {}, h('h3', {}, 'Phases'), list);
}
