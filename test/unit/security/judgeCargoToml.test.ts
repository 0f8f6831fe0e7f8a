import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judgeObjections } from '../../../src/core/pipeline/implementation/judgeGuard';
import { cargoTest, realCargo } from '../../fixtures/realCargo';

const rules = { frozen: new Set<string>(), named: new Set(['Cargo.toml', 'src/lib.rs']), codeStep: true, ticketText: 'Add len() to Cargo.toml\'s crate' };
const refusals = (before: string, after: string | null): string[] => judgeObjections([{ path: 'Cargo.toml', before, after }], rules).map((o) => o.message);

const manifest = (name: string): string => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n`;
/** A crate whose only test is a unit test in src/lib.rs, and one whose only test is an integration test: both fail. */
const unitOnly = { 'src/lib.rs': 'pub fn len() -> usize { 0 }\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn len_counts() { assert_eq!(super::len(), 3); }\n}\n' };
const integrationOnly = { 'src/lib.rs': 'pub fn len() -> usize { 0 }\n', 'tests/it.rs': '#[test]\nfn len_counts() { assert_eq!(judged::len(), 3); }\n' };

/** TOML spellings of "run no tests" that a line-by-line reading missed (review 29): quoted keys, inline tables, dotted keys at the root. */
const weakened: [string, (toml: string) => string, Record<string, string>][] = [
  ['a quoted ["lib"] header with test = false', (t) => `${t}\n["lib"]\ntest = false\ndoctest = false\n`, unitOnly],
  ['an inline lib table at the root, above [package]', (t) => `lib = { test = false, doctest = false }\n${t}`, unitOnly],
  ['a quoted "autotests" key', (t) => t.replace('edition', '"autotests" = false\nedition'), integrationOnly],
  ['[package] as an inline table with autotests = false', () => 'package = { name = "judged", version = "0.1.0", edition = "2021", autotests = false }\n', integrationOnly],
];

suite('security: Cargo.toml is read as TOML, so no spelling of "run no tests" gets past the judge', function () {
  this.timeout(120_000);

  for (const [name, weaken] of weakened) {
    test(`${name} is refused`, () => {
      const toml = manifest('judged');
      assert.match(refusals(toml, weaken(toml)).join(), /decide which tests `cargo test` runs/);
    });
  }

  test('real cargo: each of those spellings turns a failing `cargo test` into a pass (what the refusal prevents)', function () {
    const cargo = realCargo();
    if (cargo === undefined) this.skip(); // CI installs no Rust toolchain; the refusals above run everywhere
    const root = mkdtempSync(join(tmpdir(), 'judge-cargo-'));
    try {
      for (const [i, files] of [unitOnly, integrationOnly].entries()) {
        const r = cargoTest(cargo!, join(root, `base${i}`), { ...files, 'Cargo.toml': manifest('judged') });
        assert.equal(r.code, 101, `the unchanged crate fails its test: ${r.output}`);
      }
      for (const [i, [name, weaken, files]] of weakened.entries()) {
        const r = cargoTest(cargo!, join(root, `weak${i}`), { ...files, 'Cargo.toml': weaken(manifest('judged')) });
        assert.equal(r.code, 0, `${name}: ${r.output}`);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('a dev-dependency from a path or git, [patch] and [replace] are the judge\'s; one from the registry is not', () => {
    const toml = `${manifest('judged')}\n[dev-dependencies]\npretty_assertions = "1"\n`;
    assert.equal(refusals(toml, toml.replace('pretty_assertions = "1"', 'pretty_assertions = { path = "shim" }')).length, 1, 'a local crate in place of the assertion crate');
    assert.equal(refusals(toml, `${toml}\n[target.'cfg(unix)'.dev-dependencies]\nassert_cmd = { git = "https://example.com/a.git" }\n`).length, 1);
    assert.equal(refusals(toml, `${toml}\n[patch.crates-io]\npretty_assertions = { path = "shim" }\n`).length, 1);
    assert.deepEqual(refusals(toml, toml.replace('pretty_assertions = "1"', 'pretty_assertions = "1.4"\nproptest = "1"')), []);
    assert.deepEqual(refusals(toml, `${toml}\n[target.'cfg(unix)'.dependencies]\nlibc = "0.2"\n`), []);
  });

  test('the same settings written another way pass; a manifest that is no TOML is refused', () => {
    const toml = `${manifest('judged')}\n[lib]\npath = "src/lib.rs"\n\n[features]\nstd = []\n`;
    assert.deepEqual(refusals(toml, `lib = { path = "src/lib.rs" }\n${toml.replace('\n[lib]\npath = "src/lib.rs"\n', '')}`), []);
    assert.deepEqual(refusals(toml, toml.replace('std = []', 'std = []\nalloc = []')), [], 'features may change');
    assert.match(refusals(toml, `${toml}\n[lib\n`).join(), /would not be valid TOML/);
    assert.match(refusals(toml, toml.replace('[features]', '[features]\n[features]')).join(), /would not be valid TOML/, 'a table defined twice');
  });
});
