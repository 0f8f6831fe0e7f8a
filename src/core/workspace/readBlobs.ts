import { GitCommandError, type GitClient } from './gitClient';

/**
 * The bytes of several blobs (`<commit>:<path>` names), in the order asked, from one `git cat-file --batch`
 * instead of one `git cat-file blob` each: the review and the approval list read every changed file of the
 * branch, and a process costs the engine ~2.5 ms of its own CPU to start. A name holding a newline cannot be
 * written to `--batch` (it reads one name per line) and is read on its own.
 * Output format (git-cat-file(1), BATCH OUTPUT): `<oid> <type> <size>\n<contents>\n` per object, or
 * `<name> missing\n` / `<name> ambiguous\n`.
 * @throws GitCommandError when a name is missing or not a blob, as `git cat-file blob <name>` fails
 */
export async function readBlobs(git: GitClient, names: readonly string[]): Promise<Buffer[]> {
  const batched = names.filter((n) => !n.includes('\n'));
  const out = batched.length === 0 ? Buffer.alloc(0) : await git.rawWithInput(['cat-file', '--batch'], batched.map((n) => `${n}\n`).join(''));
  const found = new Map<string, Buffer>();
  let at = 0;
  for (const name of batched) {
    const eol = out.indexOf(0x0a, at);
    const header = out.subarray(at, eol === -1 ? out.length : eol).toString('utf8');
    const [, type, size] = /^\S+ (\S+) (\d+)$/.exec(header) ?? [];
    if (eol === -1 || type === undefined || size === undefined) throw new GitCommandError(`git cat-file --batch: ${name}: ${header || 'no answer'}`, ['cat-file', '--batch'], undefined);
    at = eol + 1 + Number(size) + 1; // the contents, then a newline
    if (type !== 'blob') throw new GitCommandError(`git cat-file --batch: ${name} is a ${type}, not a blob`, ['cat-file', '--batch'], undefined);
    found.set(name, out.subarray(eol + 1, eol + 1 + Number(size)));
  }
  return Promise.all(names.map(async (n) => found.get(n) ?? git.binaryCatFile(['blob', n])));
}
