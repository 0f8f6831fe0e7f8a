import assert from 'node:assert/strict';
import { formatUsd, totalsOf } from '../../src/core/models/costLedger';
import type { LedgerRecord } from '../../src/core/models/ledgerRecord';
import { runsLocally } from '../../src/core/models/runsLocally';
import { modelLabel } from '../../src/shared/modelLabel';

const usage = (inputTokens: number) => ({ inputTokens, outputTokens: 10, cacheWriteTokens: 0, cacheReadTokens: 0 });
const rec = (over: Partial<LedgerRecord>): LedgerRecord => ({
  ticketId: 't', phase: 'discovery', attempt: 1, provider: 'ollama', modelKey: 'k', model: 'm', why: 'first in chain',
  usage: usage(100), usd: 0, latencyMs: 1, at: '2026-11-29T00:00:00.000Z', ...over,
});

suite('local means on this machine, not a provider', () => {
  test('Ollama models are local unless they are Ollama cloud models', () => {
    assert.equal(runsLocally({ provider: 'ollama', model: 'qwen3-coder:30b' }), true);
    assert.equal(runsLocally({ provider: 'ollama', model: 'gpt-oss:120b-cloud' }), false);
    assert.equal(runsLocally({ provider: 'ollama', model: 'qwen3-coder:480b-cloud' }), false);
  });

  test('an OpenAI-compatible server is local on the loopback, by preset or by its URL, else cloud', () => {
    assert.equal(runsLocally({ provider: 'openai', model: 'qwen', preset: 'lmstudio' }), true);
    assert.equal(runsLocally({ provider: 'openai', model: 'x', preset: 'openrouter' }), false);
    assert.equal(runsLocally({ provider: 'openai', model: 'x', baseUrl: 'http://127.0.0.1:1234/v1' }), true);
    assert.equal(runsLocally({ provider: 'openai', model: 'x', baseUrl: 'http://[::1]:8080/v1' }), true);
    assert.equal(runsLocally({ provider: 'openai', model: 'gpt-5-mini' }, {}), false);
    assert.equal(runsLocally({ provider: 'openai', model: 'x' }, { OPENAI_BASE_URL: 'http://localhost:8000/v1' }), true);
    assert.equal(runsLocally({ provider: 'anthropic', model: 'claude-sonnet-5-5' }), false);
  });

  test('totals put a priced Ollama cloud call under cloud and an LM Studio call under local; old records fall back to the provider', () => {
    const t = totalsOf([
      rec({ provider: 'ollama', model: 'gpt-oss:120b-cloud', local: false, usd: 0.01, usage: usage(1000) }),
      rec({ provider: 'openai', model: 'qwen', local: true, usage: usage(200) }),
      rec({ provider: 'ollama', usage: usage(30) }),
      rec({ provider: 'anthropic', usd: 0.02, usage: usage(4000) }),
    ]);
    assert.equal(t.localUsage.inputTokens, 230);
    assert.equal(t.cloudUsage.inputTokens, 5000);
    assert.equal(formatUsd(t.cloudUsd), '$0.03');
  });

  test('pickers say local for a local server and the provider with its price for an Ollama cloud model', () => {
    assert.equal(modelLabel({ key: 'lm', model: 'qwen', provider: 'openai', local: true, inputUsdPerMTok: 0, outputUsdPerMTok: 0 }), 'lm — qwen · local, free');
    assert.equal(
      modelLabel({ key: 'big', model: 'gpt-oss:120b-cloud', provider: 'ollama', local: false, inputUsdPerMTok: 1, outputUsdPerMTok: 4 }),
      'big — gpt-oss:120b-cloud · ollama $1.00/$4.00 per M tokens in/out',
    );
  });
});
