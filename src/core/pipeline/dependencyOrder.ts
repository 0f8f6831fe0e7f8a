/**
 * Orders items so each comes after everything it depends on (Kahn's algorithm, stable in input order).
 * Returns an error naming duplicate ids, unknown dependencies or a cycle.
 */
export function dependencyOrder<T extends { id: string; dependsOn: readonly string[] }>(
  items: readonly T[],
): { ok: true; order: T[] } | { ok: false; error: string } {
  const byId = new Map<string, T>();
  for (const it of items) {
    if (byId.has(it.id)) return { ok: false, error: `duplicate id "${it.id}"` };
    byId.set(it.id, it);
  }
  for (const it of items) {
    const unknown = it.dependsOn.filter((d) => !byId.has(d));
    if (unknown.length) return { ok: false, error: `"${it.id}" depends on unknown ${unknown.map((u) => `"${u}"`).join(', ')}` };
  }
  const order: T[] = [];
  const done = new Set<string>();
  while (order.length < items.length) {
    const next = items.find((it) => !done.has(it.id) && it.dependsOn.every((d) => done.has(d)));
    if (!next) {
      const rest = items.filter((it) => !done.has(it.id)).map((it) => it.id);
      return { ok: false, error: `circular dependencies among ${rest.join(', ')}` };
    }
    order.push(next);
    done.add(next.id);
  }
  return { ok: true, order };
}
