import * as vscode from 'vscode';
import { startTracing, type Tracing } from '../core/telemetry/startTracing';
import type { FolderEngines } from './folderEngines';

/**
 * Sends every folder engine's events as OpenTelemetry traces when an OTLP endpoint is set: the
 * `shipwright.otlpEndpoint` setting (machine scope, so a workspace cannot redirect it), else the extension host's
 * `OTEL_EXPORTER_OTLP_ENDPOINT` / `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`. Nothing is created or sent otherwise.
 * Restarts when the setting changes; disposing flushes what is queued.
 */
export function traceExport(engines: FolderEngines, log: vscode.LogOutputChannel): vscode.Disposable {
  let tracing: Tracing | undefined;
  const start = () => {
    const endpoint = vscode.workspace.getConfiguration('shipwright').get<string>('otlpEndpoint') || undefined;
    tracing = startTracing({ env: process.env, endpoint, warn: (m) => log.warn(m) });
  };
  start();
  const onEvent = engines.onEvent(({ event }) => tracing?.onEvent(event));
  const onConfig = vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration('shipwright.otlpEndpoint')) return;
    void tracing?.shutdown();
    start();
  });
  return { dispose: () => { onEvent.dispose(); onConfig.dispose(); void tracing?.shutdown(); } };
}
