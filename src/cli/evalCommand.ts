import { promises as fs } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../core/config/loadConfig';
import { ShipwrightEngine } from '../core/engine/shipwrightEngine';
import { checkModelsReachable } from '../core/engine/checkModelsReachable';
import { BaselineFile, compareBaseline, DEFAULT_COST_FACTOR, DEFAULT_PASS_RATE_DROP } from '../core/eval/compareBaseline';
import type { EvalReport } from '../core/eval/evalReport';
import { evalReportHtml } from '../core/eval/evalReportHtml';
import { loadProfiles } from '../core/eval/evalProfiles';
import { EvalSetupError } from '../core/eval/evalSetupError';
import { formatZodIssues } from '../core/eval/formatZodIssues';
import { readSuite } from '../core/eval/readSuite';
import { DEFAULT_RECOMMEND_MARGIN, recommendProfile } from '../core/eval/recommendProfile';
import { suiteFromRuns } from '../core/eval/suiteFromRuns';
import { runEvaluation, writeAtomic, type EvalProgress } from '../core/eval/runEvaluation';
import { writeProfileRouting } from '../core/eval/writeProfileRouting';
import { formatUsd } from '../core/models/costLedger';

/** Usage of `shipwright eval` and `eval-suite` (main.ts prints it with the others). */
export const EVAL_USAGE = `  shipwright eval-suite [<id>...] [--out FILE] [--workspace DIR] [--config FILE]
                                               a Shipwright suite from this repository's finished tickets
  shipwright eval <suite> [--profile NAME]... [--concurrency N] [--out DIR] [--json] [--recommend] [--baseline FILE]
        [--margin F] [--max-cost-factor X] [--max-drop F] [--budget USD] [--mirror DIR] [--yes] [--workspace DIR] [--config FILE]
                                               pass rate and cost per routing profile on a suite (.jsonl SWE-bench rows or a
                                               Shipwright suite); exit 0 ran, 1 regression against --baseline, 2 usage/set-up`;

/** The streams the CLI talks through (main's `io`). */
export interface CliIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  in: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

/** A fraction 0..1 given as `0.05` or `5%`. */
function fraction(flag: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const n = v.trim().endsWith('%') ? Number(v.trim().slice(0, -1)) / 100 : Number(v);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new EvalSetupError('usage', `--${flag} must be a fraction from 0 to 1 (e.g. 0.05) or a percentage (5%), not "${v}"`);
  return n;
}

function positive(flag: string, v: string | undefined, opts: { integer?: boolean } = {}): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (opts.integer && !Number.isInteger(n))) throw new EvalSetupError('usage', `--${flag} must be a positive ${opts.integer ? 'whole number' : 'number'}, not "${v}"`);
  return n;
}

/**
 * `shipwright eval`: reads the suite and the profiles, runs the evaluation, writes `report.json` and
 * `report.html` to the output folder, prints a table (or, with `--json`, the report as one JSON object), and with
 * `--recommend` names the cheapest profile within the margin of the best (offering to write its routing into
 * `.shipwright/config.json`), with `--baseline` compares against an earlier `--json` output.
 * @returns the exit code: 0 the evaluation ran, 1 a regression against the baseline, 2 a usage or set-up error
 */
export async function evalCommand(argv: string[], io: CliIo): Promise<number> {
  try {
    return argv[0] === 'eval-suite' ? await makeSuite(argv.slice(1), io) : await evaluate(argv.slice(1), io);
  } catch (e) {
    if (e instanceof EvalSetupError || e instanceof ConfigError) {
      io.err.write(`shipwright eval: ${e.message}\n`);
      if (e instanceof EvalSetupError && e.reason === 'usage') io.err.write(`\nUsage:\n${EVAL_USAGE}\n`);
      return 2;
    }
    throw e;
  }
}

