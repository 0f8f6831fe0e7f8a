import * as assert from 'node:assert/strict';
import { AnthropicProvider } from '../../src/core/models/anthropicProvider';
import type { RetryNotice } from '../../src/core/models/boundedRetry';
import type { ChatRequest } from '../../src/core/models/modelProvider';
import { promptTokens } from '../../src/core/models/usage';
import { startFakeAnthropic } from '../fakes/fakeAnthropicServer';
import { isRecord } from '../fakes/fakeHttp';
import { inSequence, type FakeModelServer } from '../fakes/fakeScript';
import { failure, providerCallContract, refusedUrl, testRetryPolicy } from '../fakes/providerCallContract';

const schema = {
  name: 'TechSpec',
  description: 'The technical design of the ticket',
  jsonSchema: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    type: 'object',
    properties: { summary: { type: 'string' }, files: { type: 'array', items: { type: 'string' } } },
    required: ['summary', 'files'],
  },
};

/** A role prompt well over 512 tokens (the 5.5 models' cache minimum), under 4,096. */
const LONG_SYSTEM = 'You are the technical designer. Keep the design minimal, name every file you touch, and say why. '.repeat(40);

function request(over: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: 'claude-haiku-5-5',
    system: 'You are the technical designer.',
    messages: [{ role: 'user', content: 'Ticket: add a --dry-run flag to the CLI.' }],
    schema,
    maxOutputTokens: 2000,
    timeoutMs: 10_000,
    ...over,
  };
}

