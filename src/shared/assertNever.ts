/**
 * The end of an exhaustive `switch` over a discriminated union: it compiles only when every case is handled, and
 * throws if a value the types ruled out arrives anyway (e.g. from a newer webview build).
 * @throws Error always, naming the unexpected value
 */
export function assertNever(value: never, what: string): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
