import type { SpendView, TicketDetail } from '../src/shared/viewState';
import { cost, h, shortTokens, tokens, tokensOf, usd } from './dom';

/**
 * The cost list, two columns that fit the side bar: phase → "$ · tokens" per phase, the validator and the total;
 * the local / cloud split and cache hits folded below. Free local work says "free" once per row, never "$0.00".
 */
export function renderCosts(t: TicketDetail): HTMLElement {
  const rows: [string, { local: SpendView; cloud: SpendView }][] = [...t.phases.map((p): [string, { local: SpendView; cloud: SpendView }] => [p.phase, p]), ['validation', t.validation]];
  const table = h('table', { class: 'costs' },
    h('caption', {}, 'Cost'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Phase'), h('th', { scope: 'col' }, 'Spent'))),
  );
  const body = h('tbody');
  for (const [name, s] of rows) {
    const n = tokensOf(s);
    if (n === 0 && s.local.calls + s.cloud.calls === 0) continue;
    body.append(h('tr', { 'data-row': name }, h('th', { scope: 'row' }, name), h('td', { title: `${tokens(n)} tokens` }, `${cost(s)} · ${shortTokens(n)} tok`)));
  }
  const total = { local: t.local, cloud: t.cloud };
  body.append(h('tr', { class: 'total', 'data-row': 'total' }, h('th', { scope: 'row' }, 'total'), h('td', {}, h('strong', { 'data-testid': 'total-usd' }, usd(t.totalUsd)), ` · ${shortTokens(tokensOf(total))} tok`)));
  table.append(body);
  const localOnly = t.cloud.calls === 0;
  const localCost = t.local.usd > 0 ? usd(t.local.usd) : 'free';
  return h('div', { class: 'costs-block' },
    table,
    h('details', { class: 'split' },
      // Local is usually free, but a priced local server (an LM Studio entry with a price) says what it cost.
      h('summary', {}, localOnly ? `All local: ${localCost}` : `Local: ${localCost} · cloud: ${usd(t.cloud.usd)}`),
      h('ul', {},
        h('li', {}, `Local: ${tokens(t.local.tokens.input)} in, ${tokens(t.local.tokens.output)} out tokens, ${t.local.calls} calls (${localCost})`),
        h('li', {}, `Cloud: ${tokens(t.cloud.tokens.input)} in, ${tokens(t.cloud.tokens.output)} out, ${tokens(t.cloud.tokens.cacheWrite)} cache write, ${tokens(t.cloud.tokens.cacheRead)} cache read tokens; ${t.cloud.calls} calls, ${t.cloud.cacheHits} read the cache; ${usd(t.cloud.usd)}`),
      ),
    ),
  );
}
