import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { projectRoot } from '../test/fixtures/fixtureRepo';

/** A generated git repository in a temp folder: the calculator fixture plus `files` generated files. */
export interface GeneratedRepo {
  /** The repository's working tree (canonical). */
  dir: string;
  /** Tracked files in all. */
  files: number;
  cleanup(): void;
}

const WORDS = ['parse', 'render', 'cache', 'route', 'token', 'stream', 'buffer', 'config', 'plugin', 'module', 'format', 'resolve', 'watch', 'build', 'scope', 'node'];

/** A TypeScript module with `n` exported symbols, about 60 bytes per symbol. */
function moduleText(seed: number, n: number): string {
  const lines: string[] = ["import { join } from 'node:path';", ''];
  for (let i = 0; i < n; i++) {
    const w = `${WORDS[(seed + i) % WORDS.length]}${WORDS[(seed * 7 + i * 3) % WORDS.length].replace(/^./, (c) => c.toUpperCase())}${i}`;
    if (i % 3 === 0) lines.push(`export function ${w}(input: string): string {`, `  return join(input, '${w}');`, '}', '');
    else if (i % 3 === 1) lines.push(`export class ${w[0].toUpperCase()}${w.slice(1)} {`, `  readonly name = '${w}';`, '}', '');
    else lines.push(`export const ${w} = ${seed + i};`, '');
  }
  return lines.join('\n');
}

/**
 * Makes a repository shaped like a real one, for `npm run bench`: the calculator fixture (so the scripted model's
 * ticket runs on it, with `node --test test/` as the test command) and `files − 4` generated files in folders of
 * 50: TypeScript modules with 2–12 exported symbols, some markdown and JSON, one PNG per 500 files, one
 * "generated" module per 1,000 files with 400 symbols (vite's utils.ts and babel's generated index.ts are the
 * real-world shape: a few files whose symbol lists fill a fixed budget), and one old `.shipwright/` deliverable.
 */
export function makeGeneratedRepo(files: number): GeneratedRepo {
  const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'shipwright-bench-')));
  const dir = join(tmp, `repo${files}`);
  cpSync(join(projectRoot(), 'test', 'fixtures', 'calculator'), dir, { recursive: true });
  const put = (path: string, text: string | Buffer): void => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  put('.shipwright/subtract-in-the-calculator/01-discovery.md', '# Functional spec\n\nAn earlier ticket of this repository: the calculator and its subtract function.\n');
  let made = 5; // the fixture's four files and the old deliverable
  for (let i = 0; made < files; i++, made++) {
    const folder = `packages/pkg${Math.floor(i / 50)}/src`;
    if (i % 1000 === 999) put(`${folder}/generated${i}.ts`, moduleText(i, 400));
    else if (i % 500 === 250) put(`${folder}/logo${i}.png`, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2_000, i % 251)]));
    else if (i % 25 === 7) put(`${folder}/README${i}.md`, `# Package ${i}\n\nNotes about ${WORDS[i % WORDS.length]} handling.\n`);
    else if (i % 25 === 13) put(`${folder}/config${i}.json`, JSON.stringify({ name: `pkg${i}`, version: '1.0.0' }, null, 2));
    else put(`${folder}/${WORDS[i % WORDS.length]}${i}.ts`, moduleText(i, 2 + (i % 11)));
  }
  const env = { ...process.env, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', HOME: tmp, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 2 ** 20 });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'bench');
  git('config', 'user.email', 'bench@example.com');
  git('add', '-A');
  git('commit', '-qm', 'generated');
  return { dir, files: made, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}
