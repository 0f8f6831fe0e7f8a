import * as assert from 'node:assert/strict';
import type { RetryNotice, RetryPolicy } from '../../src/core/models/boundedRetry';
import type { ChatRequest, ModelProvider } from '../../src/core/models/modelProvider';
import { ProviderError } from '../../src/core/models/providerError';
import type { FakeModelServer } from './fakeScript';

/** The ProviderError a promise rejects with (fails the test when it resolves or throws something else). */
export async function failure(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProviderError, `expected a ProviderError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

/** A retry policy for tests: 2 retries, waits capped at 50 ms, notices collected into `notices`. */
export function testRetryPolicy(notices: RetryNotice[]): RetryPolicy {
  return { maxRetries: 2, maxRetryAfterMs: 50, onRetry: (n) => notices.push(n) };
}

/** The URL of a fake that was started and closed again: connections to it are refused. */
export async function refusedUrl(start: () => Promise<FakeModelServer>): Promise<string> {
  const down = await start();
  await down.close();
  return down.url;
}

/** What {@link providerCallContract} needs from a provider's test suite (getters: set up per test). */
export interface ProviderUnderTest {
  fake(): FakeModelServer;
  provider(): ModelProvider;
  /** The same provider kind, with the suite's retry policy, aimed at another base URL. */
  providerAt(url: string): ModelProvider;
  /** Starts and closes a fake of the provider's kind, so its URL refuses connections. */
  deadUrl(): Promise<string>;
  request(over?: Partial<ChatRequest>): ChatRequest;
  notices: RetryNotice[];
  /** The provider's stop reason for an answer cut at the output limit (`length`, `max_tokens`). */
  cutStopReason: string;
}

/**
 * Tests every provider must pass, whatever its API: transport failures map to the right ProviderError reason
 * (down → unreachable without retries; silent server or stalled stream → timeout; caller abort → cancelled,
 * nothing sent when already aborted), model text is passed through unjudged, and usage is the server's word.
 * Call inside a mocha `suite`.
 */
export function providerCallContract(p: ProviderUnderTest): void {
  test('a server that is down is unreachable, without retries', async () => {
    const e = await failure(p.providerAt(await p.deadUrl()).chat(p.request()));
    assert.equal(e.reason, 'unreachable');
    assert.equal(p.notices.length, 0);
  });

  test('a server that never answers is a timeout', async () => {
    p.fake().respond(() => ({ hang: true }));
    assert.equal((await failure(p.provider().chat(p.request({ timeoutMs: 300 })))).reason, 'timeout');
    assert.equal(p.fake().requests.length, 1);
  });

  test('a stream that stalls after its first bytes is a timeout', async () => {
    p.fake().respond(() => ({ stallAfter: '{"summary": "a' }));
    assert.equal((await failure(p.provider().chat(p.request({ timeoutMs: 300 })))).reason, 'timeout');
    assert.equal(p.fake().requests.length, 1);
  });

  test('aborting the caller signal is cancelled, which does not fall through', async () => {
    const ctl = new AbortController();
    p.fake().respond(() => {
      ctl.abort();
      return { hang: true };
    });
    const e = await failure(p.provider().chat(p.request({ signal: ctl.signal })));
    assert.equal(e.reason, 'cancelled');
    assert.equal(e.fallsThrough, false);
  });

  test('an already aborted signal sends nothing', async () => {
    assert.equal((await failure(p.provider().chat(p.request({ signal: AbortSignal.abort() })))).reason, 'cancelled');
    assert.equal(p.fake().httpLog.length, 0);
  });

  test('an error mid-stream is serverError and not retried', async () => {
    p.fake().respond(() => ({ midStreamError: 'the model runner crashed' }));
    const e = await failure(p.provider().chat(p.request()));
    assert.equal(e.reason, 'serverError');
    assert.match(e.message, /model runner crashed/);
    assert.equal(p.fake().requests.length, 1);
  });

  test('non-JSON model text is returned as content for the pipeline to object to', async () => {
    p.fake().respond(() => ({ text: 'Sure! Here it is: {summary: oops' }));
    assert.equal((await p.provider().chat(p.request())).content, 'Sure! Here it is: {summary: oops');
  });

  test('scripted token counts are what the provider reports', async () => {
    p.fake().respond(() => ({ json: { summary: 's' }, inputTokens: 4321, outputTokens: 99 }));
    const { usage } = await p.provider().chat(p.request());
    assert.deepEqual(usage, { inputTokens: 4321, outputTokens: 99, cacheWriteTokens: 0, cacheReadTokens: 0 });
  });

  test('an answer longer than maxOutputTokens is cut, with the provider\'s stop reason', async () => {
    p.fake().respond(() => ({ json: { summary: 'x'.repeat(400) }, outputTokens: 400 }));
    const result = await p.provider().chat(p.request({ maxOutputTokens: 100 }));
    assert.equal(result.stopReason, p.cutStopReason);
    assert.equal(result.usage.outputTokens, 100);
    assert.throws(() => JSON.parse(result.content), SyntaxError);
  });

  test('the pre-call estimate is at or above the prompt the server counted', async () => {
    const req = p.request({ messages: [{ role: 'user', content: 'function add(a, b) { return a + b; }\n'.repeat(200) }] });
    const estimate = await p.provider().estimateInputTokens(req);
    const { usage } = await p.provider().chat(req);
    assert.ok(estimate >= usage.inputTokens + usage.cacheWriteTokens + usage.cacheReadTokens);
  });
}
