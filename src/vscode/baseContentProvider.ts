import * as vscode from 'vscode';
import { gitClient } from '../core/workspace/gitClient';

/** The URI scheme of a file's content at a ticket's base commit (the left side of its diff). */
export const BASE_SCHEME = 'shipwright-base';

/** Where a base-side document comes from: the repository (a worktree path) and the commit; `ref` '' is empty. */
interface BaseQuery {
  repo: string;
  ref: string;
}

/** The base-side URI of `path` (relative to the repository root) at `ref` in the repository at `repo`. */
export function baseUri(repo: string, ref: string, path: string): vscode.Uri {
  const query: BaseQuery = { repo, ref };
  return vscode.Uri.from({ scheme: BASE_SCHEME, path: `/${path}`, query: JSON.stringify(query) });
}

/**
 * Serves `git show <ref>:<path>` for `shipwright-base:` URIs: read-only documents, so the diff editor shows the
 * base on the left and the ticket's worktree file (editable) on the right. An empty `ref` (an added file's
 * base) serves an empty document. The query is parsed defensively: a URI can be typed by anyone.
 */
export class BaseContentProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    let q: BaseQuery;
    try {
      const v: unknown = JSON.parse(uri.query);
      if (typeof v !== 'object' || v === null || !('repo' in v) || !('ref' in v) || typeof v.repo !== 'string' || typeof v.ref !== 'string') throw new Error('bad shape');
      q = { repo: v.repo, ref: v.ref };
    } catch {
      throw new Error(`not a Shipwright base URI: ${uri.toString()}`);
    }
    if (q.ref === '') return '';
    if (!/^[0-9a-f]{7,64}$/i.test(q.ref)) throw new Error(`not a commit id: ${q.ref}`);
    const path = uri.path.replace(/^\//, '');
    return gitClient(q.repo).show([`${q.ref}:${path}`]);
  }
}
