import * as vscode from 'vscode';
import { formatUsd } from '../core/models/costLedger';
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

/**
 * The reading for a set of runs at `now`: the running ticket's USD (else the latest ticket's) and today's total,
 * with a per-phase breakdown (tokens local and cloud, USD) in the tooltip. `warn` when the ticket has used more
 * than 80 % of its budget.
 */
export function meterReading(runs: readonly RunState[], now: Date): MeterReading {
  const today = todayUsd(runs, now);
  const current = runs.find((r) => r.state === 'running' || r.state === 'awaiting-approval') ?? [...runs].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
  if (!current) return { text: `$(rocket) ${formatUsd(0)} · today ${formatUsd(today)}`, tooltip: 'Shipwright: no ticket yet. Click to open the pipeline.', warn: false };
  const usd = runUsd(current);
  const lines = [`Shipwright — ${current.ticket.id} (${current.state}): ${formatUsd(usd)} of ${formatUsd(current.budgetUsd)} budget`, ''];
  const roles = [...new Set(current.ledger.map((r) => r.phase))];
  for (const role of roles) {
    const { local, cloud } = spendByProvider(current.ledger.filter((r) => r.phase === role));
    lines.push(`${role}: ${formatUsd(local.usd + cloud.usd)} — local ${local.tokens.input + local.tokens.output} tok, cloud ${cloud.tokens.input + cloud.tokens.cacheWrite + cloud.tokens.cacheRead + cloud.tokens.output} tok${cloud.cacheHits ? `, ${cloud.cacheHits} cache hit(s)` : ''}`);
  }
  lines.push('', `Today: ${formatUsd(today)}`, 'Click to open the pipeline.');
  return {
    text: `$(rocket) ${formatUsd(usd)} · today ${formatUsd(today)}`,
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
  update(runs: readonly RunState[]): void {
    const r = meterReading(runs, new Date());
    this.item.text = r.text;
    this.item.tooltip = r.tooltip;
    this.item.backgroundColor = r.warn ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.accessibilityInformation = { label: `Shipwright cost: ${r.text.replace('$(rocket) ', '')}`, role: 'button' };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
