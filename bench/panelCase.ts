// The panel's refresh cost with many stored runs, in a process of its own (peak RSS is the refresh's).
// `node out/bench/panelCase.js <state.json> <runs> <events> <mode>` prints one JSON line. Modes:
// `index` — what the extension does now (RunIndex: every run read once, then one run per event);
// `reread` — what it did before (every run re-read and parsed on every event);
// `progress` — a streaming `progress` event (at most two a second per model call): no run is read, one snapshot.
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../src/core/pipeline/runStore';
import { buildViewState } from '../src/vscode/buildViewState';
import { RunIndex } from '../src/vscode/runIndex';

async function main(): Promise<void> {
  const [statePath, runsArg, eventsArg, mode] = process.argv.slice(2);
  const runs = Number(runsArg ?? '1000');
  const events = Number(eventsArg ?? '20');
  const template = readFileSync(statePath, 'utf8');
  const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'shipwright-panel-')));
  try {
    // `runs` stored runs, each a copy of a real realistic-size run under its own id.
    const parsed = JSON.parse(template) as { ticket: { id: string }; createdAt: string };
    for (let i = 0; i < runs; i++) {
      const id = `bench-${i}`;
      mkdirSync(join(tmp, id), { recursive: true });
      writeFileSync(join(tmp, id, 'state.json'), JSON.stringify({ ...parsed, ticket: { ...parsed.ticket, id }, createdAt: new Date(Date.parse(parsed.createdAt) + i).toISOString() }, null, 2));
    }
    const runStore = new RunStore(tmp);
    const store = { list: () => runStore.list(), get: (id: string) => runStore.load(id) }; // what ShipwrightEngine's list/get do
    const index = new RunIndex<string>();
    const show = (runs: { run: Parameters<typeof buildViewState>[0][number]['run'] }[]) =>
      buildViewState(runs.map(({ run }) => ({ folder: 'repo', run })), { trusted: true, modelKeys: [], now: new Date() }).tickets.length;
    let e = 0;
    const refresh = async (): Promise<number> => {
      if (mode === 'reread') return show((await store.list()).map((run) => ({ run })));
      if (mode === 'progress') return show(index.all());
      await index.update('repo', 'repo', store, `bench-${e % runs}`); // the run the event names
      return show(index.all());
    };
    const baseRss = process.resourceUsage().maxRSS / 1024;
    // The panel's first load reads every run once in either design.
    if (mode === 'reread') await refresh();
    else await index.loadAll('repo', 'repo', store);
    const t0 = performance.now();
    let shown = 0;
    // What one ticket's events cost the extension host: one refresh per (coalesced) event.
    for (e = 0; e < events; e++) shown = await refresh();
    const ms = (performance.now() - t0) / events;
    console.log(JSON.stringify({ mode, runs, shown, msPerEvent: Number(ms.toFixed(1)), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), rssBeforeMb: Math.round(baseRss) }));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
