import * as assert from 'node:assert/strict';
import { Ollama } from 'ollama';
import { FAKE_OLLAMA_VERSION, startFakeOllama } from '../fakes/fakeOllamaServer';
import type { FakeModelServer } from '../fakes/fakeScript';

suite('fake Ollama (wire level)', () => {
  let fake: FakeModelServer;
  let client: Ollama;
  setup(async () => {
    fake = await startFakeOllama({
      models: [{ name: 'qwen2.5-coder:7b', contextLength: 32_768, architecture: 'qwen2' }, { name: 'plain', contextLength: 8192, capabilities: ['completion'] }],
      respond: () => ({ json: { ok: true } }),
    });
    client = new Ollama({ host: fake.url });
  });
  teardown(() => fake.close());

  const chatRaw = (body: unknown) => fetch(`${fake.url}/api/chat`, { method: 'POST', body: JSON.stringify(body) });

  test('version, tags and show answer like Ollama', async () => {
    assert.equal((await client.version()).version, FAKE_OLLAMA_VERSION);
    assert.deepEqual((await client.list()).models.map((m) => m.name), ['qwen2.5-coder:7b', 'plain:latest']);
    const show = await client.show({ model: 'qwen2.5-coder:7b' });
    assert.deepEqual(Object.entries(show.model_info).filter(([k]) => k.endsWith('context_length')), [['qwen2.context_length', 32_768]]);
    assert.deepEqual(show.capabilities, ['completion', 'tools']);
  });

  test('a stream is ndjson whose last line is done with counts and ns durations', async () => {
    const res = await chatRaw({ model: 'qwen2.5-coder:7b', messages: [{ role: 'user', content: 'hi' }], format: { type: 'object' } });
    assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
    const lines = (await res.text()).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>); // asserted below
    const last = lines[lines.length - 1];
    assert.equal(last.done, true);
    assert.equal(last.done_reason, 'stop');
    assert.equal(last.prompt_eval_count, fake.usageLog[0].inputTokens);
    assert.equal(last.eval_count, fake.usageLog[0].outputTokens);
    assert.ok(typeof last.total_duration === 'number' && last.total_duration > 1e6, 'durations are in ns');
    assert.ok(lines.slice(0, -1).every((l) => l.done === false));
    const content = lines.map((l) => (l.message as { content: string }).content).join(''); // every line has a message
    assert.deepEqual(JSON.parse(content), { ok: true });
  });

  test('zero counts are omitted from the final line', async () => {
    fake.respond(() => ({ json: {}, inputTokens: 0, outputTokens: 0 }));
    const res = await chatRaw({ model: 'qwen2.5-coder:7b', messages: [{ role: 'user', content: 'hi' }], stream: false });
    const body = (await res.json()) as Record<string, unknown>; // keys asserted below
    assert.equal(body.done, true);
    assert.ok(!('prompt_eval_count' in body) && !('eval_count' in body));
  });

  test('a non-streaming call through ollama-js gives the JSON as a string in message.content', async () => {
    const r = await client.chat({ model: 'qwen2.5-coder:7b', messages: [{ role: 'user', content: 'hi' }], format: { type: 'object' } });
    assert.equal(typeof r.message.content, 'string');
    assert.deepEqual(JSON.parse(r.message.content), { ok: true });
  });

  test('messages past num_ctx are dropped oldest-first, silently, keeping the system prompt', async () => {
    const big = (tag: string) => ({ role: 'user', content: `${tag} ` + 'lorem ipsum dolor sit amet '.repeat(150) });
    const r = await client.chat({
      model: 'qwen2.5-coder:7b',
      messages: [{ role: 'system', content: 'Deliverable: Plan' }, big('one'), { role: 'assistant', content: 'ok' }, big('two'), big('three')],
      options: { num_ctx: 1024 },
    });
    assert.equal(r.done, true);
    const seen = fake.requests[0];
    assert.equal(seen.schemaName, 'Plan');
    assert.equal(seen.numCtx, 1024);
    assert.ok((seen.droppedMessages ?? 0) >= 2);
    assert.ok(seen.messages[seen.messages.length - 1].content.startsWith('three'));
    assert.ok(!seen.messages.some((m) => m.content.startsWith('one')));
    assert.ok(r.prompt_eval_count <= 1024);
  });

  test('errors are {"error"} bodies that ollama-js turns into ResponseError with status_code', async () => {
    await assert.rejects(client.chat({ model: 'nope', messages: [] }), (e: unknown) =>
      e instanceof Error && e.name === 'ResponseError' && 'status_code' in e && e.status_code === 404 && e.message === "model 'nope' not found");
    fake.respond(() => ({ status: 503, retryAfterSeconds: 2 }));
    const res = await chatRaw({ model: 'qwen2.5-coder:7b', messages: [] });
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '2');
    assert.match(String(((await res.json()) as { error: string }).error), /server busy/); // Ollama's error shape
  });

  test('tools on a model without the tools capability are a 400', async () => {
    await assert.rejects(
      client.chat({ model: 'plain', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object', properties: {} } } }] }),
      (e: unknown) => e instanceof Error && /does not support tools/.test(e.message),
    );
  });

  test('an error line mid-stream reaches ollama-js as a plain Error', async () => {
    fake.respond(() => ({ midStreamError: 'model runner crashed' }));
    const stream = await client.chat({ model: 'qwen2.5-coder:7b', messages: [{ role: 'user', content: 'x' }], stream: true });
    await assert.rejects(
      (async () => {
        for await (const _part of stream) {
          // drain
        }
      })(),
      (e: unknown) => e instanceof Error && e.name === 'Error' && e.message === 'model runner crashed',
    );
    assert.equal(fake.usageLog.length, 0);
  });
});
