import * as assert from 'node:assert/strict';
import { defaultConfig } from '../../src/core/config/defaultConfig';
import { capabilitiesOf } from '../../src/core/config/modelCapabilities';
import { resolveConfig } from '../../src/core/config/loadConfig';
import { forecastRoute } from '../../src/core/engine/forecastRoute';
import { fixtureTicket } from '../fixtures/fixtureTicket';

suite('forecastRoute: the dry run', () => {
  test("a forecast allows for the newer Claude tokenizer: 1.3× the input of the same calls on a local model, 1× on Opus 4.5", async () => {
    const opus = defaultConfig.models.opus;
    // One model for every role, the same context length and price, only the provider differs.
    const on = (provider: 'anthropic' | 'ollama', model: string) =>
      resolveConfig([{
        models: { ...defaultConfig.models, m: { provider, model, contextLength: opus.contextLength, price: opus.price } },
        chains: Object.fromEntries(Object.keys(defaultConfig.chains).map((role) => [role, ['m']])),
      }]);
    const ticket = fixtureTicket('feature-add-subtract.md');
    const [cloud, local, earlier] = [await forecastRoute(ticket, on('anthropic', opus.model)), await forecastRoute(ticket, on('ollama', 'qwen3-coder:30b')), await forecastRoute(ticket, on('anthropic', 'claude-opus-4-5'))];
    assert.deepEqual(earlier.map((f) => f.inputTokens), local.map((f) => f.inputTokens));
    assert.deepEqual(cloud.map((f) => f.phase), local.map((f) => f.phase));
    assert.ok(cloud.length >= 5);
    for (const [i, f] of cloud.entries()) {
      if (local[i].inputTokens === 0) continue; // review's validator: high end only
      // Rounded per call: at most half a token per call apart from the exact product.
      assert.ok(Math.abs(f.inputTokens - local[i].inputTokens * 1.3) <= f.calls, `${f.phase}: ${f.inputTokens} vs 1.3 × ${local[i].inputTokens}`);
    }
  });

  test("each model's tokens per o200k token: 1.3 on the newer Claude tokenizer, 1 on the earlier models (dated ids too) and local ones", () => {
    const ratio = (provider: string, model: string) => capabilitiesOf({ provider, model }).tokensPerO200k;
    assert.deepEqual(
      [ratio('anthropic', 'claude-opus-5-5'), ratio('anthropic', 'claude-haiku-5-5'), ratio('anthropic', 'claude-new-model-9'), ratio('anthropic', 'claude-haiku-4-5-20251001'), ratio('anthropic', 'claude-sonnet-4-6'), ratio('ollama', 'qwen3-coder:30b')],
      [1.3, 1.3, 1.3, 1, 1, 1],
    );
  });
});
