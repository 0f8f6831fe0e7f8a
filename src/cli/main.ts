import { sanitizeForTerminal } from '../core/pipeline/sanitizeText';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../core/config/loadConfig';
import { resolvePhaseModels, type ModelResolution } from '../core/engine/resolvePhaseModels';
import { ShipwrightEngine } from '../core/engine/shipwrightEngine';
import { handoffDetails } from './handoffDetails';
import { formatUsd, totalsByPhase, totalsOf, type LedgerTotals } from '../core/models/costLedger';
import { INPUT_PART_NAMES, inputSplitByPhase } from '../core/models/inputParts';
import type { RunState } from '../core/pipeline/runState';
import type { ChangedFile } from '../core/ports/approvalPort';
import { parseTicket } from '../core/ticket/parseTicket';
import { TicketParseError } from '../core/ticket/ticketParseError';
import { routeFor } from '../core/ticket/route';
import { startTracing } from '../core/telemetry/startTracing';
import { EVAL_USAGE, evalCommand } from './evalCommand';
import { fileLines } from './fileLines';
import { serveMcp } from './mcpCommand';
import { formatEvent } from './progressPrinter';
import { StatusLine } from './statusLine';
import { TerminalApprovals } from './terminalApprovals';

const USAGE = `Usage:
  shipwright run <ticket.md> [--workspace DIR] [--config FILE] [--dry-run] [--json] [--yes]
  shipwright resume <id> [--model KEY] [--workspace DIR] [--config FILE] [--json]
  shipwright status [<id>] [--workspace DIR]
  shipwright cost <id> [--workspace DIR]
  shipwright diff <id> [PATH]                  the change against the commit the ticket started from
  shipwright finish <id> (--merge | --keep-branch) [--reject PATH]... [--workspace DIR]
  shipwright clean <id> [--workspace DIR]      remove the ticket's worktree and branch
${EVAL_USAGE}
  shipwright mcp [--workspace DIR] [--allow-merge] [--allow-approvals]
                                               serve the engine to an agent over MCP (stdio)

Models: Ollama at OLLAMA_HOST (default http://127.0.0.1:11434); Anthropic with ANTHROPIC_API_KEY.
Exit codes: 0 ready/done, 1 failed, 2 usage or set-up error, 3 needs a person, 4 budget exceeded, 130 cancelled.`;

/** Exit code of a run's final state. */
function exitCodeOf(s: RunState): number {
  switch (s.state) {
    case 'ready': case 'done': return 0;
    case 'needs-human': case 'awaiting-approval': return 3;
    case 'budget-exceeded': return 4;
    case 'cancelled': return 130;
    default: return 1;
  }
}

