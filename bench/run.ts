// `npm run bench`: speed, memory and token figures of the engine's own work (no model time: the models are the
// local fakes, answering at once). Prints one line per figure; nothing here asserts a time — the figures go in
// notes and are compared by people (see README "Benchmarks").
//   npm run bench                      every case but the 20,000-file repository
//   npm run bench -- --big             also the 20,000-file repository (a few minutes on 2 cores)
//   npm run bench -- --only=tokens,map cases by name: ticket, map, tokens, panel, require, state, worktree
//   npm run bench -- --json=FILE       also writes every figure as JSON
//   npm run bench -- --o200k           the fake Anthropic counts o200k tokens, as it did before 2026-11-30: token
//                                      figures comparable with earlier notes (the forecast lines are left out,
//                                      since the forecast allows for Claude's tokenizer)
// The machine's load average is printed first and last: on a shared machine, compare figures taken under like load.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { newRunState } from '../src/core/engine/newRunState';
import { forecastRoute } from '../src/core/engine/forecastRoute';
import { estimateTokens } from '../src/core/models/estimateTokens';
import { RunStore } from '../src/core/pipeline/runStore';
import { buildRepoMap } from '../src/core/workspace/repoMap';
import { resolveConfig } from '../src/core/config/loadConfig';
import { WorktreeManager } from '../src/core/workspace/worktreeManager';
import { makeGeneratedRepo } from './generatedRepo';
import { realisticResponder } from './realisticResponder';
import { tokenReport, type TokenReport } from './tokenReport';
import { projectRoot } from '../test/fixtures/fixtureRepo';
import { CLOUD_CHAINS, featureTicket, runTicket } from './ticketRun';

const argv = process.argv.slice(2);
const big = argv.includes('--big');
const only = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const jsonOut = argv.find((a) => a.startsWith('--json='))?.slice('--json='.length);
/** Tokens per o200k token of the fake Anthropic: its model table (1.3 on the 5.5 models) unless `--o200k`. */
const anthropicTokenRatio = argv.includes('--o200k') ? 1 : undefined;
const want = (name: string): boolean => only === undefined || only.includes(name);
const results: Record<string, unknown> = {};

