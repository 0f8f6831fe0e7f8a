import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** `npm init`'s placeholder test script, which only fails. */
const NPM_PLACEHOLDER = /no test specified/;

/**
 * Finds the project's test command from files at the repository root, in this order:
 * `package.json` `scripts.test` (not npm's placeholder) → `npm test`; a `Makefile` with a `test:` target →
 * `make test`; pytest (`pytest.ini`, `[tool.pytest…]` in `pyproject.toml`, `[tool:pytest]` in `setup.cfg`,
 * `conftest.py`, or a `tests/` folder holding `.py` files) → `python3 -m pytest -v` (`-v` names passing tests, so a
 * test the ticket breaks is seen), with `PYTHONPATH=src ` before it for a package under `src/` (see srcLayout);
 * `Cargo.toml` → `cargo test`;
 * `go.mod` → `go test ./...`. Returns undefined when none applies. Reads files only; runs nothing.
 */
export async function detectTestCommand(root: string): Promise<string | undefined> {
  const pkg = await readText(join(root, 'package.json'));
  if (pkg !== undefined && hasNpmTest(pkg)) return 'npm test';

  for (const name of ['Makefile', 'makefile', 'GNUmakefile']) {
    const make = await readText(join(root, name));
    if (make !== undefined && /^test\s*:/m.test(make)) return 'make test';
  }

  if (await usesPytest(root)) return `${(await srcLayout(root)) ? 'PYTHONPATH=src ' : ''}python3 -m pytest -v`;
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

/**
 * A package under `src/` (`src/<name>/__init__.py`): importable in a fresh checkout only with `src` on the path,
 * unless pytest's own `pythonpath` setting puts it there (then nothing is added).
 */
async function srcLayout(root: string): Promise<boolean> {
  const configs = await Promise.all(['pyproject.toml', 'pytest.ini', 'setup.cfg', 'tox.ini'].map((f) => readText(join(root, f))));
  if (configs.some((c) => c !== undefined && /^\s*pythonpath\s*=/m.test(c))) return false;
  try {
    const entries = await readdir(join(root, 'src'), { withFileTypes: true });
    for (const e of entries) if (e.isDirectory() && (await readText(join(root, 'src', e.name, '__init__.py'))) !== undefined) return true;
  } catch {
    // No src folder.
  }
  return false;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}