suite('AnthropicProvider against a fake Anthropic API', () => {
  let fake: FakeModelServer;
  let provider: AnthropicProvider;
  const notices: RetryNotice[] = [];
  const retry = testRetryPolicy(notices);
  setup(async () => {
    notices.length = 0;
    fake = await startFakeAnthropic({ models: ['claude-haiku-5-5', 'claude-opus-4-5'], apiKey: 'test-key' });
    provider = new AnthropicProvider({ apiKey: 'test-key', baseURL: fake.url, retry });
  });
  teardown(() => fake.close());

  providerCallContract({
    fake: () => fake,
    provider: () => provider,
    providerAt: (baseURL) => new AnthropicProvider({ apiKey: 'test-key', baseURL, retry }),
    deadUrl: () => refusedUrl(() => startFakeAnthropic()),
    request,
    notices,
    cutStopReason: 'max_tokens',
  });

  test('returns the forced tool input as JSON text, with the usage the API reported', async () => {
    fake.respond(() => ({ json: { summary: 'add a flag', files: ['src/cli.ts'] } }));
    const result = await provider.chat(request());
    assert.deepEqual(JSON.parse(result.content), { summary: 'add a flag', files: ['src/cli.ts'] });
    assert.equal(result.stopReason, 'tool_use');
    const { model: _model, ...reported } = fake.usageLog[0];
    assert.deepEqual(result.usage, reported);
    assert.ok(result.usage.inputTokens > 0 && result.usage.outputTokens > 0);
  });

  test('sends one forced tool, a cached system block, no sampling parameters, bearer auth and a version', async () => {
    await provider.chat(request());
    const sent = fake.requests[0];
    assert.ok(isRecord(sent.raw));
    const body = sent.raw;
    assert.deepEqual(body.tool_choice, { type: 'tool', name: 'TechSpec' });
    assert.deepEqual(body.tools, [{ name: 'TechSpec', description: schema.description, input_schema: { type: 'object', properties: schema.jsonSchema.properties, required: ['summary', 'files'] } }]);
    assert.deepEqual(body.system, [{ type: 'text', text: 'You are the technical designer.', cache_control: { type: 'ephemeral' } }]);
    assert.equal(body.stream, true);
    assert.equal(body.max_tokens, 2000);
    for (const p of ['temperature', 'top_p', 'top_k']) assert.ok(!(p in body), `${p} must not be sent`);
    assert.equal(sent.headers.authorization, 'Bearer test-key');
    assert.ok(sent.headers['anthropic-version']);
    assert.equal(sent.schemaName, 'TechSpec');
  });

  test('a long system prompt is a cache write on the first call and a cache read on the repeat', async () => {
    const first = await provider.chat(request({ system: LONG_SYSTEM }));
    const second = await provider.chat(request({ system: LONG_SYSTEM, messages: [{ role: 'user', content: 'Another ticket entirely.' }] }));
    assert.ok(first.usage.cacheWriteTokens >= 512, `write ${first.usage.cacheWriteTokens}`);
    assert.equal(first.usage.cacheReadTokens, 0);
    assert.equal(second.usage.cacheWriteTokens, 0);
    assert.equal(second.usage.cacheReadTokens, first.usage.cacheWriteTokens);
    assert.ok(second.usage.inputTokens < second.usage.cacheReadTokens, 'only the uncached tail is input');
  });

  test('a short system prompt is neither written nor read', async () => {
    const first = await provider.chat(request());
    const second = await provider.chat(request());
    for (const u of [first.usage, second.usage]) assert.deepEqual([u.cacheWriteTokens, u.cacheReadTokens], [0, 0]);
    assert.equal(second.usage.inputTokens, first.usage.inputTokens);
  });

  test('the same prompt under a model with a 4,096 minimum is not cached', async () => {
    const r = await provider.chat(request({ model: 'claude-opus-4-5', system: LONG_SYSTEM }));
    assert.deepEqual([r.usage.cacheWriteTokens, r.usage.cacheReadTokens], [0, 0]);
  });

  test('count_tokens gives the whole prompt the call is then billed for', async () => {
    const req = request({ system: LONG_SYSTEM });
    const estimate = await provider.estimateInputTokens(req);
    const result = await provider.chat(req);
    assert.equal(estimate, promptTokens(result.usage));
    assert.ok(fake.httpLog.some((h) => h.path === '/v1/messages/count_tokens'));
  });

  test('when count_tokens cannot answer, the local estimate still covers what a 5.5 model bills (its tokenizer counts ~30 % more than o200k)', async () => {
    const req = request({ system: LONG_SYSTEM, messages: [{ role: 'user', content: 'function add(a, b) { return a + b; }\n'.repeat(200) }] });
    const offline = new AnthropicProvider({ apiKey: 'test-key', baseURL: await refusedUrl(() => startFakeAnthropic()), retry });
    const estimate = await offline.estimateInputTokens(req);
    const billed = promptTokens((await provider.chat(req)).usage);
    assert.ok(estimate >= billed, `estimate ${estimate} < billed ${billed}`);
  });

  test('an unknown model is modelNotFound', async () => {
    const e = await failure(provider.chat(request({ model: 'claude-nonexistent-1' })));
    assert.equal(e.reason, 'modelNotFound');
    assert.equal(e.details.status, 404);
  });

  test('429 with retry-after is retried after the capped wait, then succeeds', async () => {
    fake.respond(inSequence({ status: 429, retryAfterSeconds: 3600 }, { json: { summary: 's', files: [] } }));
    const result = await provider.chat(request());
    assert.deepEqual(JSON.parse(result.content), { summary: 's', files: [] });
    assert.equal(fake.requests.length, 2);
    assert.deepEqual(notices.map((n) => [n.reason, n.status, n.delayMs]), [['rateLimited', 429, 50]]);
  });

  test('529 every time is overloaded after the bounded retries', async () => {
    fake.respond(() => ({ status: 529 }));
    const e = await failure(provider.chat(request()));
    assert.equal(e.reason, 'overloaded');
    assert.equal(fake.requests.length, 3, 'first attempt + 2 retries');
  });

  test('429 every time is rateLimited after the bounded retries', async () => {
    fake.respond(() => ({ status: 429, retryAfterSeconds: 1 }));
    assert.equal((await failure(provider.chat(request()))).reason, 'rateLimited');
    assert.equal(fake.requests.length, 3);
  });

  test('500 every time is serverError after the bounded retries', async () => {
    fake.respond(() => ({ status: 500 }));
    assert.equal((await failure(provider.chat(request()))).reason, 'serverError');
    assert.equal(fake.requests.length, 3);
  });

  test('400 and 413 are badRequest and not retried', async () => {
    fake.respond(inSequence({ status: 400, message: 'tools.0.input_schema: invalid' }, { status: 413 }));
    assert.equal((await failure(provider.chat(request()))).reason, 'badRequest');
    assert.equal((await failure(provider.chat(request()))).reason, 'badRequest');
    assert.equal(fake.requests.length, 2);
  });

  test('a wrong key is auth', async () => {
    const e = await failure(new AnthropicProvider({ apiKey: 'wrong', baseURL: fake.url, retry }).chat(request()));
    assert.equal(e.reason, 'auth');
    assert.equal(e.details.status, 401);
  });

  test('no API key is auth, with no request sent', async () => {
    const before = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      const keyless = new AnthropicProvider({ baseURL: fake.url, retry });
      assert.equal((await failure(keyless.chat(request()))).reason, 'auth');
      assert.ok((await keyless.estimateInputTokens(request())) > 0, 'the estimate falls back to the local count');
      assert.equal(fake.httpLog.length, 0);
    } finally {
      if (before !== undefined) process.env.ANTHROPIC_API_KEY = before;
    }
  });

  test('takes key and base URL from the environment when no option names them', async () => {
    const saved = { key: process.env.ANTHROPIC_API_KEY, url: process.env.ANTHROPIC_BASE_URL };
    process.env.ANTHROPIC_API_KEY = 'test-key';
    process.env.ANTHROPIC_BASE_URL = fake.url;
    try {
      await new AnthropicProvider({ retry }).chat(request());
      assert.equal(fake.requests.length, 1);
    } finally {
      for (const [k, v] of [['ANTHROPIC_API_KEY', saved.key], ['ANTHROPIC_BASE_URL', saved.url]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  test('a stream line that is not JSON fails the call (unreadable, falls through), never a shorter answer', async () => {
    fake.respond(() => ({ corruptLineIn: { summary: 'add a flag', files: ['src/cli.ts'] } }));
    const e = await failure(provider.chat(request()));
    assert.equal(e.reason, 'unreadable');
    assert.ok(e.fallsThrough);
    assert.equal(fake.requests.length, 1, 'not retried');
  });
});
