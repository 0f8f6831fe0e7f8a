import * as assert from 'node:assert/strict';
import { resolveConfig } from '../../src/core/config/loadConfig';
import { checkModelsReachable } from '../../src/core/engine/checkModelsReachable';
import type { ChatRequest } from '../../src/core/models/modelProvider';
import { connectableOllamaHost } from '../../src/core/models/ollamaHost';
import { OllamaProvider } from '../../src/core/models/ollamaProvider';
import { startFakeOllama, type FakeOllamaServer } from '../fakes/fakeOllamaServer';
import { isRecord } from '../fakes/fakeHttp';
import { failure } from '../fakes/providerCallContract';

const request = (over: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'qwen3:8b',
  system: 'You check deliverables.\nDeliverable: Verdict',
  messages: [{ role: 'user', content: 'Check this spec: add a --dry-run flag to the CLI.' }],
  schema: { name: 'Verdict', description: 'verdict', jsonSchema: { type: 'object', properties: { pass: { type: 'boolean' } }, required: ['pass'] } },
  maxOutputTokens: 1000,
  timeoutMs: 10_000,
  ...over,
});
const noRetry = { maxRetries: 2, maxRetryAfterMs: 10 };
const optionsOf = (raw: unknown) => (isRecord(raw) && isRecord(raw.options) ? raw.options : {});

suite('OLLAMA_HOST in every form Ollama documents', () => {
  test('bind addresses, missing scheme or port, quotes: the address a client can connect to', () => {
    const cases: [string | undefined, string][] = [
      [undefined, 'http://127.0.0.1:11434'],
      ['', 'http://127.0.0.1:11434'],
      ['0.0.0.0', 'http://127.0.0.1:11434'],
      ['0.0.0.0:11434', 'http://127.0.0.1:11434'],
      [':11434', 'http://127.0.0.1:11434'],
      ['::', 'http://[::1]:11434'],
      ['[::]:11500', 'http://[::1]:11500'],
      ['gpu-box:8080', 'http://gpu-box:8080'],
      ['gpu-box', 'http://gpu-box:11434'],
      ['http://gpu-box', 'http://gpu-box:80'],
      ['https://ollama.com', 'https://ollama.com:443'],
      ['http://127.0.0.1:11500/', 'http://127.0.0.1:11500'],
      ['"0.0.0.0:11500"', 'http://127.0.0.1:11500'],
      ['https://proxy.example/ollama/', 'https://proxy.example:443/ollama'],
      ['0.0.0.0:99999', 'http://127.0.0.1:11434'],
    ];
    for (const [raw, want] of cases) assert.equal(connectableOllamaHost(raw), want, String(raw));
  });

  test('OLLAMA_HOST=0.0.0.0:PORT reaches a local server, for the pre-run check and for calls', async () => {
    const fake = await startFakeOllama({ models: [{ name: 'qwen2.5-coder:7b', contextLength: 32_768 }] });
    try {
      const port = new URL(fake.url).port;
      const reach = await checkModelsReachable(resolveConfig([]), { OLLAMA_HOST: `0.0.0.0:${port}` });
      assert.equal(reach.ollama.reachable, true, reach.ollama.error);
      assert.equal(reach.ollama.host, `http://127.0.0.1:${port}`);
      fake.respond(() => ({ json: { pass: true } }));
      const r = await new OllamaProvider({ host: `0.0.0.0:${port}` }).chat(request({ model: 'qwen2.5-coder:7b' }));
      assert.deepEqual(JSON.parse(r.content), { pass: true });
    } finally {
      await fake.close();
    }
  });
});

