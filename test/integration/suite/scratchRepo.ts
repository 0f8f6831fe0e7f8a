import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
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

/** Every file under `dir` (relative path → text), e.g. a fixture to copy into a scratch repository. */
export function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[relative(dir, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}
