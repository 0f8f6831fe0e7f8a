import * as vscode from 'vscode';
import { z } from 'zod';
import { schemaForPhase } from '../core/engine/schemaForPhase';
import type { PhaseId } from '../core/pipeline/phaseId';
import type { RunState } from '../core/pipeline/runState';

/**
 * Where a person edits the deliverable of a stuck phase: a JSON file in the extension's global storage (not in
 * the worktree, whose changes the engine commits), `edits/<ticket>-<phase>.json`.
 */
export function editFileUri(storage: vscode.Uri, ticketId: string, phase: PhaseId): vscode.Uri {
  return vscode.Uri.joinPath(storage, 'edits', `${ticketId}-${phase}.json`);
}

/** The phase a needs-human ticket is stuck at. @throws Error when the ticket is not waiting for a person */
export function stuckPhase(run: RunState): PhaseId {
  const phase = run.handoff?.phase ?? run.phases.find((p) => p.status === 'failed')?.phase;
  if (run.state !== 'needs-human' || !phase) throw new Error(`ticket ${run.ticket.id} is not waiting for a person (state ${run.state})`);
  return phase;
}

/**
 * Opens the edit file of the stuck phase. When it does not exist yet it is created from the last attempt's
 * deliverable (the model's draft the validator objected to), else from a skeleton of the phase's schema; it
 * names a JSON Schema file beside it (`"$schema"`), so the JSON editor completes fields and marks mistakes.
 */
export async function openDeliverableEdit(storage: vscode.Uri, run: RunState): Promise<vscode.Uri> {
  const phase = stuckPhase(run);
  const uri = editFileUri(storage, run.ticket.id, phase);
  const jsonSchema = z.toJSONSchema(schemaForPhase(phase).schema, { unrepresentable: 'any' });
  const schemaUri = vscode.Uri.joinPath(storage, 'edits', `${phase}.schema.json`);
  await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(storage, 'edits'));
  await vscode.workspace.fs.writeFile(schemaUri, new TextEncoder().encode(JSON.stringify(jsonSchema, null, 2)));
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    const draft = [...(run.phases.find((p) => p.phase === phase)?.attempts ?? [])].reverse().find((a) => a.draft !== undefined)?.draft;
    const start = draft !== undefined && typeof draft === 'object' && draft !== null ? draft : skeletonOf(jsonSchema);
    const content = { $schema: `./${phase}.schema.json`, ...(start as Record<string, unknown>) }; // objects only: both branches above
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(content, null, 2) + '\n'));
  }
  await vscode.window.showTextDocument(uri, { preview: false });
  return uri;
}

/** Where a deliverable misses its schema, for people: "acceptanceCriteria: add at least one". */
export interface EditProblem {
  path: string;
  message: string;
}

/**
 * Checks an edited deliverable against its phase's schema (the same check the engine makes) and says what is
 * wrong per field, in words. Returns the problems (empty when it fits).
 */
export function checkDeliverableEdit(phase: PhaseId, value: unknown): EditProblem[] {
  const r = schemaForPhase(phase).schema.safeParse(value);
  if (r.success) return [];
  return r.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(the whole file)', message: plainIssue(i) }));
}

/** A zod issue in words. */
function plainIssue(i: z.core.$ZodIssue): string {
  if (i.code === 'too_small') return i.origin === 'array' ? `add at least ${String(i.minimum)}` : i.origin === 'string' ? 'must not be empty' : `must be at least ${String(i.minimum)}`;
  if (i.code === 'invalid_type') return `should be ${i.expected}`;
  return i.message;
}

/**
 * Shows problems as diagnostics in the edit file, each on the line of its field's key (the person sees them in
 * place, with red squiggles, and in the Problems view).
 */
export function showEditProblems(collection: vscode.DiagnosticCollection, doc: vscode.TextDocument, problems: EditProblem[]): void {
  const text = doc.getText();
  collection.set(doc.uri, problems.map((p) => {
    const key = p.path.split('.').filter((k) => !/^\d+$/.test(k)).pop() ?? '';
    const at = key ? text.indexOf(`"${key}"`) : -1;
    const pos = doc.positionAt(Math.max(0, at));
    const range = new vscode.Range(pos, pos.translate(0, key ? key.length + 2 : 1));
    return new vscode.Diagnostic(range, `${p.path}: ${p.message}`, vscode.DiagnosticSeverity.Error);
  }));
}

/** Reads the person's edited deliverable (without its `$schema`). @throws Error when the file is missing or not JSON */
export async function readDeliverableEdit(storage: vscode.Uri, run: RunState): Promise<unknown> {
  const uri = editFileUri(storage, run.ticket.id, stuckPhase(run));
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === uri.fsPath);
  // What the person sees is what counts: the open document's text (saved too), else the file.
  const text = doc ? doc.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  if (doc?.isDirty) await doc.save();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new Error(`the edited deliverable is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (typeof json === 'object' && json !== null && '$schema' in json) {
    const { $schema: _schema, ...rest } = json as Record<string, unknown>; // checked: an object with $schema
    return rest;
  }
  return json;
}

/** An empty value of a JSON Schema: objects with every property, empty strings and lists, zero numbers. */
function skeletonOf(schema: unknown): unknown {
  if (typeof schema !== 'object' || schema === null) return null;
  const s = schema as { type?: unknown; properties?: Record<string, unknown>; enum?: unknown[]; anyOf?: unknown[] }; // JSON Schema is untyped JSON
  if (s.enum?.length) return s.enum[0];
  if (s.anyOf?.length) return skeletonOf(s.anyOf[0]);
  switch (s.type) {
    case 'object':
      return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, skeletonOf(v)]));
    case 'array':
      return [];
    case 'string':
      return '';
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    default:
      return null;
  }
}
