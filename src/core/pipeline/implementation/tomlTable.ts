import type * as SmolToml from 'smol-toml' with { 'resolution-mode': 'import' };
import type { TomlTable, TomlValue } from 'smol-toml' with { 'resolution-mode': 'import' };

export type { TomlTable, TomlValue };

// smol-toml's types are ESM-only while it ships a CommonJS build under `require` (TypeScript would refuse a static
// import from this CommonJS code with TS1479): the types come from an import-mode type import, the code from require.
const { parse } = require('smol-toml') as typeof SmolToml; // require() is untyped; this is the module imported above as a type

/**
 * A TOML document as its root table (smol-toml, TOML 1.0: quoted keys, dotted keys and inline tables read the same
 * as `[a.b]` headers; https://toml.io/en/v1.0.0), or undefined when the text is no valid TOML.
 */
export function parseTomlTable(text: string): TomlTable | undefined {
  try {
    return parse(text);
  } catch {
    return undefined;
  }
}

/** The value as a table (not an array, a date or a scalar), or undefined. */
export function tomlTable(v: TomlValue | undefined): TomlTable | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date) ? v : undefined;
}

/** JSON with every object's keys sorted: the same settings give the same string in whatever order they were written. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object' && v !== null && !(v instanceof Date)) {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`; // a plain object: checked above
  }
  return JSON.stringify(v) ?? 'null';
}
