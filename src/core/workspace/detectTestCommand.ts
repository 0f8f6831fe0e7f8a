import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `npm init`'s placeholder test script, which only fails. */
const NPM_PLACEHOLDER = /no test specified/;

/**
 * Finds the project's test command from files at the repository root, in this order:
 * `package.json` `scripts.test` (not npm's placeholder) → `npm test`; a `Makefile` with a `test:` target →
 * `make test`; pytest (`pytest.ini`, `[tool.pytest…]` in `pyproject.toml`, `[tool:pytest]` in `setup.cfg`,
 * `conftest.py`, or a `tests/` folder holding `.py` files) → `python3 -m pytest`; `Cargo.toml` → `cargo test`;
 * `go.mod` → `go test ./...`. Returns undefined when none applies. Reads files only; runs nothing.
 */
export async function detectTestCommand(root: string): Promise<string | undefined> {
  const pkg = await readText(join(root, 'package.json'));
  if (pkg !== undefined && hasNpmTest(pkg)) return 'npm test';

  for (const name of ['Makefile', 'makefile', 'GNUmakefile']) {
    const make = await readText(join(root, name));
    if (make !== undefined && /^test\s*:/m.test(make)) return 'make test';
  }

  if (await usesPytest(root)) return 'python3 -m pytest';
  if ((await readText(join(root, 'Cargo.toml'))) !== undefined) return 'cargo test';
  if ((await readText(join(root, 'go.mod'))) !== undefined) return 'go test ./...';
  return undefined;
}

function hasNpmTest(text: string): boolean {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || !('scripts' in parsed)) return false;
    const scripts = parsed.scripts;
    if (typeof scripts !== 'object' || scripts === null || !('test' in scripts)) return false;
    return typeof scripts.test === 'string' && scripts.test.trim() !== '' && !NPM_PLACEHOLDER.test(scripts.test);
  } catch {
    // A package.json that does not parse has no usable script.
    return false;
  }
}

async function usesPytest(root: string): Promise<boolean> {
  if ((await readText(join(root, 'pytest.ini'))) !== undefined) return true;
  if ((await readText(join(root, 'conftest.py'))) !== undefined) return true;
  if (/\[tool\.pytest|\bpytest\b/.test((await readText(join(root, 'pyproject.toml'))) ?? '')) return true;
  if (/\[tool:pytest\]/.test((await readText(join(root, 'setup.cfg'))) ?? '')) return true;
  try {
    const entries = await readdir(join(root, 'tests'));
    return entries.some((e) => e.endsWith('.py'));
  } catch {
    return false;
  }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
