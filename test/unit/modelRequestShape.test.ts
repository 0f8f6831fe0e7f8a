import * as assert from 'node:assert/strict';
import { z } from 'zod';
import { defaultConfig } from '../../src/core/config/defaultConfig';
import { knownModelCapabilities } from '../../src/core/config/knownModelCapabilities';
import { resolveConfig } from '../../src/core/config/loadConfig';
import { capabilitiesOf, effortFor } from '../../src/core/config/modelCapabilities';
import { Verdict } from '../../src/core/deliverables/verdict';
import { AnthropicProvider, paramsOf } from '../../src/core/models/anthropicProvider';
import type { ChatRequest } from '../../src/core/models/modelProvider';
import { outputCapFor } from '../../src/core/models/thinkingAllowance';
import { PhaseId } from '../../src/core/pipeline/phaseId';
import { schemaFor } from '../../src/core/deliverables/renderMarkdown';
import { startFakeAnthropic } from '../fakes/fakeAnthropicServer';
import { isRecord } from '../fakes/fakeHttp';
import type { FakeModelServer } from '../fakes/fakeScript';

const config = resolveConfig([]);
const anthropicModels = Object.entries(config.models).filter(([, s]) => s.provider === 'anthropic');

function requestFor(model: string, over: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model,
    system: 'You are the technical designer.\nDeliverable: Verdict',
    messages: [{ role: 'user', content: 'Check the design against the spec.' }],
    schema: { name: 'Verdict', description: 'The Verdict deliverable', jsonSchema: z.toJSONSchema(Verdict, { io: 'input' }) as Record<string, unknown> }, // a JSON Schema object
    maxOutputTokens: 8_192,
    timeoutMs: 10_000,
    ...over,
  };
}

suite('request shape per model capability table', () => {
  test('no model whose table refuses forced tools is ever sent tool_choice tool/any (every known id, every default model)', () => {
    const ids = new Set([...Object.keys(knownModelCapabilities), ...Object.values(defaultConfig.models).map((m) => m.model)]);
    for (const model of ids) {
      if (!model.startsWith('claude-')) continue;
      const caps = capabilitiesOf({ provider: 'anthropic', model });
      const params = paramsOf(requestFor(model, { capabilities: caps }));
      const forced = params.tool_choice?.type === 'tool' || params.tool_choice?.type === 'any';
      if (!caps.forcedTool) assert.ok(!forced, `${model} refuses forced tools but would get one`);
      if (!forced) assert.equal(params.output_config?.format?.type, 'json_schema', `${model} gets structured outputs`);
    }
  });

  test('a config asking for a forced tool on a model that refuses one is rejected before any run', () => {
    assert.throws(
      () => resolveConfig([{ models: { opus: { ...defaultConfig.models.opus, capabilities: { structuredOutput: 'forcedTool' } } } }]),
      /forcedTool/,
    );
    const ok = resolveConfig([{ models: { opus: { ...defaultConfig.models.opus, capabilities: { forcedTool: true, structuredOutput: 'forcedTool' } } } }]);
    assert.equal(capabilitiesOf(ok.models.opus).structuredOutput, 'forcedTool', 'an override that says the model accepts it is the user\'s call');
  });

  test('every deliverable schema, after the SDK transform, is inside the structured-output subset (the fake refuses otherwise)', async () => {
    const fake = await startFakeAnthropic({ respond: () => ({ json: {} }) });
    try {
      const provider = new AnthropicProvider({ apiKey: 'k', baseURL: fake.url, retry: { maxRetries: 0, maxRetryAfterMs: 0 } });
      for (const phase of PhaseId.options) {
        const jsonSchema = z.toJSONSchema(schemaFor(phase).schema, { io: 'input' }) as Record<string, unknown>; // a JSON Schema object
        await provider.chat(requestFor('claude-opus-5-5', { schema: { name: phase, description: phase, jsonSchema } }));
      }
      assert.equal(fake.requests.length, PhaseId.options.length);
    } finally {
      await fake.close();
    }
  });
});

suite('AnthropicProvider per built-in model id, against the stricter fake', () => {
  let fake: FakeModelServer;
  setup(async () => {
    fake = await startFakeAnthropic({ models: anthropicModels.map(([, s]) => s.model), apiKey: 'k' });
  });
  teardown(() => fake.close());

  for (const [key, spec] of anthropicModels) {
    test(`${key} (${spec.model}): answers a structured call with no 4xx, in the shape its capabilities choose`, async () => {
      const caps = capabilitiesOf(spec);
      const effort = effortFor(caps, config.effort.validation);
      const provider = new AnthropicProvider({ apiKey: 'k', baseURL: fake.url, retry: { maxRetries: 0, maxRetryAfterMs: 0 } });
      fake.respond(() => ({ json: { pass: true, objections: [] } }));
      const result = await provider.chat(requestFor(spec.model, { capabilities: caps, effort, maxOutputTokens: outputCapFor(spec, caps) }));
      assert.deepEqual(Verdict.parse(JSON.parse(result.content)), { pass: true, objections: [] });
      const body = fake.requests[0].raw;
      assert.ok(isRecord(body));
      assert.ok(isRecord(body.output_config));
      assert.equal(body.output_config.effort, 'low');
      if (caps.forcedTool && caps.structuredOutput === 'forcedTool') {
        assert.deepEqual(body.tool_choice, { type: 'tool', name: 'Verdict' });
        assert.equal(result.usage.thinkingTokens ?? 0, 0, 'a forced tool skips thinking');
      } else {
        assert.ok(!('tool_choice' in body) && !('tools' in body));
        assert.ok(isRecord(body.output_config.format) && body.output_config.format.type === 'json_schema');
        assert.equal(body.max_tokens, 32_000, 'room for thinking');
        assert.ok((result.usage.thinkingTokens ?? 0) > 0, 'a thinking model reports its thinking tokens');
      }
      for (const p of ['temperature', 'top_p', 'top_k', 'thinking']) assert.ok(!(p in body), `${p} is not sent`);
    });
  }
});
