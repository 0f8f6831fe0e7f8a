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
 * Opens the edit file of the stuck phase, creating it with a skeleton of the phase's deliverable (from its
 * zod schema's JSON Schema) when it does not exist yet, so the person fills in fields rather than guessing them.
 */
export async function openDeliverableEdit(storage: vscode.Uri, run: RunState): Promise<vscode.Uri> {
  const phase = stuckPhase(run);
  const uri = editFileUri(storage, run.ticket.id, phase);
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    const skeleton = skeletonOf(z.toJSONSchema(schemaForPhase(phase).schema, { unrepresentable: 'any' }));
    await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(storage, 'edits'));
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(JSON.stringify(skeleton, null, 2) + '\n'));
  }
  await vscode.window.showTextDocument(uri, { preview: false });
  return uri;
}

/** Reads the person's edited deliverable. @throws Error when the file is missing or not JSON */
export async function readDeliverableEdit(storage: vscode.Uri, run: RunState): Promise<unknown> {
  const uri = editFileUri(storage, run.ticket.id, stuckPhase(run));
  const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (doc?.isDirty) await doc.save();
  const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`the edited deliverable is not JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
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
