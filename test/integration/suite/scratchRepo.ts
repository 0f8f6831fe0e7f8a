import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { git } from '../../fixtures/fixtureRepo';

/** A real git repository in a fresh temp folder holding `files` (relative path → text) in one commit. */
export function scratchRepo(files: Record<string, string>): { dir: string; git(...args: string[]): string; cleanup(): void } {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'shipwright-host-')));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'initial');
  return { dir, git: (...args) => git(dir, ...args), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
