import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judgeObjections } from '../../../src/core/pipeline/implementation/judgeGuard';
import { weakenedTests } from '../../../src/core/pipeline/implementation/testGuard';
import { cargoTest, realCargo } from '../../fixtures/realCargo';

const rules = { frozen: new Set<string>(), named: new Set(['src/lib.rs']), codeStep: true, ticketText: 'Add len()' };
const lib = 'pub fn len() -> usize { 0 }\n\n#[cfg(test)]\nmod tests {\n    use super::*;\n    #[test]\n    fn len_counts() {\n        assert_eq!(len(), 3);\n    }\n}\n';
const refusals = (after: string, before: string | null = lib, step = rules): string[] => judgeObjections([{ path: 'src/lib.rs', before, after }], step).map((o) => o.message);

/** A code step's ways to make the failing test above pass without writing len() (review 29): each one cargo 1.95 runs green. */
const weakened: [string, string][] = [
  ['#[should_panic] on the test', lib.replace('    #[test]', '    #[test]\n    #[should_panic]')],
  ['#[cfg(any())] on the tests module', lib.replace('#[cfg(test)]', '#[cfg(test)]\n#[cfg(any())]')],
  ['#[cfg(any())] on the test function', lib.replace('    #[test]', '    #[cfg(any())]\n    #[test]')],
  ['#[cfg_attr(all(), ignore)] on the test', lib.replace('    #[test]', '    #[test]\n    #[cfg_attr(all(), ignore)]')],
  ['# [ignore] written with a space', lib.replace('    #[test]', '    #[test]\n    # [ignore]')],
  ['#![cfg(any())] inside the tests module', lib.replace('    use super::*;', '    #![cfg(any())]\n    use super::*;')],
  ['the test\'s assertion removed', lib.replace('        assert_eq!(len(), 3);\n', '        let _ = len();\n')],
  ['the expected value changed (the tests step\'s tests in src/lib.rs are no frozen test file)', lib.replace('assert_eq!(len(), 3)', 'assert_eq!(len(), 0)')],
  ['a macro_rules! assert_eq defined above the tests', `macro_rules! assert_eq { ($($t:tt)*) => {} }\n${lib}`],
  ['a no-op macro imported as assert_eq', lib.replace('    use super::*;', '    use super::*;\n    macro_rules! nothing { ($($t:tt)*) => {} }\n    use nothing as assert_eq;')],
];