async function evaluate(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        profile: { type: 'string', multiple: true }, concurrency: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' },
        recommend: { type: 'boolean' }, baseline: { type: 'string' }, margin: { type: 'string' }, 'max-cost-factor': { type: 'string' },
        'max-drop': { type: 'string' }, budget: { type: 'string' }, mirror: { type: 'string' }, yes: { type: 'boolean' },
        workspace: { type: 'string' }, config: { type: 'string' },
      },
    });
  } catch (e) {
    throw new EvalSetupError('usage', (e as Error).message);
  }
  const { values: o, positionals } = parsed;
  if (positionals.length !== 1) throw new EvalSetupError('usage', positionals.length ? `one suite file, not ${positionals.length}` : 'eval needs a suite file');
  const say = (s: string) => io.out.write(`${s}\n`);
  const note = (s: string) => (o.json ? io.err : io.out).write(`${s}\n`);
  const workspaceRoot = path.resolve(o.workspace ?? '.');
  const concurrency = positive('concurrency', o.concurrency, { integer: true }) ?? 1;
  const totalBudgetUsd = positive('budget', o.budget);
  const margin = fraction('margin', o.margin, DEFAULT_RECOMMEND_MARGIN);
  const maxDrop = fraction('max-drop', o['max-drop'], DEFAULT_PASS_RATE_DROP);
  const costFactor = positive('max-cost-factor', o['max-cost-factor']) ?? DEFAULT_COST_FACTOR;

  const suite = await readSuite(positionals[0]);
  const profiles = await loadProfiles({ workspaceRoot, configFile: o.config, names: o.profile ?? [] });
  const baseline = o.baseline ? await readBaseline(o.baseline) : undefined;
  for (const p of profiles) {
    const reach = await checkModelsReachable(p.config, io.env);
    if (!reach.ok) throw new EvalSetupError('models', `profile ${p.name}: ${reach.advice}`);
  }
  const outDir = path.resolve(o.out ?? path.join(workspaceRoot, '.shipwright', 'eval', suite.name));
  const mirrorDir = o.mirror ? path.resolve(o.mirror) : io.env.SHIPWRIGHT_EVAL_MIRROR ? path.resolve(io.env.SHIPWRIGHT_EVAL_MIRROR) : undefined;

  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  let report: EvalReport;
  try {
    note(`Evaluating ${suite.instances.length} instance(s) of ${suite.name} × ${profiles.length} profile(s) (${profiles.map((p) => p.name).join(', ')}), ${concurrency} at a time, in ${outDir}`);
    report = await runEvaluation({
      suite, profiles, outDir, concurrency, mirrorDir, totalBudgetUsd, env: io.env, signal: abort.signal,
      onProgress: (p) => { const line = progressLine(p); if (line) note(line); },
    });
  } finally {
    process.removeListener('SIGINT', stop);
  }
  if (abort.signal.aborted) {
    note(`Stopped. Rerun the same command to resume (finished runs are kept in ${path.join(outDir, 'results')}).`);
    return 130;
  }

  if (o.recommend) report.recommendation = recommendProfile(report.profiles, margin);
  if (baseline) report.regressions = compareBaseline(report.profiles, baseline, { costFactor, maxDrop }).regressions;
  await writeAtomic(path.join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  const htmlPath = path.join(outDir, 'report.html');
  await writeAtomic(htmlPath, evalReportHtml(report));

  if (o.json) say(JSON.stringify(report));
  else printTable(report, say);
  note(`Report: ${htmlPath}`);

  if (o.recommend) {
    const rec = report.recommendation;
    if (!rec) note('No recommendation: no profile resolved any instance.');
    else {
      note(`Recommended: ${rec.profile} — ${rec.reason}`);
      const profile = profiles.find((p) => p.name === rec.profile);
      if (profile && Object.keys(profile.overrides).length > 0) await offerToWrite(profile.name, profile.overrides, { workspaceRoot, yes: Boolean(o.yes), json: Boolean(o.json), io, note });
    }
  }
  if (report.regressions?.length) {
    for (const r of report.regressions) io.err.write(`regression: ${r.message}\n`);
    return 1;
  }
  if (baseline) note('No regression against the baseline.');
  return 0;
}

