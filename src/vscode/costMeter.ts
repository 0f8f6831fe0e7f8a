import * as vscode from 'vscode';
import { formatUsd } from '../core/models/costLedger';
import { isLocalCall } from '../core/models/isLocalCall';
import type { RunState } from '../core/pipeline/runState';
import { runUsd, spendByProvider, todayUsd } from './spend';

/** The share of a ticket's budget past which the meter turns to the warning colour. */
export const WARN_SHARE = 0.8;

/** What the meter shows, from the runs on disk (the engine's ledger is the only source of dollars). */
export interface MeterReading {
  text: string;
  tooltip: string;
  warn: boolean;
}

/** What the meter follows besides the runs: the ticket selected in the panel and the live attempt of a ticket. */
export interface MeterFocus {
  selectedId?: string;
  /** The phase a running ticket is at (from the engine's events). */
  phaseOf?: (ticketId: string) => string | undefined;
}

/**
 * The reading for a set of runs at `now`: the followed ticket — the running one, else the one waiting for a
 * person, else the selected one, else the latest — and today's total. While a ticket runs the text says which
 * phase (`$(sync~spin)`); when one waits for a person, `$(bell) needs you`. Free local work reads "free (local)".
 * The tooltip lists the ticket's phases in route order with dollars and tokens. `warn` past 80 % of the budget.
 */
export function meterReading(runs: readonly RunState[], now: Date, focus: MeterFocus = {}): MeterReading {
  const today = todayUsd(runs, now);
  const todayText = `today ${formatUsd(today)}`;
  const current = runs.find((r) => r.state === 'running')
    ?? runs.find((r) => r.state === 'awaiting-approval')
    ?? runs.find((r) => r.ticket.id === focus.selectedId)
    ?? [...runs].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  if (!current) return { text: `$(credit-card) ${todayText}`, tooltip: 'Shipwright: no ticket yet. Click to open the pipeline.', warn: false };
  const usd = runUsd(current);
  const free = usd === 0 && current.ledger.every((r) => isLocalCall(r));
  const spent = free ? 'free (local)' : formatUsd(usd);
  const phase = current.state === 'running' ? focus.phaseOf?.(current.ticket.id) : undefined;
  const lead = current.state === 'running'
    ? `$(sync~spin) ${phase ? `${phase} ${current.route.indexOf(phase as (typeof current.route)[number]) + 1}/${current.route.length}` : 'working'} · `
    : current.state === 'awaiting-approval' || current.state === 'needs-human' || current.state === 'budget-exceeded'
      ? '$(bell) needs you · '
      : '$(credit-card) ';
  const lines = [`Shipwright — ${current.ticket.title} (${current.state}): ${spent} of ${formatUsd(current.budgetUsd)} budget`, ''];
  const roles = [...current.route, 'validation'].filter((role) => current.ledger.some((r) => r.phase === role));
  for (const role of roles) {
    const { local, cloud } = spendByProvider(current.ledger.filter((r) => r.phase === role));
    const localTok = local.tokens.input + local.tokens.output;
    const cloudTok = cloud.tokens.input + cloud.tokens.cacheWrite + cloud.tokens.cacheRead + cloud.tokens.output;
    lines.push(`${role}: ${cloud.calls ? formatUsd(cloud.usd) : 'free'} — ${[localTok ? `local ${localTok.toLocaleString('en-US')} tok` : '', cloudTok ? `cloud ${cloudTok.toLocaleString('en-US')} tok` : ''].filter(Boolean).join(', ')}${cloud.cacheHits ? `, ${cloud.cacheHits} cache hit(s)` : ''}`);
  }
  lines.push('', `Today: ${formatUsd(today)}`, 'Click to open the pipeline.');
  return {
    text: `${lead}${spent} · ${todayText}`,
    tooltip: lines.join('\n'),
    warn: usd > WARN_SHARE * current.budgetUsd,
  };
}

/** The status-bar item: shows `meterReading` of the runs it is given; a click runs `command` (open the panel). */
export class CostMeter implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;

  constructor(command: string) {
    this.item = vscode.window.createStatusBarItem('shipwright.costMeter', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'Shipwright cost';
    this.item.command = command;
    this.item.accessibilityInformation = { label: 'Shipwright cost meter', role: 'button' };
  }

  /** Shows the reading of `runs`. */
  update(runs: readonly RunState[], focus: MeterFocus = {}): void {
    const r = meterReading(runs, new Date(), focus);
    this.item.text = r.text;
    this.item.tooltip = r.tooltip;
    this.item.backgroundColor = r.warn ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: `Shipwright: ${r.text.replace(/\$\([a-z~-]+\) /g, '')}`, role: 'button' };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
