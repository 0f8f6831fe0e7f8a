import { canonicalJson, parseTomlTable, tomlTable as table, type TomlTable, type TomlValue } from './tomlTable';

/** `[package]` keys that decide which targets cargo discovers and builds (the rest: name, version, metadata…). */
const PACKAGE_KEYS = ['autotests', 'autobins', 'autoexamples', 'autobenches', 'autolib', 'build', 'workspace'];

/** Top-level tables compared whole: the targets, the profiles, the workspace's members, and dependency overrides. */
const WHOLE = ['lib', 'bin', 'test', 'bench', 'example', 'profile', 'patch', 'replace'];

/**
 * The test-relevant parts of a Cargo.toml as one canonical string (keys sorted, however the TOML spelled them:
 * `["lib"]`, `lib = { test = false }` at the root, `"autotests" = false`, `package = { … }` all read the same),
 * so that two manifests that build and run the same tests give the same string:
 * - `[package]`'s (or the legacy `[project]`'s) target auto-discovery and build-script keys (`autotests = false`
 *   left a crate with 0 tests run on RazrFalcon/pico-args);
 * - the target tables `[lib]`, `[[bin]]`, `[[test]]`, `[[bench]]`, `[[example]]` (`test = false`, `harness`,
 *   `path`), `[profile.*]`, `[patch.*]`, `[replace]`;
 * - `[workspace]` (its members), where only the path/git sources of `[workspace.dependencies]` count;
 * - dev-dependencies (also `dev_dependencies` and `[target.'cfg(…)'.dev-dependencies]`) with a `path` or `git`
 *   source: a local crate of the model's can stand in for the assertion crate the tests use.
 * Dependencies from a registry and features may change.
 * Sources: https://doc.rust-lang.org/cargo/reference/cargo-targets.html#target-auto-discovery,
 * https://doc.rust-lang.org/cargo/reference/manifest.html, https://toml.io/en/v1.0.0 (quoted keys, inline tables).
 * @param text the manifest, or null when the file does not exist (then '')
 * @returns the canonical string, or undefined when the text is no valid TOML (cargo would refuse it too, and what
 *   it meant cannot be compared)
 */
export function cargoTestSettings(text: string | null): string | undefined {
  if (text === null) return '';
  const toml = parseTomlTable(text);
  if (toml === undefined) return undefined;
  const pkg = table(toml.package) ?? table(toml.project) ?? {};
  const workspace = table(toml.workspace);
  const devDeps = (t: TomlTable | undefined): TomlTable[] => [sourced(t?.['dev-dependencies']), sourced(t?.dev_dependencies)];
  const settings = {
    package: Object.fromEntries(PACKAGE_KEYS.map((k) => [k, pkg[k] ?? null])),
    ...Object.fromEntries(WHOLE.map((k) => [k, toml[k] ?? null])),
    workspace: workspace === undefined ? null : { ...workspace, dependencies: sourced(workspace.dependencies) },
    devDependencies: devDeps(toml),
    // Only platforms with such dev-dependencies: a new `[target.'cfg(unix)'.dependencies]` table changes nothing.
    targetDevDependencies: Object.fromEntries(Object.entries(table(toml.target) ?? {}).map(([cfg, t]): [string, TomlTable[]] => [cfg, devDeps(table(t))]).filter(([, d]) => d.some((t) => Object.keys(t).length > 0))),
  };
  return canonicalJson(settings);
}

/** The dependencies of a table that come from a path or a git repository rather than a registry. */
function sourced(deps: TomlValue | undefined): TomlTable {
  return Object.fromEntries(Object.entries(table(deps) ?? {}).filter(([, d]) => table(d)?.path !== undefined || table(d)?.git !== undefined));
}
