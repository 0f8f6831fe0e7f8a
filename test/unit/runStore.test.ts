import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newRunState } from '../../src/core/engine/newRunState';
import type { RunState } from '../../src/core/pipeline/runState';
import { RunStore } from '../../src/core/pipeline/runStore';

const ticket = { id: 't1', kind: 'feature' as const, title: 'T', body: 'b', acceptanceCriteria: [], dependsOn: [] };

function call(i: number): RunState['ledger'][number] {
  return {
    ticketId: 't1', phase: 'discovery', attempt: 1, provider: 'anthropic', modelKey: 'sonnet', model: 'claude-sonnet-5-5', why: `call ${i}`,
    usage: { inputTokens: 100 + i, outputTokens: 10, cacheWriteTokens: 0, cacheReadTokens: 0 }, usd: 0.001, latencyMs: 5, at: new Date(0).toISOString(),
  };
}

suite('run store: a small state file and an append-only ledger', () => {
  let dir: string;
  setup(() => {
    dir = mkdtempSync(join(tmpdir(), 'shipwright-store-'));
  });
  teardown(() => rmSync(dir, { recursive: true, force: true }));

  test('each billed call is one appended line; state.json does not grow with calls; a new store loads it all', async () => {
    const store = new RunStore(dir);
    const state = newRunState(ticket, ['discovery'], 5);
    await store.save(state);
    const stateBytes = statSync(join(dir, 't1', 'state.json')).size;
    for (let i = 0; i < 50; i++) {
      state.ledger.push(call(i));
      await store.appendLedger(state);
    }
    await store.save(state);
    assert.ok(statSync(join(dir, 't1', 'state.json')).size <= stateBytes + 10, 'the state file holds no ledger');
    assert.equal(readFileSync(store.ledgerPath('t1'), 'utf8').trim().split('\n').length, 50);

    const loaded = await new RunStore(dir).load('t1');
    assert.deepEqual(loaded?.ledger.map((r) => r.why), state.ledger.map((r) => r.why));
  });

  test('a line cut off by a crash mid-append is skipped; the store then goes on appending after what it read', async () => {
    const store = new RunStore(dir);
    const state = newRunState(ticket, ['discovery'], 5);
    state.ledger.push(call(0), call(1));
    await store.save(state);
    appendFileSync(store.ledgerPath('t1'), '{"ticketId":"t1","pha'); // the crash

    const resumed = new RunStore(dir);
    const again = await resumed.load('t1');
    assert.equal(again?.ledger.length, 2);
    again!.ledger.push(call(2));
    await resumed.save(again!);
    const reread = await new RunStore(dir).load('t1');
    assert.deepEqual(reread?.ledger.map((r) => r.why), ['call 0', 'call 1', 'call 2']);
  });

  test('damage before the last line is an error naming the file and the line', async () => {
    const store = new RunStore(dir);
    const state = newRunState(ticket, ['discovery'], 5);
    state.ledger.push(call(0), call(1));
    await store.save(state);
    const lines = readFileSync(store.ledgerPath('t1'), 'utf8').split('\n');
    writeFileSync(store.ledgerPath('t1'), ['{broken', ...lines.slice(1)].join('\n'));
    await assert.rejects(new RunStore(dir).load('t1'), /ledger .*ledger\.jsonl line 1 is not valid JSON/);
  });

  test('a state.json of the older layout (ledger inside) loads, and its ledger moves to ledger.jsonl on the next save', async () => {
    const state = newRunState(ticket, ['discovery'], 5);
    state.ledger.push(call(0), call(1));
    mkdirSync(join(dir, 't1'), { recursive: true });
    writeFileSync(join(dir, 't1', 'state.json'), JSON.stringify(state, null, 2));

    const store = new RunStore(dir);
    const old = await store.load('t1');
    assert.equal(old?.ledger.length, 2);
    old!.ledger.push(call(2));
    await store.appendLedger(old!);
    await store.save(old!);
    assert.equal(readFileSync(store.ledgerPath('t1'), 'utf8').trim().split('\n').length, 3);
    assert.equal('ledger' in JSON.parse(readFileSync(join(dir, 't1', 'state.json'), 'utf8')), false);
    assert.equal((await new RunStore(dir).load('t1'))?.ledger.length, 3);
  });
});
