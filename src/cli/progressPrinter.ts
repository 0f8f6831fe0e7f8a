import { formatUsd } from '../core/models/costLedger';
import { costWarningText } from '../core/budget/spendGuard';
import type { PipelineEvent } from '../core/pipeline/pipelineEvent';
import { objectionText } from '../core/pipeline/objection';
import { handoffDetails } from './handoffDetails';
import { testRunWord } from '../core/pipeline/testRunWord';
import { streamingText } from '../core/pipeline/streamingText';

/**
 * One readable line per event for a terminal (`--json` prints the events themselves instead).
 * Returns undefined for events not worth a line.
 */
export function formatEvent(e: PipelineEvent): string | undefined {
  const t = `[${e.ticketId}]`;
  switch (e.type) {
    case 'ticketStarted':
      return `${t} ${e.kind} "${e.title}": ${e.route.join(' → ')}`;
    case 'stateChanged':
      return `${t} state ${e.state}: ${e.reason}`;
    case 'phaseStarted':
      return `${t} ▶ ${e.phase} attempt ${e.attempt} on ${e.modelKey} (${e.model}) — ${e.why}`;
    case 'usage': {
      const u = e.record.usage;
      const cache = u.cacheReadTokens || u.cacheWriteTokens ? `, cache ${u.cacheWriteTokens} written / ${u.cacheReadTokens} read` : '';
      return `${t}   ${e.record.phase}: ${e.record.modelKey} ${u.inputTokens} in / ${u.outputTokens} out tokens${cache}, ${formatUsd(e.record.usd)} in ${e.record.latencyMs} ms (ticket ${formatUsd(e.ticketUsd)} of ${formatUsd(e.budgetUsd)})`;
    }
    case 'validatorVerdict':
      return e.pass
        ? `${t} ✓ ${e.phase} attempt ${e.attempt} accepted${e.judge === 'checks' ? ' (mechanical checks; no validator model)' : ''}`
        : `${t} ✗ ${e.phase} attempt ${e.attempt} objected:\n${e.objections.map((o) => `      - [${o.source}] ${objectionText(o)}`).join('\n')}`;
    case 'phaseFinished':
      return `${t} ✔ ${e.phase} done after ${e.attempts} attempt(s)${e.path ? ` → ${e.path}` : ''}`;
    case 'handoff':
      return [`${t} ⚑ needs a person: ${e.summary.text}`, ...handoffDetails(e.summary)].join('\n');
    case 'childTickets':
      return `${t} split into ${e.children.length} child tickets:\n${e.children.map((c) => `      - ${c.id}: ${c.title}${c.dependsOn.length ? ` (after ${c.dependsOn.join(', ')})` : ''}`).join('\n')}`;
    case 'testRun':
      return `${t}   tests (${e.expect} expected): ${testRunWord(e)}${e.timedOut ? ' — timed out' : ''} (exit ${e.exitCode ?? 'none'}) ${e.summary}`;
    case 'filesChanged':
      return `${t}   files: ${e.files.map((f) => `${f.path} +${f.added}/-${f.removed}`).join(', ')}`;
    case 'log':
      return e.level === 'info' ? `${t}   ${e.message}` : `${t} ${e.level}: ${e.message}`;
    case 'costWarning':
      return `${t} warning: ${costWarningText(e)}`;
    case 'progress':
      return `${t}   ${streamingText(e)}`;
    default: {
      const never: never = e;
      return JSON.stringify(never);
    }
  }
}
