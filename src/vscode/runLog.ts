import { costWarningText } from '../core/budget/spendGuard';
import * as vscode from 'vscode';
import { formatUsd } from '../core/models/costLedger';
import type { PipelineEvent } from '../core/pipeline/pipelineEvent';
import { objectionText } from '../core/pipeline/objection';
import { assertNever } from '../shared/assertNever';
import { streamingText } from '../core/pipeline/streamingText';
import { testRunWord } from '../core/pipeline/testRunWord';

/**
 * The "Shipwright" log output channel: one line per engine event, at the event's level. It never sees the API
 * key (events do not carry it). Model output is untrusted text; it is logged as text only.
 */
export class RunLog implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor() {
    this.channel = vscode.window.createOutputChannel('Shipwright', { log: true });
  }

  /** Writes one event. */
  write(folder: string, e: PipelineEvent): void {
    const [level, text] = describe(e);
    this.channel[level](`[${folder}] ${text}`);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}

type Level = 'info' | 'warn' | 'error' | 'debug' | 'trace';

/** The log level and line of an event. */
function describe(e: PipelineEvent): [Level, string] {
  switch (e.type) {
    case 'ticketStarted':
      return ['info', `${e.ticketId}: started ${e.kind} "${e.title}" (${e.route.join(' → ')})`];
    case 'stateChanged':
      return [e.state === 'failed' ? 'error' : e.state === 'needs-human' || e.state === 'budget-exceeded' ? 'warn' : 'info', `${e.ticketId}: ${e.state} — ${e.reason}`];
    case 'phaseStarted':
      return ['info', `${e.ticketId}: ${e.phase} attempt ${e.attempt} on ${e.modelKey} (${e.model}): ${e.why}`];
    case 'usage': {
      const r = e.record;
      const u = r.usage;
      return ['debug', `${r.ticketId}: ${r.phase} ${r.modelKey} in ${u.inputTokens} out ${u.outputTokens} cache w ${u.cacheWriteTokens} r ${u.cacheReadTokens} tokens, ${formatUsd(r.usd)} (ticket ${formatUsd(e.ticketUsd)} of ${formatUsd(e.budgetUsd)}), ${r.latencyMs} ms`];
    }
    case 'validatorVerdict':
      return [e.pass ? 'info' : 'warn', `${e.ticketId}: ${e.phase} attempt ${e.attempt} ${e.pass ? `accepted${e.judge === 'checks' ? ' by its mechanical checks' : ''}` : `rejected: ${e.objections.map(objectionText).join(' | ')}`}`];
    case 'phaseFinished':
      return ['info', `${e.ticketId}: ${e.phase} done after ${e.attempts} attempt(s)${e.path ? ` → ${e.path}` : ''}`];
    case 'handoff':
      return ['warn', `${e.ticketId}: needs a person at ${e.summary.phase}: ${e.summary.text}`];
    case 'childTickets':
      return ['info', `${e.ticketId}: split into ${e.children.map((c) => c.id).join(', ')}`];
    case 'testRun':
      return [e.passed === (e.expect === 'green') ? 'info' : 'warn', `${e.ticketId}: tests (${e.phase}, expected ${e.expect}) ${testRunWord(e)}${e.timedOut ? ' (timed out)' : ''}: ${e.summary}`];
    case 'filesChanged':
      return ['info', `${e.ticketId}: ${e.files.map((f) => `${f.path} +${f.added} −${f.removed}`).join(', ')}`];
    case 'log':
      return [e.level, `${e.ticketId}: ${e.role ? `${e.role}: ` : ''}${e.message}`];
    case 'costWarning':
      return ['warn', costWarningText(e)];
    case 'progress':
      // Twice a second while a model streams: below the channel's default level, shown only when asked for.
      return ['trace', `${e.ticketId}: ${streamingText(e)}`];
    default:
      return assertNever(e, 'pipeline event');
  }
}
