import type { ChildProcess } from 'node:child_process';

/** Wall time spent in child processes (git, the test command) since {@link countChildProcesses} was called. */
export interface ChildProcessTime {
  /** Sum of each child's wall time from spawn to close, ms (children rarely overlap: the engine runs them in turn). */
  ms: number;
  count: number;
}

/**
 * Counts every child process this process spawns from now on (`child_process.spawn`, which `execFile` and the
 * engine's git client use), for the bench only: a ticket's wall time minus its children's is the engine's own
 * time, which is what the engine's changes move; git and the test command take what they take.
 */
export function countChildProcesses(): ChildProcessTime {
  const total: ChildProcessTime = { ms: 0, count: 0 };
  // The module object itself, not an ES namespace: the bundle looks `spawn` up on it at every call, so the wrap sees them all.
  const cp = require('node:child_process') as { spawn: (...args: unknown[]) => ChildProcess }; // typed to the one member wrapped
  const spawn = cp.spawn;
  cp.spawn = (...args: unknown[]): ChildProcess => {
    const started = performance.now();
    const child = spawn(...args);
    total.count += 1;
    child.once('close', () => (total.ms += performance.now() - started));
    return child;
  };
  return total;
}
