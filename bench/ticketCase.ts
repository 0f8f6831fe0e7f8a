// One whole feature ticket with zero model latency on a generated repository, in a process of its own so its
// peak RSS is the ticket's alone. `node out/bench/ticketCase.js <files>` prints one JSON line.
import { countChildProcesses } from './childProcessTime';
import { makeGeneratedRepo } from './generatedRepo';
import { featureTicket, LOCAL_CHAINS, runTicket } from './ticketRun';
import { scriptedModel } from '../test/fakes/scriptedModel';

async function main(): Promise<void> {
  const files = Number(process.argv[2] ?? '200');
  const repo = makeGeneratedRepo(files);
  try {
    const baseRss = process.resourceUsage().maxRSS / 1024;
    const children = countChildProcesses();
    const run = await runTicket({ repoDir: repo.dir, ticket: featureTicket(), respond: scriptedModel().responder, chains: LOCAL_CHAINS });
    if (run.state.state !== 'ready') throw new Error(`the bench ticket ended ${run.state.state}: ${run.state.reason}`);
    console.log(JSON.stringify({
      files: repo.files,
      ms: Math.round(run.ms),
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      rssBeforeRunMb: Math.round(baseRss),
      calls: run.state.ledger.length,
      childMs: Math.round(children.ms),
      childProcesses: children.count,
      engineMs: Math.round(run.ms - children.ms),
    }));
  } finally {
    repo.cleanup();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
