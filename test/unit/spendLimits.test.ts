import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpendGuard } from '../../src/core/budget/spendGuard';
import { SpendLimitError } from '../../src/core/budget/spendLimitError';
import { SpendStore } from '../../src/core/budget/spendStore';
import { userStateDir } from '../../src/core/budget/userStateDir';
import { resolveConfig, type ConfigOverrides } from '../../src/core/config/loadConfig';
import type { LedgerRecord } from '../../src/core/models/ledgerRecord';
import { formatEvent } from '../../src/cli/progressPrinter';
import { formatUsd } from '../../src/core/models/costLedger';
import { parseTicket } from '../../src/core/ticket/parseTicket';
import { scriptedModel } from '../fakes/scriptedModel';
import { engineKit, type EngineKit } from './engineTestKit';

const tickets = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tickets');
const feature = () => parseTicket(readFileSync(join(tickets, 'feature-add-subtract.md'), 'utf8'), 'feature-add-subtract.md');
/** Local models priced like a cheap cloud model (USD per million tokens), so tickets cost something. */
const PRICED: ConfigOverrides = {
  models: {
    'local-small': { provider: 'ollama', model: 'qwen2.5-coder:7b', price: { input: 1, output: 4, cacheWrite: 0, cacheRead: 0, source: 'test', date: '2026-11' } },
    'local-large': { provider: 'ollama', model: 'qwen3-coder:30b', price: { input: 1, output: 4, cacheWrite: 0, cacheRead: 0, source: 'test', date: '2026-11' } },
  },
};
const call = (usd: number, at: string, ticketId = 't'): LedgerRecord => ({
  ticketId, phase: 'discovery', attempt: 1, provider: 'anthropic', modelKey: 'sonnet', model: 'claude-sonnet-5-5', why: 'first',
  usage: { inputTokens: 1, outputTokens: 1, cacheWriteTokens: 0, cacheReadTokens: 0 }, usd, latencyMs: 1, at,
});