/** The CLI: parses argv, builds the engine (the composition root) and runs one command. Returns the exit code. */
export async function main(argv: string[], io = { out: process.stdout, err: process.stderr, in: process.stdin, env: process.env }): Promise<number> {
  if (argv[0] === 'eval' || argv[0] === 'eval-suite') return evalCommand(argv, io); // options of their own (--profile NAME…)
  const { values: o, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      workspace: { type: 'string' }, config: { type: 'string' }, 'dry-run': { type: 'boolean' }, json: { type: 'boolean' },
      yes: { type: 'boolean' }, model: { type: 'string' }, merge: { type: 'boolean' }, 'keep-branch': { type: 'boolean' },
      reject: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' },
      'allow-merge': { type: 'boolean' }, 'allow-approvals': { type: 'boolean' },
    },
  });
  const [command, arg] = positionals;
  // Model text reaches the terminal through here: escape sequences are shown, never run.
  const say = (s: string) => io.out.write(`${sanitizeForTerminal(s)}\n`);
  if (o.help || !command) { say(USAGE); return command ? 0 : 2; }
  const workspaceRoot = path.resolve(o.workspace ?? '.');
  const config = await loadConfig({ workspaceRoot, file: o.config });
  const needArg = (what: string) => { if (!arg) throw new UsageError(`${command} needs ${what}`); return arg; };

  if (command === 'run' && o['dry-run']) {
    const ticket = parseTicket(await fs.readFile(needArg('a ticket file'), 'utf8'), needArg('a ticket file'));
    const engine = await buildEngine();
    // Price the models that will really run (a probe, no model call); with none reachable, the chains' first models.
    const resolved = await resolvePhaseModels(config, { env: io.env, roles: [...routeFor(ticket.kind), 'validation'] });
    const picked = Object.fromEntries(resolved.phases.flatMap((p) => (p.modelKey ? [[p.role, p.modelKey]] : [])));
    const forecast = await engine.forecast(ticket, picked);
    if (o.json) { say(JSON.stringify({ ticket: ticket.id, route: routeFor(ticket.kind), models: resolved.phases, forecast })); return 0; }
    say(`Ticket ${ticket.id} (${ticket.kind}): ${routeFor(ticket.kind).join(' → ')}`);
    say(`${'phase'.padEnd(16)}${'model'.padEnd(30)}${'in tok'.padStart(8)}${'out tok'.padStart(9)}${'USD'.padStart(10)}  why`);
    for (const f of forecast) say(`${f.phase.padEnd(16)}${`${f.modelKey} (${f.model})`.padEnd(30)}${String(f.inputTokens).padStart(8)}${String(f.outputTokens).padStart(9)}${formatUsd(f.usd).padStart(10)}  ${f.why}`);
    const total = forecast.reduce((n, f) => n + f.usd, 0);
    const sum = (f: (x: (typeof forecast)[number]) => number) => forecast.reduce((n, x) => n + f(x), 0);
    say(`Forecast: ${sum((f) => f.inputTokens)}–${sum((f) => f.high.inputTokens)} input tokens, ${sum((f) => f.outputTokens)}–${sum((f) => f.high.outputTokens)} output tokens (thinking included), ${formatUsd(total)}–${formatUsd(sum((f) => f.high.usd))} (budget ${formatUsd(config.budgetUsd)}); the low end if every deliverable passes first time, the high end with one retry each. No model was called.`);
    if (!resolved.ok) say(`Not every phase has a model that can run now:
${resolved.advice}`);
    return 0;
  }

  if (command === 'mcp') {
    return serveMcp({ workspaceRoot, config, env: io.env, allowMerge: Boolean(o['allow-merge']), allowApprovals: Boolean(o['allow-approvals']) });
  }

  if (command === 'run' || command === 'resume') {
    const file = command === 'run' ? needArg('a ticket file') : undefined;
    const ticket = file ? parseTicket(await fs.readFile(file, 'utf8'), file) : undefined;
    // A resume needs the stored route; a new run is checked before the engine (and anything on disk) exists.
    const resuming = ticket ? undefined : await buildEngine();
    const route = ticket ? routeFor(ticket.kind) : (await resuming?.get(needArg('a ticket id')))?.route;
    // Which model will really run per phase (a probe; no model is called).
    const resolved = await resolvePhaseModels(config, { env: io.env, roles: route ? [...route, 'validation'] : undefined });
    if (!o.json) printModels(resolved, say);
    if (!resolved.ok && !o.model) { io.err.write(`${resolved.advice}\n`); return 2; }
    const engine = resuming ?? (await buildEngine());
    // Traces go out only when an OTLP endpoint is set (OTEL_EXPORTER_OTLP_ENDPOINT / …_TRACES_ENDPOINT).
    const tracing = startTracing({ env: io.env, warn: (m) => io.err.write(`shipwright: ${m}\n`) });
    if (tracing) engine.onEvent(tracing.onEvent);
    const status = new StatusLine(io.out);
    engine.onEvent((e) => {
      if (o.json) say(JSON.stringify(e));
      else if (e.type === 'progress') status.show(sanitizeForTerminal(formatEvent(e) ?? ''));
      else { const line = formatEvent(e); if (line) { status.clear(); say(line); } }
    });
    const stop = () => { for (const id of running) engine.cancel(id); };
    const running: string[] = [];
    process.once('SIGINT', stop);
    let state: RunState;
    if (ticket) {
      running.push(ticket.id);
      // Models the check above ruled out are never called (no `auth` failure per phase for want of a key).
      state = await engine.run(ticket, { ruledOut: resolved.ruledOut });
    } else {
      running.push(needArg('a ticket id'));
      state = await engine.resume(needArg('a ticket id'), { modelKey: o.model, ruledOut: resolved.ruledOut });
    }
    process.removeListener('SIGINT', stop);
    status.clear();
    await tracing?.shutdown();
    if (!o.json) printSummary(state, say);
    return exitCodeOf(state);
  }

  const engine = await buildEngine();
  if (command === 'status') {
    const states = arg ? [await engine.get(arg)].filter((s): s is RunState => s !== undefined) : await engine.list();
    if (arg && states.length === 0) throw new UsageError(`no run of ticket "${arg}"`);
    if (states.length === 0) say('No tickets have run in this repository.');
    for (const s of states) say(`${s.ticket.id.padEnd(32)} ${s.ticket.kind.padEnd(8)} ${s.state.padEnd(16)} ${formatUsd(totalsOf(s.ledger).usd).padStart(9)}  ${s.reason}`);
    // One ticket asked for: what its stop rests on (a test run's output), as the run printed it.
    if (arg && states[0]?.state === 'needs-human' && states[0].handoff) for (const l of handoffDetails(states[0].handoff)) say(l);
    return 0;
  }
  if (command === 'cost') {
    const s = await engine.get(needArg('a ticket id'));
    if (!s) throw new UsageError(`no run of ticket "${arg}"`);
    if (o.json) { say(JSON.stringify({ ticket: s.ticket.id, calls: s.ledger, total: totalsOf(s.ledger) })); return 0; }
    printCost(s, say);
    return 0;
  }
  if (command === 'diff') {
    const id = needArg('a ticket id');
    for (const f of await engine.changedFiles(id)) for (const line of fileLines(f)) say(line);
    say(await engine.diff(id, positionals[2]));
    return 0;
  }
  if (command === 'finish') {
    if (Boolean(o.merge) === Boolean(o['keep-branch'])) throw new UsageError('finish needs exactly one of --merge or --keep-branch');
    const id = needArg('a ticket id');
    const s = await engine.get(id);
    if (!s) throw new UsageError(`no run of ticket "${id}"`);
    const files = await engine.changedFiles(id);
    const rejected = new Set(o.reject ?? []);
    const decisions = files.map((f: ChangedFile) => ({ path: f.path, decision: rejected.has(f.path) ? 'reject' as const : 'approve' as const, contentHash: f.contentHash }));
    // finish approves every file not rejected: the flagged ones are named, so nobody merges hidden text unknowingly.
    const flagged = files.filter((f) => !rejected.has(f.path) && (f.flags?.length ?? 0) > 0);
    if (flagged.length > 0) say(`Approved with review flags (see \`shipwright diff ${id}\`; --reject PATH to leave one out):`);
    for (const f of flagged) for (const line of fileLines(f)) say(line);
    const r = await engine.finish(id, decisions, o.merge ? 'merge' : 'keep-branch');
    say(`${id}: ${r.state}: ${r.reason}`);
    return exitCodeOf(r);
  }
  if (command === 'clean') {
    await engine.clean(needArg('a ticket id'));
    say(`removed the worktree and branch of ${arg}`);
    return 0;
  }
  throw new UsageError(`unknown command "${command}"`);

  async function buildEngine(): Promise<ShipwrightEngine> {
    const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY) && !o.json;
    return ShipwrightEngine.create({
      workspaceRoot, config, env: io.env,
      approvals: new TerminalApprovals({ interactive, assumeYes: Boolean(o.yes), out: io.out, in: io.in }),
    });
  }
}

