import type { SpendView, TicketDetail } from '../src/shared/viewState';
import { h, tokens, usd } from './dom';

/** The cost table: per phase and validation, local and cloud apart, with cache hits and the total. */
export function renderCosts(t: TicketDetail): HTMLElement {
  const table = h('table', { class: 'costs' },
    h('caption', {}, 'Tokens and dollars'),
    h('thead', {}, h('tr', {}, ...['Phase', 'Local tokens', 'Cloud tokens', 'Cache hits', 'USD'].map((c) => h('th', { scope: 'col' }, c)))),
  );
  const body = h('tbody');
  const row = (name: string, local: SpendView, cloud: SpendView, cls = ''): HTMLElement =>
    h('tr', { class: cls, 'data-row': name },
      h('th', { scope: 'row' }, name),
      h('td', {}, tokens(local.tokens.input + local.tokens.output)),
      h('td', {}, tokens(cloud.tokens.input + cloud.tokens.cacheWrite + cloud.tokens.cacheRead + cloud.tokens.output)),
      h('td', {}, cloud.calls > 0 ? `${cloud.cacheHits}/${cloud.calls}` : '—'),
      h('td', { class: 'usd' }, usd(local.usd + cloud.usd)),
    );
  for (const p of t.phases) body.append(row(p.phase, p.local, p.cloud));
  body.append(row('validation', t.validation.local, t.validation.cloud));
  body.append(row('total', t.local, t.cloud, 'total'));
  table.append(body);
  return h('div', {}, table, h('p', { class: 'split' }, `Local ${usd(t.local.usd)} · cloud ${usd(t.cloud.usd)} · total `, h('strong', { 'data-testid': 'total-usd' }, usd(t.totalUsd))));
}
