import { GitCommandError, type GitClient } from './gitClient';

/** One answer of `git cat-file --batch`: the blob's bytes, or why there are none (`missing`, or the object's type). */
type BatchAnswer = { bytes: Buffer } | { why: string };

/**
 * Asks one `git cat-file --batch` for `names` (`<rev>:<path>`, `:<path>` for the index); a name holding a newline
 * cannot be written to `--batch` (it reads one name per line) and is asked of `git cat-file blob` on its own.
 * Output format (git-cat-file(1), BATCH OUTPUT): `<oid> <type> <size>\n<contents>\n` per object, or
 * `<name> missing\n` / `<name> ambiguous\n`.
 */
async function ask(git: GitClient, names: readonly string[]): Promise<BatchAnswer[]> {
  const batched = names.filter((n) => !n.includes('\n'));
  const out = batched.length === 0 ? Buffer.alloc(0) : await git.rawWithInput(['cat-file', '--batch'], batched.map((n) => `${n}\n`).join(''));
  const found = new Map<string, BatchAnswer>();
  let at = 0;
  for (const name of batched) {
    const eol = out.indexOf(0x0a, at);
    const header = out.subarray(at, eol === -1 ? out.length : eol).toString('utf8');
    const [, type, size] = /^\S+ (\S+) (\d+)$/.exec(header) ?? [];
    if (eol === -1) throw new GitCommandError(`git cat-file --batch gave no answer for ${name}`, ['cat-file', '--batch'], undefined);
    if (type === undefined || size === undefined) {
      found.set(name, { why: header.slice(header.lastIndexOf(' ') + 1) });
      at = eol + 1;
      continue;
    }
    at = eol + 1 + Number(size) + 1; // the contents, then a newline
    found.set(name, type === 'blob' ? { bytes: out.subarray(eol + 1, eol + 1 + Number(size)) } : { why: `a ${type}, not a blob` });
  }
  return Promise.all(names.map(async (n) => found.get(n) ?? git.binaryCatFile(['blob', n]).then((bytes) => ({ bytes }), (e: unknown) => ({ why: e instanceof Error ? e.message : String(e) }))));
}

/**
 * The bytes of several blobs, in the order asked, from one git process instead of one `git cat-file blob` each:
 * the review and the approval list read every changed file of the branch, and a process costs the engine
 * ~2.5 ms of its own CPU to start.
 * @throws GitCommandError when a name is missing or not a blob, as `git cat-file blob <name>` fails
 */
export async function readBlobs(git: GitClient, names: readonly string[]): Promise<Buffer[]> {
  return (await ask(git, names)).map((a, i) => {
    if ('bytes' in a) return a.bytes;
    throw new GitCommandError(`git cat-file --batch: ${names[i]}: ${a.why}`, ['cat-file', '--batch'], undefined);
  });
}

/**
 * {@link readBlobs} where a missing name or a non-blob is `undefined` instead of an error (a file new since the
 * commit, a path not in the index). When git itself fails, every answer is `undefined`.
 */
export async function readBlobsIfPresent(git: GitClient, names: readonly string[]): Promise<(Buffer | undefined)[]> {
  const answers = await ask(git, names).catch(() => names.map((): BatchAnswer => ({ why: 'git failed' })));
  return answers.map((a) => ('bytes' in a ? a.bytes : undefined));
}
