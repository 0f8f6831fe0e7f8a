import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { EventSink } from '../pipeline/pipelineEvent';
import { TicketTracer } from './ticketTracer';

/** A running trace export: feed it events, shut it down (flushing what is queued) before the process ends. */
export interface Tracing {
  onEvent: EventSink;
  /** Ends open spans and sends everything queued. Never throws (an unreachable collector is reported to `warn`). */
  shutdown(): Promise<void>;
}

/**
 * Starts exporting the engine's events as traces (see {@link TicketTracer}) over OTLP/HTTP (JSON) with the
 * official `@opentelemetry` packages — only when an endpoint is set: `endpoint` (a setting: the base URL,
 * `/v1/traces` is appended, like `OTEL_EXPORTER_OTLP_ENDPOINT`), else the standard variables
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (the full URL) or `OTEL_EXPORTER_OTLP_ENDPOINT` (base URL), with
 * `OTEL_EXPORTER_OTLP_HEADERS` / `OTEL_EXPORTER_OTLP_TRACES_HEADERS` (`k=v,k2=v2`, values URL-encoded; e.g.
 * Langfuse's `Authorization=Basic%20…`) — the OTLP exporter specification's variables
 * (https://opentelemetry.io/docs/specs/otel/protocol/exporter/). Returns undefined, creating nothing, when no
 * endpoint is set. `OTEL_SDK_DISABLED=true` turns it off as in every OpenTelemetry SDK.
 */
export function startTracing(o: { env: NodeJS.ProcessEnv; endpoint?: string; warn?: (message: string) => void }): Tracing | undefined {
  const env = o.env;
  if (env.OTEL_SDK_DISABLED === 'true') return undefined;
  const base = o.endpoint?.trim() || env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const url = (!o.endpoint?.trim() && env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim()) || (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (!url) return undefined;
  // Read from the given environment (not only process.env), so what decides "send" also decides "where".
  const headers = { ...parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS), ...parseOtlpHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS) };
  const exporter = new OTLPTraceExporter({ url, headers });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME || 'shipwright' }),
    spanProcessors: [new BatchSpanProcessor(exporter, { scheduledDelayMillis: 1_000 })],
  });
  const tracer = new TicketTracer(provider.getTracer('shipwright', '0.1.0'));
  return {
    onEvent: (e) => tracer.onEvent(e),
    shutdown: async () => {
      tracer.endAll();
      await provider.shutdown().catch((e: unknown) => o.warn?.(`traces were not sent: ${e instanceof Error ? e.message : String(e)}`));
    },
  };
}

/** `k=v,k2=v2` with URL-encoded values (the OTLP exporter specification's header format); bad pairs are skipped. */
export function parseOtlpHeaders(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    const i = pair.indexOf('=');
    if (i <= 0) continue;
    try {
      out[decodeURIComponent(pair.slice(0, i).trim())] = decodeURIComponent(pair.slice(i + 1).trim());
    } catch {
      // A malformed escape: the pair is left out rather than sent garbled.
    }
  }
  return out;
}
