import * as assert from 'node:assert/strict';
import type { RunState } from '../../../src/core/pipeline/runState';
import { buildViewState } from '../../../src/vscode/buildViewState';
import { meterReading } from '../../../src/vscode/costMeter';
import { ViewState } from '../../../src/shared/viewState';
import { WebviewMessage } from '../../../src/shared/panelMessage';

const now = new Date('2026-11-20T12:00:00');

/** A run in `state` whose ledger holds one call per entry of `calls` (USD, provider). */
function run(id: string, state: RunState['state'], calls: { usd: number; provider: 'ollama' | 'anthropic'; phase?: RunState['ledger'][number]['phase']; at?: string; cacheRead?: number }[], budgetUsd = 1): RunState {
  return {
    version: 1,
    ticket: { id, kind: 'feature', title: `Ticket ${id}`, body: 'b', acceptanceCriteria: [], dependsOn: [] },
    state,
    reason: state,
    route: ['discovery', 'techSpec', 'planning', 'implementation', 'review'],
    phases: [{ phase: 'discovery', status: 'done', attempts: [{ attempt: 1, modelKey: 'local-large', model: 'qwen3-coder:30b', why: 'first in chain', objections: [], accepted: true, chainIndex: 0, escalated: false }], markdown: '# d', countFrom: 0 }],
    ledger: calls.map((c, i) => ({
      ticketId: id, phase: c.phase ?? 'discovery', attempt: 1, provider: c.provider, modelKey: c.provider === 'ollama' ? 'local-large' : 'haiku', model: 'm', why: 'w',
      usage: { inputTokens: 100, outputTokens: 10, cacheWriteTokens: 0, cacheReadTokens: c.cacheRead ?? 0 }, usd: c.usd, latencyMs: 5, at: c.at ?? `2026-11-20T10:00:0${i}`,
    })),
    budgetUsd,
    children: [],
    createdAt: '2026-11-20T09:00:00',
    updatedAt: `2026-11-20T11:00:00.${id}`,
  };
}

suite('panel snapshot and cost meter', () => {
  test('tickets are grouped running, needs-human, ready, done; local and cloud spend apart; the snapshot fits its schema', () => {
    const runs = [run('a', 'done', []), run('b', 'ready', []), run('c', 'needs-human', []), run('d', 'running', [{ usd: 0, provider: 'ollama' }, { usd: 0.25, provider: 'anthropic', phase: 'validation', cacheRead: 600 }])];
    const s = buildViewState(runs.map((r) => ({ folder: 'calc', run: r })), { trusted: true, selectedId: 'd', modelKeys: ['local-large', 'sonnet'], now });
    assert.deepEqual(s.tickets.map((t) => `${t.group}:${t.id}`), ['running:d', 'needs-human:c', 'ready:b', 'done:a']);
    assert.equal(s.selected?.id, 'd');
    assert.equal(s.selected?.local.calls, 1);
    assert.equal(s.selected?.cloud.usd, 0.25);
    assert.equal(s.selected?.validation.cloud.cacheHits, 1);
    assert.equal(s.selected?.phases.length, 5);
    assert.equal(s.todayUsd, 0.25);
    assert.ok(ViewState.safeParse(s).success, 'what the host sends is what the webview accepts');
  });

  test('the meter shows the running ticket and today, and warns past 80 % of the budget', () => {
    const calm = meterReading([run('d', 'running', [{ usd: 0.5, provider: 'anthropic' }])], now);
    assert.match(calm.text, /\$0\.50 · today \$0\.50/);
    assert.equal(calm.warn, false);
    assert.match(calm.tooltip, /discovery: \$0\.50/);
    const hot = meterReading([run('d', 'running', [{ usd: 0.81, provider: 'anthropic' }]), run('old', 'done', [{ usd: 2, provider: 'anthropic', at: '2026-11-19T10:00:00' }])], now);
    assert.equal(hot.warn, true);
    assert.match(hot.text, /\$0\.81 · today \$0\.81/, 'yesterday\'s calls are not today\'s');
  });

  test('a panel message that does not fit the schema is refused', () => {
    assert.equal(WebviewMessage.safeParse({ type: 'retry', ticketId: 'a' }).success, false, 'retry needs a model');
    assert.equal(WebviewMessage.safeParse({ type: 'eval', code: 'x' }).success, false);
    assert.equal(WebviewMessage.safeParse({ type: 'retry', ticketId: 'a', modelKey: 'sonnet' }).success, true);
  });
});