function line(label: string, value: string): void {
  console.log(`${label.padEnd(64)} ${value}`);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs a bench entry in a fresh Node process and parses its one JSON line. */
function child<T>(script: string, args: string[]): T {
  const out = execFileSync(process.execPath, [join(__dirname, script), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 15 * 60_000 });
  return JSON.parse(out.trim().split('\n').pop() ?? '{}') as T;
}

const SIZES = big ? [200, 2_000, 20_000] : [200, 2_000];

async function ticketCases(): Promise<void> {
  for (const files of SIZES) {
    // Three runs per size (one at 20,000): the machine is shared and noisy; the minimum is the least disturbed.
    const runs = Array.from({ length: files >= 20_000 ? 1 : 3 }, () => child<{ ms: number; peakRssMb: number; calls: number; engineMs: number; childMs: number; childProcesses: number }>('ticketCase.js', [String(files)]));
    const ms = median(runs.map((r) => r.ms));
    const min = Math.min(...runs.map((r) => r.ms));
    const rss = Math.max(...runs.map((r) => r.peakRssMb));
    const engine = median(runs.map((r) => r.engineMs));
    results[`ticket${files}`] = { ms, minMs: min, peakRssMb: rss, engineMs: engine, runs };
    line(`whole feature ticket, zero model latency, ${files.toLocaleString('en')} files`, `median ${ms} ms, min ${min} ms, peak RSS ${rss} MB (${runs.map((r) => r.ms).join(' / ')} ms)`);
    // Wall time minus child processes (git, the test command): the engine's own part, which its changes move.
    line(`  of which the engine's own (wall − ${runs[0].childProcesses} child processes)`, `median ${engine} ms (${runs.map((r) => `${r.engineMs} + ${r.childMs}`).join(' / ')} ms)`);
  }
}

async function mapCases(): Promise<void> {
  for (const files of SIZES) {
    const repo = makeGeneratedRepo(files);
    try {
      // Focused: the ticket names a file few others match (the calculator); unfocused: only words many files hold.
      for (const [kind, keywords] of [['focused', ['subtract', 'calculator', 'function', 'number']], ['unfocused', ['node', 'module']]] as const) {
        const times: number[] = [];
        let map = await buildRepoMap(repo.dir, { tokenBudget: 2_000, keywords: [...keywords] });
        for (let i = 0; i < 3; i++) {
          const t0 = performance.now();
          map = await buildRepoMap(repo.dir, { tokenBudget: 2_000, keywords: [...keywords] });
          times.push(performance.now() - t0);
        }
        const shownLines = map.text.split('\n').filter((l) => !l.startsWith('… and'));
        const own = shownLines.filter((l) => l.includes('.shipwright/')).length;
        const binary = shownLines.filter((l) => /\.png\b/.test(l)).length;
        const perK = Math.round((map.listed / Math.max(1, map.tokens)) * 1000);
        const coveredPerK = Math.round(((map.listed + map.outlined) / Math.max(1, map.tokens)) * 1000);
        const key = kind === 'focused' ? `map${files}` : `map${files}${kind}`;
        results[key] = { ms: Math.round(median(times)), tokens: map.tokens, shown: map.listed, outlined: map.outlined, omitted: map.omitted, perK, coveredPerK, own, binary, tracked: repo.files };
        line(`repo map build, ${files.toLocaleString('en')} files, 2,000-token budget, ${kind} ticket`, `${Math.round(median(times))} ms; ${map.tokens} tokens; ${map.listed} files listed (${perK} per 1k tokens), ${map.outlined} in the folder outline, ${map.omitted} not shown (${coveredPerK} files accounted for per 1k tokens); .shipwright ${own}, binary ${binary}`);
      }
    } finally {
      repo.cleanup();
    }
  }
}

/** The realistic feature runs (with and without one objection per phase) and the forecast against them. */
async function tokenCases(): Promise<TokenReport | undefined> {
  const ticket = featureTicket();
  let happy: TokenReport | undefined;
  line('token counts of the fake Anthropic', anthropicTokenRatio === 1 ? 'o200k (--o200k), as measured before 2026-11-30' : "Claude's: o200k × 1.3 on the 5.5 models (newer tokenizer; model-apis-2026-11.md row 15)");
  for (const retries of [false, true]) {
    const repo = makeGeneratedRepo(200);
    try {
      const run = await runTicket({ repoDir: repo.dir, ticket, respond: realisticResponder({ objectOnce: retries }), chains: CLOUD_CHAINS, anthropicTokenRatio });
      if (run.state.state !== 'ready') throw new Error(`the realistic ticket ended ${run.state.state}: ${run.state.reason}`);
      const r = tokenReport(run.state, run.config);
      const key = retries ? 'tokensRetries' : 'tokens';
      results[key] = r;
      const label = retries ? 'feature ticket, realistic sizes, one objection per phase' : 'feature ticket, realistic sizes';
      line(`${label}: input tokens`, `${r.input.toLocaleString('en')} in ${r.calls} calls (largest ${r.largest}); ${Object.entries(r.perPhase).map(([p, t]) => `${p} ${t}`).join(' · ')}`);
      if (r.parts) line(`${label}: input by part (estimated)`, Object.entries(r.parts).map(([k, v]) => `${k} ${v}`).join(' · '));
      line(`${label}: cache reads / writes of cloud input`, `${r.cacheReadPct.toFixed(1)} % / ${r.cacheWritePct.toFixed(1)} %; $${r.usd.toFixed(4)} (without caching $${r.usdNoCache.toFixed(4)}, ${r.cacheSavingPct >= 0 ? '−' : '+'}${Math.abs(r.cacheSavingPct).toFixed(1)} %)`);
      // The forecast allows for Claude's tokenizer; against o200k counts (--o200k) it would read ~30 % high.
      if (anthropicTokenRatio === undefined) {
        const forecast = await forecastRoute(ticket, run.config, { repoRoot: repo.dir });
        // `high` exists since the forecast gives a range; an older build's forecast has the low figure only.
        const fLow = forecast.reduce((n, f) => n + f.inputTokens, 0);
        const fHigh = forecast.reduce((n, f) => n + ((f as { high?: { inputTokens: number } }).high?.inputTokens ?? f.inputTokens), 0);
        const fIn = retries ? fHigh : fLow;
        const err = ((fIn - r.input) / r.input) * 100;
        results[retries ? 'forecastRetries' : 'forecast'] = { forecastInput: fIn, low: fLow, high: fHigh, actualInput: r.input, errorPct: err };
        line(`${label}: dry-run forecast (${retries ? 'high' : 'low'} end) vs actual input`, `${fIn.toLocaleString('en')} vs ${r.input.toLocaleString('en')}: ${err >= 0 ? '+' : ''}${err.toFixed(0)} % (range ${fLow.toLocaleString('en')}–${fHigh.toLocaleString('en')})`);
        if (!retries) {
          const byPhase = new Map<string, number>();
          for (const f of forecast) byPhase.set(f.phase, (byPhase.get(f.phase) ?? 0) + f.inputTokens);
          line(`${label}: forecast error per phase`, [...byPhase].map(([p, t]) => `${p} ${r.perPhase[p] ? `${t >= r.perPhase[p] ? '+' : ''}${Math.round(((t - r.perPhase[p]) / r.perPhase[p]) * 100)} %` : 'n/a'}`).join(' · '));
        }
      }
      if (!retries) {
        happy = r;
        results.stateTemplate = run.state;
      }
    } finally {
      repo.cleanup();
    }
  }
  // The same retries on the default chains (local first for discovery, implementation, review and validation; Opus
  // for design and planning): what a user with Ollama running pays for, and how much of that the cache serves.
  const repo = makeGeneratedRepo(200);
  try {
    const run = await runTicket({ repoDir: repo.dir, ticket, respond: realisticResponder({ objectOnce: true }), chains: {}, anthropicTokenRatio });
    if (run.state.state !== 'ready') throw new Error(`the default-routing ticket ended ${run.state.state}: ${run.state.reason}`);
    const r = tokenReport(run.state, run.config);
    const cloudCalls = run.state.ledger.filter((c) => c.provider === 'anthropic').length;
    results.tokensRetriesDefault = r;
    line('feature ticket, realistic sizes, one objection per phase, default chains: cache reads / writes of cloud input', `${r.cacheReadPct.toFixed(1)} % / ${r.cacheWritePct.toFixed(1)} % of the ${cloudCalls} cloud calls' input; ${r.input.toLocaleString('en')} tokens in ${r.calls} calls in all; $${r.usd.toFixed(4)} (without caching $${r.usdNoCache.toFixed(4)}, ${r.cacheSavingPct >= 0 ? '−' : '+'}${Math.abs(r.cacheSavingPct).toFixed(1)} %)`);
  } finally {
    repo.cleanup();
  }
  return happy;
}

async function panelCase(): Promise<void> {
  if (results.stateTemplate === undefined) await tokenCases();
  const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'shipwright-bench-')));
  try {
    const file = join(tmp, 'state.json');
    writeFileSync(file, JSON.stringify(results.stateTemplate));
    // Both designs in the same bench run, under the same load: the old panel and the RunIndex the extension uses.
    for (const mode of ['reread', 'index', 'progress']) {
      const r = child<{ msPerEvent: number; peakRssMb: number; runs: number }>('panelCase.js', [file, '1000', mode === 'reread' ? '10' : '200', mode]);
      results[`panel:${mode}`] = r;
      if (mode === 'progress') {
        line('panel update per streaming progress event (≤ 2 a second per model call), 1,000 stored runs', `${r.msPerEvent} ms per event (${((r.msPerEvent * 2) / 10).toFixed(1)} % of one core while a model streams), peak RSS ${r.peakRssMb} MB`);
        continue;
      }
      line(`panel update per engine event, 1,000 stored runs (${mode === 'reread' ? 'every run re-read, as before' : 'RunIndex, one run'})`, `${r.msPerEvent} ms per event (× ~36 events per ticket = ${((r.msPerEvent * 36) / 1000).toFixed(1)} s), peak RSS ${r.peakRssMb} MB`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function requireCases(): void {
  for (const target of [join(projectRoot(), 'dist', 'cli.js'), join(projectRoot(), 'dist', 'extension.js')]) {
    const runs = Array.from({ length: 5 }, () => child<{ ms: number; rssMb: number }>('requireCase.js', [target]));
    const ms = median(runs.map((r) => r.ms));
    const rss = median(runs.map((r) => r.rssMb));
    const name = target.split('/').slice(-2).join('/');
    results[`require:${name}`] = { ms, rssMb: rss };
    line(`require ${name} (median of 5 fresh processes)`, `${ms} ms, RSS ${rss} MB`);
  }
}

async function stateCases(): Promise<void> {
  const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'shipwright-bench-')));
  try {
    const store = new RunStore(tmp);
    const state = newRunState({ id: 'bench', kind: 'feature', title: 'bench', body: 'b', acceptanceCriteria: [], dependsOn: [] }, ['discovery', 'techSpec', 'planning', 'implementation', 'review'], 5);
    const t0 = performance.now();
    for (let i = 0; i < 200; i++) {
      state.ledger.push({ ticketId: 'bench', phase: 'discovery', attempt: 1, provider: 'ollama', modelKey: 'local-large', model: 'm', why: 'bench', usage: { inputTokens: 1000, outputTokens: 100, cacheWriteTokens: 0, cacheReadTokens: 0 }, usd: 0, latencyMs: 1, at: new Date().toISOString() });
      // What the runner does per billed call (before the ledger file: a whole-state save per call).
      await store.appendLedger(state);
    }
    await store.save(state);
    const ms = performance.now() - t0;
    results.state200 = { ms };
    line('run state: 200 billed calls recorded, then one save', `${ms.toFixed(0)} ms`);
    const text = 'function add(a, b) { return a + b; } // some code\n'.repeat(20_000); // ~1 MB
    const t1 = performance.now();
    estimateTokens(text);
    line('estimateTokens, 1 MB of code (first call, tokenizer load included)', `${(performance.now() - t1).toFixed(0)} ms`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Looking up one ticket's worktree with 1 and with 40 worktrees in the repository (it must not grow with them). */
async function worktreeCase(): Promise<void> {
  const repo = makeGeneratedRepo(200);
  try {
    const config = resolveConfig([{ worktree: { copy: [], link: [] } }]);
    const manager = await WorktreeManager.open({ repoDir: repo.dir, config });
    const lookUp = async (id: string): Promise<number> => {
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await manager.open(id);
        times.push(performance.now() - t0);
      }
      return median(times);
    };
    await manager.create({ id: 'w0', title: 'first' });
    const one = await lookUp('w0');
    for (let i = 1; i < 40; i++) await manager.create({ id: `w${i}`, title: `ticket ${i}` });
    const forty = await lookUp('w0');
    results.worktree = { oneMs: one, fortyMs: forty };
    line('worktree look-up by ticket, 1 vs 40 worktrees (median of 5)', `${one.toFixed(1)} ms vs ${forty.toFixed(1)} ms`);
  } finally {
    repo.cleanup();
  }
}

async function main(): Promise<void> {
  const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
  line('load average (1, 5, 15 min) at the start', load());
  results.loadStart = loadavg();
  if (want('require')) requireCases();
  if (want('state')) await stateCases();
  if (want('map')) await mapCases();
  if (want('tokens')) await tokenCases();
  if (want('panel')) await panelCase();
  if (want('ticket')) await ticketCases();
  if (want('worktree')) await worktreeCase();
  line('load average (1, 5, 15 min) at the end', load());
  results.loadEnd = loadavg();
  if (jsonOut !== undefined) {
    const { stateTemplate: _drop, ...rest } = results;
    writeFileSync(jsonOut, `${JSON.stringify(rest, null, 2)}\n`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
