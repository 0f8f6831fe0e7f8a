import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { totalsOf } from '../../src/core/models/costLedger';
import { parseTicket } from '../../src/core/ticket/parseTicket';
import { startFakeOpenAi, type FakeOpenAiServer } from '../fakes/fakeOpenAiServer';
import { scriptedModel } from '../fakes/scriptedModel';
import { engineKit, type EngineKit } from './engineTestKit';

const ticketFile = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tickets', 'feature-add-subtract.md');
const PRICE = { input: 0.25, output: 2, cacheWrite: 0, cacheRead: 0.025, source: 'test price', date: '2026-11' };
const ROLES = ['discovery', 'techSpec', 'planning', 'implementation', 'review', 'diagnosis', 'split', 'ciFix', 'validation'];

suite('engine on OpenAI-compatible models only: a whole feature through the real openai client', () => {
  let kit: EngineKit | undefined;
  let fake: FakeOpenAiServer | undefined;
  teardown(async () => {
    await kit?.close();
    await fake?.close();
  });

  test('every deliverable passes the strict-schema checks; a missing model falls through to the next; usage is billed at the config price', async () => {
    const model = scriptedModel();
    fake = await startFakeOpenAi({ apiKey: 'sk-test', models: [{ id: 'gpt-5-mini', contextLength: 400_000, strict: true, reasoning: true }], respond: model.responder });
    kit = await engineKit({
      config: {
        models: {
          gone: { provider: 'openai', model: 'gpt-4-retired', baseUrl: fake.baseUrl, price: PRICE },
          mini: { provider: 'openai', model: 'gpt-5-mini', baseUrl: fake.baseUrl, price: PRICE },
        },
        chains: Object.fromEntries(ROLES.map((r) => [r, ['gone', 'mini']])),
      },
      openaiApiKey: 'sk-test',
    });
    const s = await kit.engine.run(parseTicket(readFileSync(ticketFile, 'utf8'), 'feature-add-subtract.md'));
    assert.equal(s.state, 'ready', s.reason);
    assert.match(readFileSync(join(s.worktree!.path, 'src/calculator.js'), 'utf8'), /function subtract/);
    // Every answered call is a strict call of gpt-5-mini; each one was first tried on the retired model (404).
    const answered = fake.requests.filter((r) => r.model === 'gpt-5-mini');
    assert.ok(answered.length >= 8);
    assert.ok(answered.every((r) => (r.raw as { response_format: { json_schema: { strict: boolean } } }).response_format.json_schema.strict));
    assert.equal(fake.requests.filter((r) => r.model === 'gpt-4-retired').length, answered.length);
    assert.equal(s.ledger.length, fake.usageLog.length);
    assert.ok(s.ledger.every((r) => r.provider === 'openai' && r.modelKey === 'mini' && /fallback: gone modelNotFound/.test(r.why)));
    const usd = s.ledger.reduce((n, r) => n + r.usd, 0);
    const expected = fake.usageLog.reduce((n, u) => n + (u.inputTokens * PRICE.input + u.outputTokens * PRICE.output + u.cacheReadTokens * PRICE.cacheRead) / 1e6, 0);
    assert.ok(Math.abs(usd - expected) < 1e-12 && usd > 0);
    assert.equal(kit.ollama.requests.length, 0);
    // The server is on this machine (127.0.0.1): its calls are local in every cost split, though priced.
    const t = totalsOf(s.ledger);
    assert.ok(s.ledger.every((r) => r.local === true));
    assert.equal(t.cloudUsage.inputTokens, 0);
    assert.equal(t.localUsage.inputTokens, t.usage.inputTokens);
  });
});
