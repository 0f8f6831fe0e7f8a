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
    assert.deepEqual(delta.usage, { input_tokens: fake.usageLog[0].inputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: fake.usageLog[0].outputTokens, output_tokens_details: null });
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
    const x = [{ role: 'user' as const, content: 'x' }];
    const systemTokens = (await client.messages.countTokens({ model: minimal.model, system, messages: x })).input_tokens - (await client.messages.countTokens({ model: minimal.model, messages: x })).input_tokens;
    assert.ok((a.usage.cache_creation_input_tokens ?? 0) > systemTokens, 'first call writes system + first message');
    assert.equal(b.usage.cache_read_input_tokens, systemTokens, 'second call reads the system prefix only');
    assert.ok((b.usage.cache_creation_input_tokens ?? 0) > 0, 'and writes its own new prefix');
  });

  test("counts are the model's tokenizer's: 1.3× on Opus 4.7 and the 5.x models, as the earlier Opus 4.5 counts; usage and count_tokens agree", async () => {
    const messages = [{ role: 'user' as const, content: LONG }];
    const count = async (model: string) => (await client.messages.countTokens({ model, messages })).input_tokens;
    const [older, newer] = [await count('claude-opus-4-5'), await count('claude-opus-4-7')];
    assert.ok(older > 500);
    assert.equal(newer, Math.ceil(older * 1.3));
    assert.equal(await count('claude-haiku-5-5'), newer);
    // Neither thinks, so output is the answer alone, in each model's tokens.
    const a = await client.messages.create({ model: 'claude-opus-4-5', max_tokens: 1000, messages });
    const b = await client.messages.create({ model: 'claude-opus-4-7', max_tokens: 1000, messages });
    assert.deepEqual([a.usage.input_tokens, b.usage.input_tokens], [older, newer]);
    assert.equal(b.usage.output_tokens, Math.ceil(a.usage.output_tokens * 1.3));
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

  test('a 1-hour breakpoint is written as such (usage.cache_creation), outlives a 5-minute one, and a bad ttl or order is a 400', async () => {
    let now = 1_000_000;
    const timed = await startFakeAnthropic({ now: () => now });
    try {
      const c = new Anthropic({ apiKey: 'test', baseURL: timed.url, maxRetries: 0 });
      const sys = (ttl?: '5m' | '1h') => [{ type: 'text' as const, text: LONG, cache_control: { type: 'ephemeral' as const, ...(ttl ? { ttl } : {}) } }];
      const hour = await c.messages.create({ ...minimal, system: sys('1h') });
      assert.ok((hour.usage.cache_creation?.ephemeral_1h_input_tokens ?? 0) > 512, JSON.stringify(hour.usage));
      assert.equal(hour.usage.cache_creation?.ephemeral_5m_input_tokens, 0);
      const five = await c.messages.create({ ...minimal, system: [{ type: 'text', text: `${LONG} (other)`, cache_control: { type: 'ephemeral' } }] });
      assert.equal(five.usage.cache_creation?.ephemeral_5m_input_tokens, five.usage.cache_creation_input_tokens);
      now += 6 * 60_000; // past 5 minutes, within the hour
      const later5 = await c.messages.create({ ...minimal, system: [{ type: 'text', text: `${LONG} (other)`, cache_control: { type: 'ephemeral' } }] });
      assert.equal(later5.usage.cache_read_input_tokens, 0, 'the 5-minute entry expired');
      const later1h = await c.messages.create({ ...minimal, system: sys('1h') });
      assert.equal(later1h.usage.cache_read_input_tokens, hour.usage.cache_creation_input_tokens, 'the 1-hour entry is still read');
      const refused = async (system: unknown) => {
        const res = await fetch(`${timed.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer k', 'anthropic-version': '2026-10-21' }, body: JSON.stringify({ ...minimal, system }) });
        return { status: res.status, error: ((await res.json()) as { error: { type: string; message: string } }).error }; // the API error shape
      };
      const bad = await refused([{ type: 'text', text: LONG, cache_control: { type: 'ephemeral', ttl: '10m' } }]);
      assert.equal(bad.status, 400);
      assert.equal(bad.error.type, 'invalid_request_error');
      const order = await refused([{ type: 'text', text: LONG, cache_control: { type: 'ephemeral' } }, { type: 'text', text: 'more', cache_control: { type: 'ephemeral', ttl: '1h' } }]);
      assert.equal(order.status, 400);
      assert.equal(order.error.message, "system.1.cache_control.ttl: a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block. Note that blocks are processed in the following order: `tools`, `system`, `messages`.");
    } finally {
      await timed.close();
    }
  });

  const auth = { authorization: 'Bearer k', 'anthropic-version': '2026-10-21' };
  const errorOf = async (res: Response) => ((await res.json()) as { error: { type: string; message: string; details?: { error_code?: string } } }).error; // the API error shape

  test('a forced tool is a 400 with the documented message on Opus/Sonnet 5.5 and Fable/Mythos 5.1, on count_tokens too; Haiku 5.5 accepts it', async () => {
    for (const model of ['claude-opus-5-5', 'claude-sonnet-5-5', 'claude-fable-5-1', 'claude-mythos-5-1']) {
      for (const choice of [{ type: 'tool', name: 'Plan' }, { type: 'any' }]) {
        for (const path of ['/v1/messages', '/v1/messages/count_tokens']) {
          const res = await post(path, { ...minimal, model, tools: [tool], tool_choice: choice }, auth);
          assert.equal(res.status, 400, `${model} ${choice.type} ${path}`);
          assert.deepEqual(await errorOf(res), { type: 'invalid_request_error', message: 'tool_choice: type "tool" and "any" are not supported for this model.' });
        }
      }
      const auto = await post('/v1/messages', { ...minimal, model, tools: [tool], tool_choice: { type: 'auto' } }, auth);
      assert.equal(auto.status, 200, `${model} auto`);
    }
    assert.equal((await post('/v1/messages', { ...minimal, tools: [tool], tool_choice: { type: 'tool', name: 'Plan' } }, auth)).status, 200);
  });

  test('output_config.format outside the strict subset is a 400; the SDK transform of the same schema passes', async () => {
    const { transformJSONSchema } = await import('@anthropic-ai/sdk/lib/transform-json-schema');
    const raw = { type: 'object', properties: { name: { type: 'string', minLength: 1 }, tags: { type: 'array', items: { type: 'string' }, minItems: 2 } }, required: ['name', 'tags'] };
    const send = (schema: unknown) => post('/v1/messages', { ...minimal, model: 'claude-opus-5-5', output_config: { format: { type: 'json_schema', schema } } }, auth);
    const noAdditional = await send({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'] });
    assert.equal(noAdditional.status, 400);
    assert.match((await errorOf(noAdditional)).message, /additionalProperties/);
    const minLength = await send({ ...raw, additionalProperties: false });
    assert.equal(minLength.status, 400);
    assert.match((await errorOf(minLength)).message, /property 'minLength' is not supported/);
    const oneOf = await send({ type: 'object', additionalProperties: false, properties: { e: { oneOf: [{ type: 'string' }, { type: 'number' }] } }, required: ['e'] });
    assert.equal(oneOf.status, 400);
    const ok = await send(transformJSONSchema(raw));
    assert.equal(ok.status, 200);
  });

  test('thinking settings the model refuses are 400s: disabled on Opus/Sonnet 5.5, disabled at effort max on Haiku 5.5, enabled on Opus 5.5; bad effort', async () => {
    const send = (model: string, extra: Record<string, unknown>) => post('/v1/messages', { ...minimal, model, ...extra }, auth);
    assert.equal((await send('claude-opus-5-5', { thinking: { type: 'disabled' } })).status, 400);
    assert.equal((await send('claude-sonnet-5-5', { thinking: { type: 'disabled' } })).status, 400);
    assert.equal((await send('claude-opus-5-5', { thinking: { type: 'enabled', budget_tokens: 2000 } })).status, 400);
    assert.equal((await send('claude-haiku-5-5', { thinking: { type: 'disabled' }, output_config: { effort: 'max' } })).status, 400);
    assert.equal((await send('claude-haiku-5-5', { thinking: { type: 'disabled' }, output_config: { effort: 'low' } })).status, 200);
    assert.equal((await send('claude-opus-5-5', { output_config: { effort: 'extreme' } })).status, 400);
    assert.equal((await send('claude-opus-5-5', { max_tokens: 200_000 })).status, 400);
  });

  test('a thinking model streams a thinking block first; thinking counts in output_tokens, against max_tokens and in output_tokens_details', async () => {
    fake.respond(() => ({ json: { steps: ['red'] }, thinkingTokens: 500 }));
    const message = await client.messages.stream({ ...minimal, model: 'claude-opus-5-5', max_tokens: 2000 }).finalMessage();
    assert.deepEqual(message.content.map((b) => b.type), ['thinking', 'text']);
    assert.equal(message.usage.output_tokens_details?.thinking_tokens, 500);
    assert.equal(message.usage.output_tokens, 500 + fake.usageLog[0].outputTokens - 500);
    assert.ok(message.usage.output_tokens > 500);
    const cut = await client.messages.stream({ ...minimal, model: 'claude-opus-5-5', max_tokens: 400 }).finalMessage();
    assert.equal(cut.stop_reason, 'max_tokens');
    assert.deepEqual(cut.content.map((b) => b.type), ['thinking'], 'the thinking used the whole cap: no text');
    assert.equal(cut.usage.output_tokens, 400);
  });

  test('a refusal is a 200 with stop_reason refusal and its category', async () => {
    fake.respond(() => ({ refusal: 'cyber' }));
    const message = await client.messages.stream({ ...minimal, model: 'claude-sonnet-5-5' }).finalMessage();
    assert.equal(message.stop_reason, 'refusal');
    assert.equal(message.stop_details?.category, 'cyber');
    assert.deepEqual(message.content, []);
  });

  test('spend cap, billing and mid-stream overload carry the documented types and codes', async () => {
    fake.respond(inSequence({ status: 429, errorCode: 'enforced_spend_limit_reached', message: 'You have reached your spend limit.' }, { status: 402 }, { midStreamError: 'Overloaded', errorType: 'overloaded_error' }));
    await assert.rejects(client.messages.create(minimal), (e: unknown) => e instanceof APIError && e.status === 429 && e.errorCode === 'enforced_spend_limit_reached' && !e.headers?.get('retry-after'));
    await assert.rejects(client.messages.create(minimal), (e: unknown) => e instanceof APIError && e.status === 402 && e.type === 'billing_error');
    const stream = await client.messages.create({ ...minimal, stream: true });
    await assert.rejects(
      (async () => {
        for await (const _event of stream) {
          // drain
        }
      })(),
      (e: unknown) => e instanceof APIError && /overloaded_error|Overloaded/.test(e.message),
    );
  });
});
