import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { gitClient, splitNul } from './gitClient';

/**
 * Deletes the Python bytecode files (`*.pyc`, `*.pyo`) of a worktree that git does not track and that sit outside
 * a `__pycache__` folder and outside `brought` (what Shipwright copied in, read-only to test runs anyway). Such a
 * "sourceless" file is imported like a module of its name (a root `unittest.pyc` is `import unittest`), so one that
 * code under test wrote in an earlier run would judge every later run while no diff shows it. (Bytecode in
 * `__pycache__` is not read in the sandbox: PYTHONPYCACHEPREFIX, see sandboxEnv.) One git process.
 * Source for sourceless imports: https://docs.python.org/3/reference/import.html#cached-bytecode-invalidation and
 * importlib.machinery.SourcelessFileLoader.
 * @returns the deleted paths, worktree-relative
 * @throws GitCommandError when git cannot list the worktree's files
 */
export async function removeSourcelessBytecode(worktreePath: string, brought: readonly string[]): Promise<string[]> {
  const specs = [':(glob)**/*.pyc', ':(glob)**/*.pyo', ...brought.map((b) => `:(exclude,literal)${b}`)];
  const found = splitNul(await gitClient(worktreePath).raw(['ls-files', '-z', '--others', '--', ...specs]));
  const sourceless = found.filter((p) => !p.split('/').includes('__pycache__'));
  for (const p of sourceless) await unlink(join(worktreePath, p)).catch(() => undefined);
  return sourceless;
}