suite('Ollama as it is in late 2026 (fake 0.34.x)', () => {
  let fake: FakeOllamaServer;
  setup(async () => {
    fake = await startFakeOllama({
      models: [
        { name: 'qwen3:8b', contextLength: 40_960, capabilities: ['completion', 'tools', 'thinking'] },
        { name: 'qwen2.5-coder:7b', contextLength: 32_768, maxLoadableNumCtx: 8_192 },
        { name: 'qwen3-coder:30b', contextLength: 262_144 },
        { name: 'gpt-oss:120b-cloud', contextLength: 131_072, cloud: true },
      ],
    });
  });
  teardown(() => fake.close());

  test('a thinking model gets num_predict with room for thinking; its thinking counts in eval_count', async () => {
    fake.respond(() => ({ json: { pass: true }, thinkingTokens: 900 }));
    const r = await new OllamaProvider({ host: fake.url }).chat(request());
    assert.equal(optionsOf(fake.requests[0].raw).num_predict, 2000);
    assert.equal(r.stopReason, 'stop');
    assert.deepEqual(JSON.parse(r.content), { pass: true });
    assert.ok(r.usage.outputTokens > 900);
    assert.ok(!('think' in (fake.requests[0].raw as object)), 'think is left unset (think:false breaks format on some models)');
  });

  test('the same thinking with num_predict as for a plain model is cut (done_reason length): the allowance matters', async () => {
    fake.respond(() => ({ json: { pass: true }, thinkingTokens: 1500 }));
    const plain = await new OllamaProvider({ host: fake.url }).chat(request({ maxOutputTokens: 700 }));
    assert.equal(plain.stopReason, 'length');
    assert.equal(plain.content, '');
  });

  test('keep_alive holds the model for a ticket\'s length', async () => {
    fake.respond(() => ({ json: { pass: true } }));
    await new OllamaProvider({ host: fake.url }).chat(request());
    await new OllamaProvider({ host: fake.url, keepAlive: '2h' }).chat(request());
    assert.deepEqual(fake.requests.map((q) => (isRecord(q.raw) ? q.raw.keep_alive : undefined)), ['30m', '2h']);
  });

  test('a prompt above the num_ctx ceiling is a contextOverflow before sending; under it num_ctx never passes the ceiling', async () => {
    const provider = new OllamaProvider({ host: fake.url, numCtxCeiling: 4_096 });
    const big = 'function add(a, b) { return a + b; }\n'.repeat(400);
    const e = await failure(provider.chat(request({ model: 'qwen3-coder:30b', messages: [{ role: 'user', content: big }] })));
    assert.equal(e.reason, 'contextOverflow');
    assert.match(e.message, /ceiling of 4096/);
    assert.equal(fake.requests.length, 0);
    fake.respond(() => ({ json: { pass: true } }));
    await provider.chat(request({ model: 'qwen3-coder:30b', maxOutputTokens: 3000 }));
    assert.ok(Number(optionsOf(fake.requests[0].raw).num_ctx) <= 4_096);
  });

  test('the ceiling defaults to OLLAMA_CONTEXT_LENGTH, else 32,768', () => {
    const saved = process.env.OLLAMA_CONTEXT_LENGTH;
    try {
      process.env.OLLAMA_CONTEXT_LENGTH = '16384';
      assert.equal(new OllamaProvider({ host: fake.url }).numCtxCeiling, 16_384);
      delete process.env.OLLAMA_CONTEXT_LENGTH;
      assert.equal(new OllamaProvider({ host: fake.url }).numCtxCeiling, 32_768);
    } finally {
      if (saved === undefined) delete process.env.OLLAMA_CONTEXT_LENGTH;
      else process.env.OLLAMA_CONTEXT_LENGTH = saved;
    }
  });

  test('a load that does not fit in memory (500) is loadFailed and not retried', async () => {
    fake.respond(() => ({ json: { pass: true } }));
    const e = await failure(new OllamaProvider({ host: fake.url, retry: noRetry }).chat(request({ model: 'qwen2.5-coder:7b', maxOutputTokens: 9_000 })));
    assert.equal(e.reason, 'loadFailed');
    assert.match(e.message, /requires more system memory/);
    assert.equal(fake.requests.length, 1, 'no retry');
    assert.ok(e.fallsThrough);
  });

  test('a new num_ctx reloads the model; the same one does not', async () => {
    fake.respond(() => ({ json: { pass: true } }));
    const provider = new OllamaProvider({ host: fake.url });
    await provider.chat(request({ model: 'qwen3-coder:30b', maxOutputTokens: 1000 }));
    await provider.chat(request({ model: 'qwen3-coder:30b', maxOutputTokens: 1000 }));
    await provider.chat(request({ model: 'qwen3-coder:30b', maxOutputTokens: 5000 }));
    assert.deepEqual(fake.loads.map((l) => l.numCtx), [2048, 8192]);
  });

  test('a cloud model is recognised: no num_ctx sent (it runs at its full context on ollama.com)', async () => {
    fake.respond(() => ({ json: { pass: true } }));
    await new OllamaProvider({ host: fake.url }).chat(request({ model: 'gpt-oss:120b-cloud' }));
    assert.ok(!('num_ctx' in optionsOf(fake.requests[0].raw)));
  });

  test('an Ollama cloud model priced as free is refused by the config check', () => {
    const cloud = { provider: 'ollama' as const, model: 'gpt-oss:120b-cloud', price: { input: 0, output: 0, cacheWrite: 0, cacheRead: 0, source: 'local', date: '2026-11' } };
    assert.throws(() => resolveConfig([{ models: { 'local-large': cloud } }]), /Ollama cloud model/);
    assert.doesNotThrow(() => resolveConfig([{ models: { 'local-large': { ...cloud, price: { ...cloud.price, input: 0.5, output: 2, source: 'ollama.com plan, per my usage', date: '2026-11' } } } }]));
  });

  test('a corrupted NDJSON line fails the call loudly (unreadable), never a shorter answer', async () => {
    const answer = { pass: true, reasons: ['the spec names every file it touches and why, and says which test proves each step'] };
    fake.respond(() => ({ corruptLineIn: answer }));
    const e = await failure(new OllamaProvider({ host: fake.url, retry: noRetry }).chat(request({ model: 'qwen3-coder:30b' })));
    assert.equal(e.reason, 'unreadable');
    assert.match(e.message, /line 2 of the ollama stream is not JSON/);
    assert.ok(e.fallsThrough, 'the chain moves on to the next model');
  });
});