/** `shipwright eval-suite`: finished tickets of this repository as a Shipwright suite (stdout, or `--out FILE`). */
async function makeSuite(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string' }, workspace: { type: 'string' }, config: { type: 'string' } } });
  } catch (e) {
    throw new EvalSetupError('usage', (e as Error).message);
  }
  const { values: o, positionals: ids } = parsed;
  const workspaceRoot = path.resolve(o.workspace ?? '.');
  const config = await loadConfig({ workspaceRoot, file: o.config });
  const refuse = { approveDeliverable: async () => ({ decision: 'reject' as const, reason: 'read only' }), reviewFiles: async () => [] };
  const engine = await ShipwrightEngine.create({ workspaceRoot, config, approvals: refuse, env: io.env });
  const all = await engine.list();
  const unknown = ids.filter((id) => !all.some((s) => s.ticket.id === id));
  if (unknown.length) throw new EvalSetupError('usage', `no run of ticket ${unknown.map((u) => `"${u}"`).join(', ')} in this repository`);
  const chosen = ids.length ? all.filter((s) => ids.includes(s.ticket.id)) : all;
  const made = await suiteFromRuns(chosen, { testCommand: config.testCommand });
  for (const m of made) if (!m.ok) io.err.write(`skipped ${m.ticketId}: ${m.reason}\n`);
  const instances = made.flatMap((m) => (m.ok ? [m.instance] : []));
  if (instances.length === 0) throw new EvalSetupError('suite', 'no finished ticket with tests in its change: nothing to write');
  const suite = { version: 1, name: path.basename(workspaceRoot), instances };
  const text = `${JSON.stringify(suite, null, 2)}\n`;
  if (o.out) {
    await writeAtomic(path.resolve(o.out), text);
    io.err.write(`wrote ${instances.length} instance(s) to ${o.out}\n`);
  } else io.out.write(text);
  return 0;
}

async function readBaseline(file: string): Promise<BaselineFile> {
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8'));
  } catch (e) {
    throw new EvalSetupError('baseline', `--baseline ${file}: cannot read it as JSON: ${(e as Error).message}`, { cause: e });
  }
  const r = BaselineFile.safeParse(json);
  if (!r.success) throw new EvalSetupError('baseline', `--baseline ${file}: not the --json output of shipwright eval: ${formatZodIssues(r.error)}`);
  return r.data;
}

/** Writes the recommended profile's routing into the config after the person says yes (or `--yes`). */
async function offerToWrite(
  name: string,
  overrides: Parameters<typeof writeProfileRouting>[1],
  o: { workspaceRoot: string; yes: boolean; json: boolean; io: CliIo; note: (s: string) => void },
): Promise<void> {
  const target = path.join(o.workspaceRoot, '.shipwright', 'config.json');
  let yes = o.yes;
  const interactive = Boolean((o.io.in as { isTTY?: boolean }).isTTY) && !o.json;
  if (!yes && interactive) {
    const rl = createInterface({ input: o.io.in, output: o.io.out });
    try {
      const a = (await rl.question(`Write the routing of ${name} (${Object.keys(overrides).join(', ')}) into ${target}? [y/N] `)).trim().toLowerCase();
      yes = a === 'y' || a === 'yes';
    } finally {
      rl.close();
    }
  }
  if (!yes) {
    o.note(interactive ? 'Config left as it is.' : `Config left as it is (add --yes to write the routing of ${name} into ${target}).`);
    return;
  }
  const written = await writeProfileRouting(o.workspaceRoot, overrides);
  o.note(`Wrote the routing of ${name} into ${written}.`);
}

function progressLine(p: EvalProgress): string | undefined {
  switch (p.type) {
    case 'prepared': return undefined;
    case 'started': return `${p.resumed ? 'resume' : 'start '} ${p.instance} × ${p.profile} (ticket ${p.ticketId})`;
    case 'finished': {
      const r = p.result;
      return `${r.resolved ? 'PASS' : 'FAIL'}  ${r.instance} × ${r.profile}: ${r.endState}, ${formatUsd(r.usd)}, ${r.calls} calls${p.fromEarlierRun ? ' (from an earlier run)' : ''} — ${r.reason}`;
    }
  }
}

function printTable(r: EvalReport, say: (s: string) => void): void {
  say('');
  say(`${'profile'.padEnd(20)}${'resolved'.padStart(10)}${'pass rate'.padStart(11)}${'95 % interval'.padStart(17)}${'USD'.padStart(11)}${'USD/resolved'.padStart(14)}${'calls'.padStart(7)}`);
  for (const p of r.profiles) {
    const ci = `${(p.passRateLow * 100).toFixed(0)}–${(p.passRateHigh * 100).toFixed(0)} %`;
    say(`${p.name.padEnd(20)}${`${p.resolved}/${p.instances}`.padStart(10)}${`${(p.passRate * 100).toFixed(1)} %`.padStart(11)}${ci.padStart(17)}${formatUsd(p.usd).padStart(11)}${(p.usdPerResolved === null ? '—' : formatUsd(p.usdPerResolved)).padStart(14)}${String(p.calls).padStart(7)}`);
  }
}
