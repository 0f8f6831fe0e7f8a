import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTracing } from '../../src/core/telemetry/startTracing';
import { parseTicket } from '../../src/core/ticket/parseTicket';
import { scriptedModel } from '../fakes/scriptedModel';
import { engineKit, type EngineKit } from './engineTestKit';

const ticketFile = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'tickets', 'feature-add-subtract.md');

/** One span as OTLP/JSON carries it (https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding). */
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: { key: string; value: { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean } }[];
  status?: { code?: number };
}

/** A local OTLP/HTTP receiver: collects what `POST /v1/traces` brings, decoded from JSON. */
async function startReceiver() {
  const bodies: { contentType: string; headers: http.IncomingHttpHeaders; json: { resourceSpans: { resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: { spans: OtlpSpan[] }[] }[] } }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        const contentType = req.headers['content-type'] ?? '';
        bodies.push({ contentType, headers: req.headers, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`; // a TCP listener's address is an AddressInfo
  return {
    url, bodies,
    spans: (): OtlpSpan[] => bodies.flatMap((b) => b.json.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans))),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

const attr = (s: OtlpSpan, key: string): string | number | boolean | undefined => {
  const v = s.attributes.find((a) => a.key === key)?.value;
  if (!v) return undefined;
  if (v.intValue !== undefined) return Number(v.intValue);
  return v.stringValue ?? v.doubleValue ?? v.boolValue;
};

suite('OpenTelemetry traces of a ticket, received by a local OTLP/HTTP receiver', () => {
  let kit: EngineKit | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>> | undefined;
  teardown(async () => {
    await kit?.close();
    await receiver?.close();
  });

  test('one trace per ticket: phases under the ticket, attempts under phases, model calls under attempts with GenAI attributes', async () => {
    receiver = await startReceiver();
    kit = await engineKit({ ollama: scriptedModel().responder });
    const tracing = startTracing({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20cGs6c2s=' } });
    assert.ok(tracing);
    kit.engine.onEvent(tracing.onEvent);
    const s = await kit.engine.run(parseTicket(readFileSync(ticketFile, 'utf8'), 'feature-add-subtract.md'));
    assert.equal(s.state, 'ready', s.reason);
    await tracing.shutdown();

    assert.ok(receiver.bodies.length >= 1);
    assert.match(receiver.bodies[0].contentType, /application\/json/);
    assert.equal(receiver.bodies[0].headers.authorization, 'Basic cGs6c2s=', 'OTEL_EXPORTER_OTLP_HEADERS is sent (as Langfuse needs)');
    assert.ok(receiver.bodies[0].json.resourceSpans[0].resource.attributes.some((a) => a.key === 'service.name' && a.value.stringValue === 'shipwright'));
    const spans = receiver.spans();
    const byId = new Map(spans.map((x) => [x.spanId, x]));
    const roots = spans.filter((x) => !x.parentSpanId);
    assert.deepEqual(roots.map((r) => r.name), [`ticket ${s.ticket.id}`]);
    const root = roots[0];
    assert.equal(attr(root, 'shipwright.ticket.state'), 'ready');
    assert.equal(root.status?.code, 1, 'OK');
    assert.ok(spans.every((x) => x.traceId === root.traceId), 'one trace');

    const phases = spans.filter((x) => x.name.startsWith('phase '));
    assert.deepEqual(phases.map((p) => p.name).sort(), ['phase discovery', 'phase implementation', 'phase planning', 'phase review', 'phase techSpec']);
    assert.ok(phases.every((p) => p.parentSpanId === root.spanId));
    const attempts = spans.filter((x) => x.name.startsWith('attempt '));
    assert.ok(attempts.length >= 5 && attempts.every((a) => byId.get(a.parentSpanId ?? '')?.name.startsWith('phase ')));

    const calls = spans.filter((x) => x.name.startsWith('chat '));
    assert.equal(calls.length, s.ledger.length, 'one span per billed call');
    for (const c of calls) {
      const parent = byId.get(c.parentSpanId ?? '');
      assert.ok(parent?.name.startsWith('attempt '), `${c.name} is under an attempt, not ${parent?.name}`);
      assert.equal(c.kind, 3, 'SPAN_KIND_CLIENT');
      assert.equal(attr(c, 'gen_ai.operation.name'), 'chat');
      assert.equal(attr(c, 'gen_ai.provider.name'), 'ollama');
    }
    // Each call span carries the ledger record's figures, in order.
    const ordered = [...calls].sort((a, b) => (BigInt(a.endTimeUnixNano) < BigInt(b.endTimeUnixNano) ? -1 : 1));
    for (const [i, r] of s.ledger.entries()) {
      const c = ordered.find((x) => attr(x, 'gen_ai.usage.input_tokens') === r.usage.inputTokens && attr(x, 'shipwright.phase') === r.phase && attr(x, 'shipwright.attempt') === r.attempt);
      assert.ok(c, `call ${i} (${r.phase}) has a span`);
      assert.equal(attr(c, 'gen_ai.request.model'), r.model);
      assert.equal(attr(c, 'gen_ai.usage.output_tokens'), r.usage.outputTokens);
      assert.equal(attr(c, 'gen_ai.usage.cache_read.input_tokens'), 0);
      assert.equal(attr(c, 'gen_ai.usage.cache_creation.input_tokens'), 0);
      assert.equal(attr(c, 'shipwright.why'), r.why);
      assert.equal(attr(c, 'shipwright.cost.usd'), r.usd);
      assert.equal(attr(c, 'shipwright.model.key'), r.modelKey);
    }
    // Validation calls sit under the attempt of the phase they judged.
    const validation = calls.find((c) => attr(c, 'shipwright.phase') === 'validation');
    assert.ok(validation);
    assert.equal(attr(byId.get(validation.parentSpanId ?? '')!, 'shipwright.phase'), 'discovery');
  });

  test('nothing is set up or sent without an endpoint, or with OTEL_SDK_DISABLED', async () => {
    assert.equal(startTracing({ env: {} }), undefined);
    assert.equal(startTracing({ env: { OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' } }), undefined);
  });

  test('the traces endpoint variable is used as the full URL; a setting wins over the environment', async () => {
    receiver = await startReceiver();
    const viaEnv = startTracing({ env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces` } });
    viaEnv?.onEvent({ type: 'ticketStarted', at: new Date().toISOString(), ticketId: 't1', title: 'T', kind: 'feature', route: ['discovery'] });
    viaEnv?.onEvent({ type: 'stateChanged', at: new Date().toISOString(), ticketId: 't1', state: 'failed', reason: 'no model' });
    await viaEnv?.shutdown();
    const viaSetting = startTracing({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }, endpoint: receiver.url });
    viaSetting?.onEvent({ type: 'ticketStarted', at: new Date().toISOString(), ticketId: 't2', title: 'T', kind: 'hotfix', route: ['diagnosis'] });
    await viaSetting?.shutdown();
    const names = receiver.spans().map((x) => x.name).sort();
    assert.deepEqual(names, ['ticket t1', 'ticket t2']);
    const failed = receiver.spans().find((x) => x.name === 'ticket t1')!;
    assert.equal(failed.status?.code, 2, 'ERROR for a failed ticket');
  });
});