suite('security: a Rust test cannot be switched off or made unable to fail, however the attribute is written', function () {
  this.timeout(120_000);

  for (const [name, after] of weakened) {
    test(`${name} is refused`, () => assert.notDeepEqual(refusals(after), []));
  }

  test('real cargo: each of those turns the failing `cargo test` into a pass (what the refusal prevents)', function () {
    const cargo = realCargo();
    if (cargo === undefined) this.skip(); // CI installs no Rust toolchain; the refusals above run everywhere
    const root = mkdtempSync(join(tmpdir(), 'judge-rust-'));
    try {
      const crate = (dir: string, src: string) => cargoTest(cargo!, join(root, dir), { 'Cargo.toml': '[package]\nname = "judged"\nversion = "0.1.0"\nedition = "2021"\n', 'src/lib.rs': src });
      const base = crate('base', lib);
      assert.equal(base.code, 101, base.output);
      for (const [i, [name, after]] of weakened.entries()) {
        const r = crate(`weak${i}`, after);
        assert.equal(r.code, 0, `${name}: ${r.output}`);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  test('a shadowing assertion macro is refused in a new file too; the code and the tests may otherwise change', () => {
    assert.match(refusals('#[macro_export]\nmacro_rules! assert { ($($t:tt)*) => {} }\n', null).join(), /would define its own `assert!`/);
    assert.deepEqual(refusals(lib.replace('pub fn len() -> usize { 0 }', 'pub fn len() -> usize { 3 }\n\nmacro_rules! len_of { ($x:expr) => { $x.len() } }')), []);
    // Code with iterators' `.skip(1)`, a feature-gated function and a module without tests is ordinary code.
    const code = lib.replace('pub fn len() -> usize { 0 }', 'pub fn len() -> usize { [1, 2, 3, 4].iter().skip(1).count() }\n\n#[cfg(feature = "std")]\npub fn std_only() {}\n\n#[cfg(unix)]\nmod sys {}');
    assert.deepEqual(refusals(code), []);
    // A new test in a code step, a lint allowed on the tests, and the tests step's own should_panic test.
    assert.deepEqual(refusals(lib.replace('    #[test]\n    fn len_counts', '    #[test]\n    fn len_of_empty() { assert_eq!(len(), 3); }\n\n    #[test]\n    fn len_counts')), []);
    assert.deepEqual(refusals(lib.replace('#[cfg(test)]', '#[cfg(test)]\n#[cfg_attr(test, allow(clippy::unwrap_used))]')), []);
    assert.deepEqual(refusals(lib.replace('    #[test]', '    #[test]\n    #[should_panic(expected = "empty")]'), lib, { ...rules, codeStep: false }), []);
    // The tests step writes and changes tests; a code step may reformat one or comment on it.
    assert.deepEqual(refusals(lib.replace('assert_eq!(len(), 3)', 'assert_eq!(len(), 4)'), lib, { ...rules, codeStep: false }), []);
    assert.deepEqual(refusals(lib.replace('        assert_eq!(len(), 3);', '        // three items\n        assert_eq!(\n            len(),\n            3\n        );')), []);
    assert.match(refusals(lib.replace('assert_eq!(len(), 3)', 'assert_eq!(len(), 0)')).join(), /would change the test `len_counts`/);
    // An assertion in the library code is ordinary code.
    const checked = lib.replace('pub fn len() -> usize { 0 }', 'pub fn len() -> usize { assert!(true); 0 }');
    assert.deepEqual(refusals(lib, checked), []);
    // Comments and strings are no attributes.
    assert.deepEqual(refusals(lib.replace('    #[test]\n    fn len_counts', '    // #[ignore] until len() exists\n    #[test]\n    fn len_message() { assert_eq!(len(), 3, "#[should_panic]"); }\n\n    #[test]\n    fn len_counts')), []);
  });

  test('a test module in its own file (`mod tests;`) keeps its cfg; an inner #![cfg] on a whole file is refused', () => {
    const root = 'pub fn len() -> usize { 0 }\n\n#[cfg(test)]\nmod tests;\n';
    assert.notDeepEqual(refusals(root.replace('#[cfg(test)]', '#[cfg(test)]\n#[path = "empty.rs"]'), root), []);
    assert.notDeepEqual(refusals(root.replace('#[cfg(test)]', '#[cfg(all(test, unix))]'), root), []);
    assert.notDeepEqual(refusals(`#![cfg(any())]\n${root}`, root), []);
  });
});

suite('security: unittest\'s skips, however imported, count as switching a test off', () => {
  const before = 'import unittest\nfrom unittest import skip, skipIf, SkipTest\nimport kv\n\nclass T(unittest.TestCase):\n    def test_loads(self):\n        self.assertEqual(kv.loads("a=1"), {"a": 1})\n';
  for (const [name, after] of [
    ['raise unittest.SkipTest', before.replace('    def test_loads(self):\n', '    def test_loads(self):\n        raise unittest.SkipTest("later")\n')],
    ['raise SkipTest', before.replace('    def test_loads(self):\n', '    def test_loads(self):\n        raise SkipTest("later")\n')],
    ['@skip after from-import', before.replace('    def test_loads', '    @skip("later")\n    def test_loads')],
    ['@skipIf after from-import', before.replace('    def test_loads', '    @skipIf(True, "later")\n    def test_loads')],
    ['@unittest.skipUnless', before.replace('    def test_loads', '    @unittest.skipUnless(False, "later")\n    def test_loads')],
    ['pytestmark = [pytest.mark.skip] (no call)', before.replace('import kv\n', 'import kv\nimport pytest\n\npytestmark = [pytest.mark.skip]\n')],
    ['__unittest_skip__ on the class', before.replace('    def test_loads', '    __unittest_skip__ = True\n\n    def test_loads')],
  ] as const) {
    test(`${name} is refused`, () => assert.match(weakenedTests([{ path: 'tests/test_kv.py', before, after }], () => true).map((o) => o.message).join(), /skip or single out/));
  }
});