/** The model each phase will run on, and the chain models skipped before it (with why). */
function printModels(r: ModelResolution, say: (s: string) => void): void {
  say('Models that will run (checked now; nothing was called):');
  for (const p of r.phases) {
    const skipped = p.skipped.length ? `  — skipped ${p.skipped.map((s) => `${s.modelKey}: ${s.reason}`).join('; ')}` : '';
    say(`  ${p.role.padEnd(16)}${p.modelKey ? `${p.modelKey} (${p.model})` : 'none can run'}${skipped}`);
  }
}

function printSummary(s: RunState, say: (s: string) => void): void {
  say('');
  say(`${s.ticket.id}: ${s.state} — ${s.reason}`);
  if (s.worktree) say(`branch ${s.worktree.branch} in ${s.worktree.path} (from ${s.worktree.baseCommit.slice(0, 10)})`);
  printCost(s, say);
  if (s.state === 'ready') say(`Next: \`shipwright finish ${s.ticket.id} --merge\` (or --keep-branch for a pull request).`);
  // A set-up stop has no model to choose: the fix is the person's, then a plain resume.
  if (s.state === 'needs-human' && s.handoff?.kind === 'setup') say(`Continue with \`shipwright resume ${s.ticket.id}\` once the test set-up is fixed.`);
  else if (s.state === 'needs-human' || s.state === 'budget-exceeded' || s.state === 'failed' || s.state === 'cancelled') say(`Continue with \`shipwright resume ${s.ticket.id}\` (optionally --model KEY).`);
}