suite('spend across tickets: daily and monthly limits, cost warnings', () => {
  let dir: string;
  const kits: EngineKit[] = [];
  setup(() => {
    dir = mkdtempSync(join(tmpdir(), 'shipwright-spend-'));
  });
  teardown(async () => {
    for (const k of kits.splice(0)) await k.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the daily limit stops a second ticket in another repository, read back from the store after a restart', async () => {
    const first = await engineKit({ ollama: scriptedModel().responder, config: PRICED, spendDir: dir });
    kits.push(first);
    const a = await first.engine.run(feature());
    assert.equal(a.state, 'ready', a.reason);
    const spentA = a.ledger.reduce((n, r) => n + r.usd, 0);
    assert.ok(spentA > 0);
    // A new engine (a restart: nothing in memory) in another repository, with a daily limit just above what ticket A spent.
    const second = await engineKit({ ollama: scriptedModel().responder, config: { ...PRICED, spendLimits: { dailyUsd: spentA + 0.0001 } }, spendDir: dir });
    kits.push(second);
    const b = await second.engine.run(feature());
    assert.equal(b.state, 'budget-exceeded');
    assert.ok(b.reason.startsWith(`daily spend limit reached: ${formatUsd(spentA)} spent this day across all tickets`), b.reason);
    assert.equal(b.ledger.length, 0, 'no call was made');
    assert.equal(second.ollama.requests.length, 0);
    // The store is a file of JSON lines the limits were read from.
    const lines = readFileSync(join(dir, 'spend.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { t: string; usd: number });
    assert.equal(lines.filter((l) => l.t === 'call').length, a.ledger.length);
    assert.ok(lines.some((l) => l.t === 'ticket' && Math.abs(l.usd - spentA) < 1e-12));
  });

  test('days and months are the local calendar\'s: yesterday counts for the month, not the day', async () => {
    const store = new SpendStore(dir);
    const now = new Date(2026, 10, 29, 10, 0, 0);
    const guard = new SpendGuard(store, { dailyUsd: 1, monthlyUsd: 3, warnMultiple: 2, recentTickets: 20, minTickets: 3 }, '/repo', () => now);
    await guard.afterCall(call(2.5, new Date(2026, 10, 28, 23, 0).toISOString()), { kind: 'feature', usd: 2.5 });
    await guard.afterCall(call(0.6, new Date(2026, 10, 29, 9, 0).toISOString()), { kind: 'feature', usd: 3.1 });
    await guard.beforeCall(0.3).then(() => assert.fail('the month is at 3.1 of 3'), (e: unknown) => {
      assert.ok(e instanceof SpendLimitError);
      assert.equal(e.period, 'month');
    });
    const dayOnly = new SpendGuard(store, { dailyUsd: 1, warnMultiple: 2, recentTickets: 20, minTickets: 3 }, '/repo', () => now);
    await dayOnly.beforeCall(0.3); // 0.6 today + 0.3 ≤ 1
    await assert.rejects(dayOnly.beforeCall(0.5), (e: unknown) => e instanceof SpendLimitError && e.message.startsWith(`daily spend limit reached: ${formatUsd(0.6)} spent this day`));
  });

  test('a ticket costing over 2× the median of recent tickets of its kind warns once: CLI line, run-log event', async () => {
    const store = new SpendStore(dir);
    for (const [i, usd] of [0.0001, 0.0002, 0.0003, 5].entries()) {
      await store.append({ t: 'ticket', at: new Date(Date.now() - (i + 1) * 60_000).toISOString(), usd, ticketId: `old-${i}`, kind: i === 3 ? 'hotfix' : 'feature', repo: '/elsewhere' });
    }
    const kit = await engineKit({ ollama: scriptedModel().responder, config: PRICED, spendDir: dir });
    kits.push(kit);
    const s = await kit.engine.run(feature());
    assert.equal(s.state, 'ready', s.reason);
    const warnings = kit.events.filter((e) => e.type === 'costWarning');
    assert.equal(warnings.length, 1, 'once per ticket');
    const w = warnings[0];
    assert.ok(w.type === 'costWarning');
    assert.equal(w.medianUsd, 0.0002, 'median of the three feature tickets; the hotfix does not count');
    assert.equal(w.tickets, 3);
    assert.ok(w.usd > 2 * 0.0002);
    // The warning came at the first call that took the ticket past 2 × $0.0002.
    const before = s.ledger.slice(0, s.ledger.findIndex((r, i) => s.ledger.slice(0, i + 1).reduce((n, x) => n + x.usd, 0) > 0.0004) + 1);
    assert.ok(Math.abs(w.usd - before.reduce((n, r) => n + r.usd, 0)) < 1e-12);
    assert.match(formatEvent(w) ?? '', /warning: ticket add-a-subtract-function-to-the has cost \$0\.\d{4}, over 2× the median \(\$0\.0002\) of your last 3 feature tickets/);
    const runLog = readFileSync(kit.engine.eventLogPath(s.ticket.id), 'utf8');
    assert.match(runLog, /"type":"costWarning"/);
  });

  test('no warning without enough history, or when the ticket stays within the multiple', async () => {
    const store = new SpendStore(dir);
    const guard = new SpendGuard(store, { warnMultiple: 2, recentTickets: 20, minTickets: 3 }, '/repo');
    await store.append({ t: 'ticket', at: new Date().toISOString(), usd: 0.01, ticketId: 'a', kind: 'feature', repo: '/repo' });
    assert.equal(await guard.afterCall(call(1, new Date().toISOString(), 'x'), { kind: 'feature', usd: 1 }), undefined, 'one earlier ticket is not a median');
    for (const id of ['b', 'c']) await store.append({ t: 'ticket', at: new Date().toISOString(), usd: 0.6, ticketId: id, kind: 'feature', repo: '/repo' });
    assert.equal(await guard.afterCall(call(1, new Date().toISOString(), 'y'), { kind: 'feature', usd: 1.1 }), undefined, '1.1 ≤ 2 × 0.6');
    assert.ok(await guard.afterCall(call(1, new Date().toISOString(), 'y'), { kind: 'feature', usd: 1.3 }));
  });

  test('a repository\'s config may lower the user\'s spend limits, never raise or remove them', () => {
    const raised = resolveConfig([{ spendLimits: { dailyUsd: 5 } }, { spendLimits: { dailyUsd: 50, monthlyUsd: 10, warnMultiple: 3 } }]).spendLimits;
    assert.deepEqual([raised.dailyUsd, raised.monthlyUsd, raised.warnMultiple], [5, 10, 3]);
    assert.equal(resolveConfig([{ spendLimits: { dailyUsd: 5 } }, { spendLimits: { dailyUsd: 1 } }]).spendLimits.dailyUsd, 1);
    assert.equal(resolveConfig([{ spendLimits: { dailyUsd: 5 } }, { spendLimits: {} }]).spendLimits.dailyUsd, 5);
  });

  test('the store lives in the user\'s state folder unless SHIPWRIGHT_STATE_DIR says otherwise', () => {
    assert.equal(userStateDir({ HOME: '/home/u' }, 'linux'), '/home/u/.local/state/shipwright');
    assert.equal(userStateDir({ HOME: '/home/u', XDG_STATE_HOME: '/s' }, 'linux'), '/s/shipwright');
    assert.equal(userStateDir({ HOME: '/Users/u' }, 'darwin'), '/Users/u/Library/Application Support/shipwright');
    assert.equal(userStateDir({ SHIPWRIGHT_STATE_DIR: '/tmp/x', HOME: '/home/u' }, 'linux'), '/tmp/x');
  });
});
