import * as assert from 'node:assert/strict';
import Anthropic, { APIError, OverloadedError } from '@anthropic-ai/sdk';
import { startFakeAnthropic } from '../fakes/fakeAnthropicServer';
import { inSequence, type FakeModelServer } from '../fakes/fakeScript';

const tool = { name: 'Plan', description: 'the plan', input_schema: { type: 'object' as const, properties: { steps: { type: 'array' } } } };
const LONG = 'Every task names the files it needs and the test that proves it. '.repeat(60);

/** Parses an SSE body into [event, data] pairs, asserting every event has both lines. */
function parseSse(text: string): [string, unknown][] {
  return text
    .split('\n\n')
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => {
      const event = /^event: (.+)$/m.exec(chunk)?.[1];
      const data = /^data: (.+)$/m.exec(chunk)?.[1];
      assert.ok(event && data, `event without event:/data: lines: ${chunk}`);
      return [event, JSON.parse(data)];
    });
}

suite('fake Anthropic API (wire level)', () => {
  let fake: FakeModelServer;
  let client: Anthropic;
  setup(async () => {
    fake = await startFakeAnthropic({ respond: () => ({ json: { steps: ['red', 'green'] } }) });
    client = new Anthropic({ apiKey: 'test', baseURL: fake.url, maxRetries: 0 });
  });
  teardown(() => fake.close());

  const post = (path: string, body: unknown, headers: Record<string, string>) =>
    fetch(fake.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const minimal = { model: 'claude-haiku-5-5', max_tokens: 100, messages: [{ role: 'user' as const, content: 'hi' }] };

  test('no auth header is a 401 in the API error shape', async () => {
    const res = await post('/v1/messages', minimal, { 'anthropic-version': '2026-10-21' });
    assert.equal(res.status, 401);
    // Asserted field by field below.
    const body = (await res.json()) as { type?: string; error?: { type?: string; message?: string }; request_id?: string };
    assert.equal(body.type, 'error');
    assert.equal(body.error?.type, 'authentication_error');
    assert.ok(body.error?.message && body.request_id);
    assert.ok(res.headers.get('request-id'));
    assert.equal(fake.requests.length, 0);
  });

  test('x-api-key is accepted like a bearer token; no anthropic-version is a 400', async () => {
    const res = await post('/v1/messages', minimal, { 'x-api-key': 'k' });
    assert.equal(res.status, 400);
    const ok = await post('/v1/messages', minimal, { 'x-api-key': 'k', 'anthropic-version': '2023-06-01' });
    assert.equal(ok.status, 200);
    assert.match(ok.headers.get('content-type') ?? '', /application\/json/);
  });

  test('temperature, top_p and top_k are refused with 400', async () => {
    for (const p of ['temperature', 'top_p', 'top_k']) {
      const res = await post('/v1/messages', { ...minimal, [p]: 0.5 }, { authorization: 'Bearer k', 'anthropic-version': '2026-10-21' });
      assert.equal(res.status, 400, p);
    }
  });

  test('a stream is well-formed SSE in the documented order, with cumulative usage in message_delta', async () => {
    const res = await post(
      '/v1/messages',
      { ...minimal, stream: true, tools: [tool], tool_choice: { type: 'tool' as const, name: 'Plan' } },
      { authorization: 'Bearer k', 'anthropic-version': '2026-10-21' },
    );
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const events = parseSse(await res.text());
    const names = events.map(([e]) => e).filter((e) => e !== 'ping');
    assert.equal(names[0], 'message_start');
    assert.equal(names[1], 'content_block_start');
    assert.deepEqual(names.slice(-3), ['content_block_stop', 'message_delta', 'message_stop']);
    assert.ok(names.slice(2, -3).every((n) => n === 'content_block_delta'));
    assert.ok(events.some(([e]) => e === 'ping'));
    const json = events
      .filter(([e]) => e === 'content_block_delta')
      .map(([, d]) => (d as { delta: { partial_json: string } }).delta.partial_json) // filtered to deltas of a tool block
      .join('');
    assert.deepEqual(JSON.parse(json), { steps: ['red', 'green'] });
    const delta = events.find(([e]) => e === 'message_delta')?.[1] as { usage: Record<string, number> }; // found by name
    assert.deepEqual(delta.usage, { input_tokens: fake.usageLog[0].inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: fake.usageLog[0].outputTokens });
  });

  test("the SDK's own stream helper accepts the stream", async () => {
    const message = await client.messages.stream({ ...minimal, tools: [tool], tool_choice: { type: 'tool' as const, name: 'Plan' } }).finalMessage();
    const block = message.content[0];
    assert.equal(block.type, 'tool_use');
    assert.deepEqual(block.type === 'tool_use' ? block.input : undefined, { steps: ['red', 'green'] });
    assert.equal(message.stop_reason, 'tool_use');
  });

  test('a non-streaming call returns the tool_use block and usage', async () => {
    const message = await client.messages.create({ ...minimal, tools: [tool], tool_choice: { type: 'tool' as const, name: 'Plan' } });
    assert.equal(message.content[0].type, 'tool_use');
    assert.equal(message.usage.output_tokens, fake.usageLog[0].outputTokens);
  });

  test('errors reach the SDK as its typed errors; 529 is OverloadedError with a request id', async () => {
    fake.respond(inSequence({ status: 529 }, { midStreamError: 'boom' }));
    await assert.rejects(client.messages.create(minimal), (e: unknown) => e instanceof OverloadedError && e.status === 529 && !!e.requestID);
    const stream = await client.messages.create({ ...minimal, stream: true });
    await assert.rejects(
      (async () => {
        for await (const _event of stream) {
          // drain
        }
      })(),
      (e: unknown) => e instanceof APIError && e.status === undefined && /boom/.test(e.message),
    );
  });

  test('retry-after is sent with a scripted 429', async () => {
    fake.respond(() => ({ status: 429, retryAfterSeconds: 7 }));
    const res = await post('/v1/messages', minimal, { authorization: 'Bearer k', 'anthropic-version': '2026-10-21' });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '7');
  });

  test('a breakpoint on a message caches up to it; a repeat with a new tail reads the longest cached prefix', async () => {
    const system = [{ type: 'text' as const, text: LONG, cache_control: { type: 'ephemeral' as const } }];
    const turn = (text: string) => [
      { role: 'user' as const, content: [{ type: 'text' as const, text: LONG + text, cache_control: { type: 'ephemeral' as const } }] },
    ];
    const a = await client.messages.create({ ...minimal, system, messages: turn('first') });
    const b = await client.messages.create({ ...minimal, system, messages: turn('second') });
    const systemTokens = (await client.messages.countTokens({ model: minimal.model, system, messages: [{ role: 'user', content: 'x' }] })).input_tokens - 1;
    assert.ok((a.usage.cache_creation_input_tokens ?? 0) > systemTokens, 'first call writes system + first message');
    assert.equal(b.usage.cache_read_input_tokens, systemTokens, 'second call reads the system prefix only');
    assert.ok((b.usage.cache_creation_input_tokens ?? 0) > 0, 'and writes its own new prefix');
  });

  test('a configured minimum above the prompt disables caching for that model', async () => {
    const strict = await startFakeAnthropic({ cacheMinimums: { 'claude-haiku-5-5': 100_000 } });
    try {
      const c = new Anthropic({ apiKey: 'test', baseURL: strict.url, maxRetries: 0 });
      const system = [{ type: 'text' as const, text: LONG, cache_control: { type: 'ephemeral' as const } }];
      await c.messages.create({ ...minimal, system });
      const again = await c.messages.create({ ...minimal, system });
      assert.equal(again.usage.cache_read_input_tokens, 0);
      assert.equal(again.usage.cache_creation_input_tokens, 0);
    } finally {
      await strict.close();
    }
  });

  test('a top-level cache_control caches the whole prompt (automatic caching)', async () => {
    await client.messages.create({ ...minimal, system: LONG, cache_control: { type: 'ephemeral' as const } });
    const again = await client.messages.create({ ...minimal, system: LONG, cache_control: { type: 'ephemeral' as const } });
    assert.equal(again.usage.input_tokens, 0);
    assert.ok((again.usage.cache_read_input_tokens ?? 0) > 512);
  });
});
