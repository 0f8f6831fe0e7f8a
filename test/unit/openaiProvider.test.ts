import * as assert from 'node:assert/strict';
import OpenAI from 'openai';
import { z } from 'zod';
import { ModelSpec } from '../../src/core/config/shipwrightConfig';
import { resolveConfig } from '../../src/core/config/loadConfig';
import { FileEdits } from '../../src/core/deliverables/fileEdits';
import type { RetryNotice } from '../../src/core/models/boundedRetry';
import type { ChatRequest } from '../../src/core/models/modelProvider';
import { OpenAiProvider } from '../../src/core/models/openaiProvider';
import { startFakeOpenAi, type FakeOpenAiServer } from '../fakes/fakeOpenAiServer';
import { inSequence } from '../fakes/fakeScript';
import { failure, providerCallContract, refusedUrl, testRetryPolicy } from '../fakes/providerCallContract';

const fileEditsSchema = z.toJSONSchema(FileEdits, { io: 'input' }) as Record<string, unknown>; // toJSONSchema returns a JSON Schema object
const verdictSchema = {
  name: 'Verdict',
  description: 'Whether the deliverable passes',
  jsonSchema: { type: 'object', properties: { pass: { type: 'boolean' }, reasons: { type: 'array', items: { type: 'string', minLength: 1 } } }, required: ['pass'] },
};

/** A model entry as the config would hold it (parsed, so defaults are filled). */
function spec(over: Record<string, unknown> = {}): ModelSpec {
  return ModelSpec.parse({ provider: 'openai', model: 'gpt-5-mini', price: { input: 0.25, output: 2, cacheWrite: 0, cacheRead: 0.025, source: 'test', date: '2026-11' }, ...over });
}

