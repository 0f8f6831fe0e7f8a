// `npm run bench`: speed and memory figures of the engine's own work (no model time: the model is a local fake).
// Prints one line per benchmark; nothing here asserts a time — the figures go in notes and are compared by people.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { estimateTokens } from '../src/core/models/estimateTokens';
import { RunStore } from '../src/core/pipeline/runStore';
import { newRunState } from '../src/core/engine/newRunState';
import { buildRepoMap } from '../src/core/workspace/repoMap';

async function time<T>(label: string, runs: number, fn: () => Promise<T> | T): Promise<void> {
  await fn(); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) await fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6 / runs;
  const heap = process.memoryUsage().heapUsed / 2 ** 20;
  console.log(`${label.padEnd(58)} ${ms.toFixed(2).padStart(9)} ms/run  (heap ${heap.toFixed(0)} MiB, ${runs} runs)`);
}

async function main(): Promise<void> {
  const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'shipwright-bench-')));
  try {
    // A repository of 2,000 source files in 40 folders.
    const repo = join(tmp, 'repo');
    for (let d = 0; d < 40; d++) {
      mkdirSync(join(repo, `pkg${d}`), { recursive: true });
      for (let f = 0; f < 50; f++) {
        writeFileSync(join(repo, `pkg${d}`, `mod${f}.ts`), `export function f${d}_${f}(x: number) {\n  return x + ${f};\n}\nexport class C${d}_${f} {}\n`.repeat(5));
      }
    }
    const git = (...a: string[]) => execFileSync('git', a, { cwd: repo, env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@b', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@b' } });
    git('init', '-q', '-b', 'main');
    git('add', '-A');
    git('commit', '-qm', 'bench');

    await time('repo map, 2,000 tracked files, 2,000-token budget', 5, () => buildRepoMap(repo, { tokenBudget: 2_000, keywords: ['pkg7', 'mod3'] }));
    const text = 'function add(a, b) { return a + b; } // some code\n'.repeat(20_000); // ~1 MB
    await time('estimateTokens, 1 MB of code', 5, () => estimateTokens(text));
    const store = await RunStore.forWorkspace(repo);
    const state = newRunState({ id: 'bench', kind: 'feature', title: 'bench', body: 'b', acceptanceCriteria: [], dependsOn: [] }, ['discovery', 'techSpec', 'planning', 'implementation', 'review'], 5);
    for (let i = 0; i < 200; i++) state.ledger.push({ ticketId: 'bench', phase: 'discovery', attempt: 1, provider: 'ollama', modelKey: 'local-large', model: 'm', why: 'bench', usage: { inputTokens: 1000, outputTokens: 100, cacheWriteTokens: 0, cacheReadTokens: 0 }, usd: 0, latencyMs: 1, at: new Date().toISOString() });
    await time('atomic run-state write, 200 ledger records', 50, () => store.save(state));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

void main();