/** Tokens and USD per phase; `thinking` is the part of output the model spent thinking (billed as output). */
function printCost(s: RunState, say: (s: string) => void): void {
  const row = (name: string, t: LedgerTotals) =>
    `${name.padEnd(16)}${String(t.calls).padStart(6)}${String(t.usage.inputTokens).padStart(9)}${String(t.usage.outputTokens).padStart(9)}` +
    `${String(t.usage.thinkingTokens ?? 0).padStart(10)}${String(t.usage.cacheWriteTokens).padStart(9)}${String(t.usage.cacheReadTokens).padStart(9)}${formatUsd(t.usd).padStart(10)}`;
  say(`${'phase'.padEnd(16)}${'calls'.padStart(6)}${'input'.padStart(9)}${'output'.padStart(9)}${'thinking'.padStart(10)}${'cache w'.padStart(9)}${'cache r'.padStart(9)}${'USD'.padStart(10)}`);
  for (const [phase, t] of totalsByPhase(s.ledger)) say(row(phase, t));
  const t = totalsOf(s.ledger);
  say(`${row('total', t)}  (cloud ${formatUsd(t.cloudUsd)}, budget ${formatUsd(s.budgetUsd)})`);
  const split = inputSplitByPhase(s.ledger);
  if (split.size === 0) return;
  say('');
  say(`input by part (estimated o200k tokens)`);
  say(`${'phase'.padEnd(16)}${INPUT_PART_NAMES.map((n) => n.padStart(13)).join('')}`);
  for (const [phase, p] of split) say(`${phase.padEnd(16)}${INPUT_PART_NAMES.map((n) => String(p[n]).padStart(13)).join('')}`);
}

/** A command-line mistake: printed with the usage, exit code 2. */
class UsageError extends Error {}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e: unknown) => {
      const known = e instanceof UsageError || e instanceof TicketParseError || e instanceof ConfigError;
      process.stderr.write(`shipwright: ${sanitizeForTerminal(e instanceof Error ? e.message : String(e))}\n${e instanceof UsageError ? `\n${USAGE}\n` : ''}`);
      if (!known && e instanceof Error && process.env.SHIPWRIGHT_DEBUG) process.stderr.write(`${e.stack}\n`);
      process.exitCode = known ? 2 : 1;
    },
  );
}
