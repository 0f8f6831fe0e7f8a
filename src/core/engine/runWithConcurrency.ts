import { dependencyOrder } from '../pipeline/dependencyOrder';

/**
 * Runs items at most `limit` at a time, each only after everything it depends on finished with `ok`. An item
 * whose dependency did not succeed is not run and is reported `blocked`.
 * @returns per item id: its result, or `blocked` with the dependency that held it back
 * @throws Error on unknown or circular dependencies (checked before anything runs)
 */
export async function runWithConcurrency<T extends { id: string; dependsOn: readonly string[] }, R>(
  items: readonly T[],
  limit: number,
  run: (item: T) => Promise<R>,
  ok: (r: R) => boolean,
): Promise<Map<string, { result: R } | { blocked: string }>> {
  const order = dependencyOrder(items);
  if (!order.ok) throw new Error(`cannot schedule: ${order.error}`);
  const results = new Map<string, { result: R } | { blocked: string }>();
  const running = new Map<string, Promise<void>>();
  const pending = [...order.order];
  const succeeded = (id: string) => {
    const r = results.get(id);
    return r !== undefined && 'result' in r && ok(r.result);
  };
  while (pending.length || running.size) {
    // Block items whose dependency finished without success; they would build on a missing change.
    for (let i = pending.length - 1; i >= 0; i--) {
      const failedDep = pending[i].dependsOn.find((d) => results.has(d) && !succeeded(d));
      if (failedDep) {
        results.set(pending[i].id, { blocked: failedDep });
        pending.splice(i, 1);
      }
    }
    const readyIdx = pending.findIndex((it) => it.dependsOn.every(succeeded));
    if (readyIdx >= 0 && running.size < limit) {
      const [item] = pending.splice(readyIdx, 1);
      running.set(
        item.id,
        run(item).then(
          (result) => {
            results.set(item.id, { result });
            running.delete(item.id);
          },
          (e: unknown) => {
            // A run that throws must not stall the others: record it as not done.
            results.set(item.id, { blocked: `its own run failed: ${e instanceof Error ? e.message : String(e)}` });
            running.delete(item.id);
          },
        ),
      );
      continue;
    }
    if (running.size === 0) break; // nothing runnable: everything left is blocked
    await Promise.race(running.values());
  }
  return results;
}