suite('OpenAiProvider through the real openai client against a fake OpenAI-compatible server', () => {
  let fake: FakeOpenAiServer;
  const notices: RetryNotice[] = [];
  let provider: OpenAiProvider;
  const request = (over: Partial<ChatRequest> = {}): ChatRequest => ({
    model: 'gpt-5-mini',
    system: 'You check deliverables.\nDeliverable: Verdict',
    messages: [{ role: 'user', content: 'Check this spec: add a --dry-run flag to the CLI.' }],
    schema: verdictSchema,
    maxOutputTokens: 1000,
    timeoutMs: 10_000,
    spec: spec(),
    ...over,
  });
  setup(async () => {
    notices.length = 0;
    fake = await startFakeOpenAi({
      apiKey: 'sk-test',
      models: [
        { id: 'gpt-5-mini', contextLength: 400_000, strict: true, reasoning: true },
        { id: 'qwen2.5-coder-7b-instruct', contextLength: 32_768, strict: false },
        { id: 'tiny', contextLength: 1_200 },
      ],
    });
    // The base URL comes from OPENAI_BASE_URL, as the official client reads it when the entry names none.
    provider = new OpenAiProvider({ apiKey: 'sk-test', env: { OPENAI_BASE_URL: fake.baseUrl }, retry: testRetryPolicy(notices) });
  });
  teardown(() => fake.close());

  providerCallContract({
    fake: () => fake,
    provider: () => provider,
    providerAt: (url) => new OpenAiProvider({ apiKey: 'sk-test', env: { OPENAI_BASE_URL: `${url}/v1` }, retry: testRetryPolicy(notices) }),
    deadUrl: () => refusedUrl(() => startFakeOpenAi()),
    request,
    notices,
    cutStopReason: 'length',
  });

  test('a strict model gets the strict schema, and optional fields it had to fill with null come back absent', async () => {
    fake.respond(() => ({ json: { explanation: 'add subtract', edits: [{ kind: 'write', path: 'src/a.js', content: 'x' }] } }));
    const result = await provider.chat(request({ schema: { name: 'FileEdits', description: 'edits', jsonSchema: fileEditsSchema } }));
    const sent = fake.requests[0].raw as { response_format: { json_schema: { strict: boolean; schema: { additionalProperties: boolean; required: string[] } } }; max_completion_tokens: number; stream_options: unknown };
    assert.equal(sent.response_format.json_schema.strict, true);
    assert.equal(sent.response_format.json_schema.schema.additionalProperties, false);
    assert.deepEqual(sent.response_format.json_schema.schema.required, ['explanation', 'edits', 'needFiles']);
    assert.equal(sent.max_completion_tokens, 1000);
    assert.deepEqual(sent.stream_options, { include_usage: true });
    assert.equal(fake.requests[0].stream, true);
    const parsed = FileEdits.parse(JSON.parse(result.content));
    assert.deepEqual(parsed.needFiles, [], 'the null the strict model wrote became the default again');
  });

  test('the fake refuses a schema outside the strict subset with the API\'s 400, as OpenAI does', async () => {
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: fake.baseUrl, maxRetries: 0 });
    const err = await client.chat.completions
      .create({ model: 'gpt-5-mini', messages: [{ role: 'user', content: 'hi' }], response_format: { type: 'json_schema', json_schema: { name: 'Verdict', strict: true, schema: verdictSchema.jsonSchema } } })
      .then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof OpenAI.BadRequestError);
    assert.match(err.message, /Invalid schema for response_format 'Verdict': In context=\(\), 'additionalProperties' is required to be supplied and to be false/);
  });

  test('a non-strict preset (LM Studio) gets the schema as it is, strict false, and max_tokens', async () => {
    fake.respond(() => ({ json: { pass: true } }));
    const lmstudio = spec({ model: 'qwen2.5-coder-7b-instruct', preset: 'lmstudio', baseUrl: fake.baseUrl });
    const result = await provider.chat(request({ model: 'qwen2.5-coder-7b-instruct', spec: lmstudio }));
    const sent = fake.requests[0].raw as { response_format: { json_schema: { strict: boolean; schema: unknown } }; max_tokens: number };
    assert.equal(sent.response_format.json_schema.strict, false);
    assert.deepEqual(sent.response_format.json_schema.schema, verdictSchema.jsonSchema);
    assert.equal(sent.max_tokens, 1000);
    assert.deepEqual(JSON.parse(result.content), { pass: true });
  });

  test('streamed usage counts cached prompt tokens as cache reads and reasoning inside output', async () => {
    fake.respond(() => ({ json: { pass: true }, inputTokens: 3000, cachedTokens: 1024, outputTokens: 10, reasoningTokens: 200 }));
    const { usage } = await provider.chat(request());
    assert.deepEqual(usage, { inputTokens: 3000 - 1024, outputTokens: 210, cacheWriteTokens: 0, cacheReadTokens: 1024, thinkingTokens: 200 });
    assert.deepEqual(fake.usageLog[0], { model: 'gpt-5-mini', inputTokens: 1976, outputTokens: 210, cacheWriteTokens: 0, cacheReadTokens: 1024 });
  });

  test('a refusal streamed as delta.refusal is a refusal stop, with the model\'s words as the detail', async () => {
    fake.respond(() => ({ refusal: null }));
    const result = await provider.chat(request());
    assert.equal(result.stopReason, 'refusal');
    assert.match(result.stopDetail ?? '', /can't assist/);
    assert.equal(result.content, '');
  });

  test('effort goes as reasoning_effort to a reasoning model; a model without effort levels gets none', async () => {
    fake.respond(() => ({ json: { pass: true } }));
    await provider.chat(request({ effort: 'low' }));
    assert.equal((fake.requests[0].raw as { reasoning_effort?: string }).reasoning_effort, 'low');
    await provider.chat(request({ model: 'qwen2.5-coder-7b-instruct', spec: spec({ model: 'qwen2.5-coder-7b-instruct', preset: 'lmstudio', baseUrl: fake.baseUrl }) }));
    assert.equal((fake.requests[1].raw as { reasoning_effort?: string }).reasoning_effort, undefined);
    const e = await failure(provider.chat(request({ model: 'qwen2.5-coder-7b-instruct', effort: 'high', spec: spec({ model: 'qwen2.5-coder-7b-instruct', preset: 'lmstudio', baseUrl: fake.baseUrl }) })));
    assert.match(e.message, /'reasoning_effort' is not supported with this model/, 'the fake refuses it where OpenAI does');
  });

  test('max_tokens sent to a reasoning model is the API\'s 400, a badRequest that falls through', async () => {
    const e = await failure(provider.chat(request({ spec: spec({ openai: { maxTokensField: 'max_tokens' } }) })));
    assert.equal(e.reason, 'badRequest');
    assert.match(e.message, /Use 'max_completion_tokens' instead/);
    assert.equal(e.fallsThrough, true);
  });

  test('a 429 is retried after its capped retry-after, then answers', async () => {
    fake.respond(inSequence({ status: 429, retryAfterSeconds: 30 }, { json: { pass: true } }));
    const result = await provider.chat(request());
    assert.deepEqual(JSON.parse(result.content), { pass: true });
    assert.deepEqual(notices.map((n) => [n.reason, n.status, n.delayMs]), [['rateLimited', 429, 50]]);
  });

  test('a 429 that persists is rateLimited after the bounded retries', async () => {
    fake.respond(() => ({ status: 429, retryAfterSeconds: 1 }));
    const e = await failure(provider.chat(request()));
    assert.equal(e.reason, 'rateLimited');
    assert.equal(fake.requests.length, 3);
  });

  test('an unknown model is the server\'s 404 model_not_found → modelNotFound', async () => {
    const e = await failure(provider.chat(request({ model: 'gpt-nope' })));
    assert.equal(e.reason, 'modelNotFound');
    assert.match(e.message, /The model `gpt-nope` does not exist/);
  });

  test('a prompt over the server\'s context is its 400 context_length_exceeded → contextOverflow', async () => {
    const e = await failure(provider.chat(request({ model: 'tiny', spec: spec({ model: 'tiny' }), maxOutputTokens: 1190 })));
    assert.equal(e.reason, 'contextOverflow');
    assert.match(e.message, /maximum context length is 1200 tokens/);
  });

  test('a context length in the entry refuses an oversize prompt before sending', async () => {
    const e = await failure(provider.chat(request({ spec: spec({ contextLength: 500 }) })));
    assert.equal(e.reason, 'contextOverflow');
    assert.equal(fake.httpLog.length, 0);
  });

  test('a wrong key is auth; no key for a remote server sends nothing', async () => {
    const wrong = new OpenAiProvider({ apiKey: 'sk-wrong', env: { OPENAI_BASE_URL: fake.baseUrl } });
    assert.equal((await failure(wrong.chat(request()))).reason, 'auth');
    const none = new OpenAiProvider({ env: {} });
    const e = await failure(none.chat(request({ spec: spec({ baseUrl: 'https://api.example.invalid/v1' }) })));
    assert.equal(e.reason, 'auth');
  });

  test('an OpenRouter entry reads OPENROUTER_API_KEY and never sends the OpenAI key', async () => {
    // OpenRouter takes `max_tokens` for every model it routes to; the fake's non-reasoning model does too.
    const router = spec({ model: 'qwen2.5-coder-7b-instruct', preset: 'openrouter', baseUrl: fake.baseUrl });
    const withoutKey = new OpenAiProvider({ apiKey: 'sk-test', env: { OPENAI_API_KEY: 'sk-test' } });
    assert.equal((await failure(withoutKey.chat(request({ model: 'qwen2.5-coder-7b-instruct', spec: router })))).reason, 'auth');
    assert.equal(fake.httpLog.length, 0, 'the OpenAI key went nowhere');
    const withKey = new OpenAiProvider({ env: { OPENROUTER_API_KEY: 'sk-test' } });
    fake.respond(() => ({ json: { pass: false } }));
    await withKey.chat(request({ model: 'qwen2.5-coder-7b-instruct', spec: router }));
    assert.equal(fake.requests[0].headers.authorization, 'Bearer sk-test');
  });

  test('a preset fills the base URL and a zero price of a local runtime; stated fields win', () => {
    const c = resolveConfig([{ models: { lm: { provider: 'openai', preset: 'lmstudio', model: 'qwen2.5-coder-7b-instruct' }, vllm: { provider: 'openai', preset: 'vllm', model: 'm', baseUrl: 'http://gpu-box:8000/v1' } } }]);
    assert.equal(c.models.lm.baseUrl, 'http://localhost:1234/v1');
    assert.equal(c.models.lm.price.input, 0);
    assert.equal(c.models.vllm.baseUrl, 'http://gpu-box:8000/v1');
    assert.throws(() => resolveConfig([{ models: { r: { provider: 'openai', preset: 'openrouter', model: 'x' } } }]), /price/, 'a cloud preset needs its price from config');
  });
});
