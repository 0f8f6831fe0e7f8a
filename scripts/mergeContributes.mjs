// Merges scripts/package-contributes.json into a package.json object: replaces `activationEvents`,
// `contributes` and `capabilities`, and adds/overwrites the named `scripts` entries. Nothing else is touched.
// Used by the integration harness (to stage the extension before the lead's merge) and, when asked, by
// `node scripts/mergeContributes.mjs --write` to write package.json itself.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * @param {Record<string, unknown>} pkg  a parsed package.json (not modified)
 * @param {{activationEvents?: string[], contributes?: object, capabilities?: object, scripts?: Record<string,string>}} extra
 * @returns {Record<string, unknown>} a new package.json object
 */
export function mergeContributes(pkg, extra) {
  const out = { ...pkg };
  for (const key of ['activationEvents', 'contributes', 'capabilities']) {
    if (extra[key] !== undefined) out[key] = extra[key];
  }
  if (extra.scripts) out.scripts = { ...(/** @type {object} */ (pkg.scripts) ?? {}), ...extra.scripts };
  return out;
}

/** The merged manifest of this repository. */
export function mergedManifest() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const extra = JSON.parse(readFileSync(join(root, 'scripts', 'package-contributes.json'), 'utf8'));
  return mergeContributes(pkg, extra);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  writeFileSync(join(root, 'package.json'), JSON.stringify(mergedManifest(), null, 2) + '\n');
  console.log('package.json: merged scripts/package-contributes.json');
}
