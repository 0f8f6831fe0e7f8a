import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConfigOverrides } from '../../src/core/config/loadConfig';
import type { PipelineEvent } from '../../src/core/pipeline/pipelineEvent';
import { parseTicket } from '../../src/core/ticket/parseTicket';
import { formatEvent } from '../../src/cli/progressPrinter';
import { StatusLine } from '../../src/cli/statusLine';
import { startFakeOpenAi, type FakeOpenAiServer } from '../fakes/fakeOpenAiServer';
import { isJsonReply, type FakeReply, type FakeRequest } from '../fakes/fakeScript';
import { scriptedModel } from '../fakes/scriptedModel';
import { engineKit, type EngineKit } from './engineTestKit';

const ticketFile = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tickets', 'feature-add-subtract.md');
const PRICE = { input: 0.25, output: 2, cacheWrite: 0, cacheRead: 0.025, source: 'test price', date: '2026-11' };
/** One 24-character piece every 150 ms: about 40 tokens a second, a local model's speed; the deliverable (~300 characters) streams for ~2 s. */
const PACE_MS = 150;

type Progress = Extract<PipelineEvent, { type: 'progress' }>;

/** The calculator model, with the discovery deliverable streamed slowly. */
function slowDiscovery(): (req: FakeRequest) => FakeReply {
  const model = scriptedModel();
  return (req) => {
    const reply = model.responder(req);
    if (reply instanceof Promise) throw new Error('the scripted model answers synchronously');
    return req.schemaName === 'FunctionalSpec' && isJsonReply(reply) ? { ...reply, paceMs: PACE_MS } : reply;
  };
}

suite('streamed tokens: a throttled progress event while a model writes, through each real client', () => {
  let kit: EngineKit | undefined;
  let openai: FakeOpenAiServer | undefined;
  teardown(async () => {
    await kit?.close();
    await openai?.close();
    kit = openai = undefined;
  });

  /** Runs the ticket until discovery is done, then cancels; returns the events and the discovery call's billed output. */
  async function discoveryOf(k: EngineKit): Promise<{ progress: Progress[]; billed: number; events: PipelineEvent[]; logPath: string }> {
    const ticket = parseTicket(readFileSync(ticketFile, 'utf8'), 'feature-add-subtract.md');
    k.engine.onEvent((e) => {
      if (e.type === 'phaseFinished' && e.phase === 'discovery') k.engine.cancel(e.ticketId);
    });
    const s = await k.engine.run(ticket);
    assert.equal(s.state, 'cancelled', s.reason);
    const call = s.ledger.find((r) => r.phase === 'discovery' && r.attempt === 1);
    assert.ok(call, 'the discovery call is billed');
    return { progress: k.events.filter((e): e is Progress => e.type === 'progress'), billed: call.usage.outputTokens, events: k.events, logPath: k.engine.eventLogPath(ticket.id) };
  }

  function assertStreamed(r: { progress: Progress[]; billed: number; logPath: string }, modelKey: string): void {
    const discovery = r.progress.filter((p) => p.role === 'discovery');
    assert.ok(discovery.length >= 2, `progress while discovery streams (got ${discovery.length})`);
    assert.ok(discovery.every((p) => p.phase === 'discovery' && p.attempt === 1 && p.modelKey === modelKey));
    for (let i = 1; i < discovery.length; i++) {
      assert.ok(discovery[i].outputTokens > discovery[i - 1].outputTokens, 'the count grows');
      assert.ok(discovery[i].elapsedMs - discovery[i - 1].elapsedMs >= 500, `at most two a second (${discovery[i - 1].elapsedMs} → ${discovery[i].elapsedMs} ms)`);
    }
    const last = discovery[discovery.length - 1];
    // The streamed count is of the text received so far; the billed count comes with usage at the end.
    assert.ok(last.outputTokens <= r.billed * 1.1 && last.outputTokens >= r.billed * 0.3, `~${last.outputTokens} streamed of ${r.billed} billed`);
    assert.ok(last.tokensPerSecond > 10 && last.tokensPerSecond < 2_000, `${last.tokensPerSecond} tok/s`);
    // Calls faster than one interval (the validator's, answered at once) report nothing: their usage follows.
    assert.equal(r.progress.filter((p) => p.role === 'validation').length, 0);
    // Transient: the run log keeps the billed usage, not the twice-a-second progress.
    const log = readFileSync(r.logPath, 'utf8');
    assert.match(log, /"type":"usage"/);
    assert.doesNotMatch(log, /"type":"progress"/);
  }

  test('Ollama (ollama-js stream): events arrive while the answer streams, the count grows, at most every 500 ms', async () => {
    kit = await engineKit({ ollama: slowDiscovery(), anthropic: slowDiscovery() });
    const r = await discoveryOf(kit);
    assertStreamed(r, 'local-large');
    assert.match(formatEvent(r.progress[r.progress.length - 1]) ?? '', /discovery: writing… ~[\d,]+ tokens · \d+ tok\/s$/);
  });

  test('Anthropic (SDK message stream): the same from text deltas', async () => {
    const chains: ConfigOverrides = { chains: { discovery: ['sonnet'], validation: ['haiku'] } };
    kit = await engineKit({ ollama: slowDiscovery(), anthropic: slowDiscovery(), config: chains });
    assertStreamed(await discoveryOf(kit), 'sonnet');
  });

  test('OpenAI-compatible (openai stream): the same from content deltas', async () => {
    openai = await startFakeOpenAi({ apiKey: 'sk-test', models: [{ id: 'gpt-5-mini', contextLength: 400_000, strict: true, reasoning: true }], respond: slowDiscovery() });
    kit = await engineKit({
      config: { models: { mini: { provider: 'openai', model: 'gpt-5-mini', baseUrl: openai.baseUrl, price: PRICE } }, chains: { discovery: ['mini'], validation: ['mini'] } },
      openaiApiKey: 'sk-test',
    });
    assertStreamed(await discoveryOf(kit), 'mini');
  });

  test('the CLI rewrites one status line on a terminal and writes none to a pipe', () => {
    const tty: string[] = [];
    const pipe: string[] = [];
    const onTty = new StatusLine({ isTTY: true, columns: 40, write: (s: string) => tty.push(s) });
    const onPipe = new StatusLine({ write: (s: string) => pipe.push(s) });
    for (const line of ['[t] discovery: writing… ~120 tokens', '[t] discovery: writing… ~1,240 tokens · 52 tok/s, a long line']) {
      onTty.show(line);
      onPipe.show(line);
    }
    onTty.clear();
    onPipe.clear();
    assert.deepEqual(pipe, []);
    assert.equal(tty.length, 3);
    assert.ok(tty.every((s) => s.startsWith('\r\x1b[2K') && !s.includes('\n')));
    assert.equal(tty[1], '\r\x1b[2K[t] discovery: writing… ~1,240 tokens …', 'cut to the width, never wrapped');
    assert.ok(tty[1].length - '\r\x1b[2K'.length < 40);
  });
});
