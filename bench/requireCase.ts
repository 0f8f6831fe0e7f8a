// Require time of a built bundle in a fresh process: `node out/bench/requireCase.js dist/extension.js`.
// The extension's `vscode` module exists only in the extension host, so a stub stands in for it here: loading
// the bundle reads names from it but calls nothing until activation. Prints one JSON line.
import Module, { createRequire } from 'node:module';
import { resolve } from 'node:path';

/** A value that is every property and every call of itself (enough for a bundle's top-level reads). */
const stub: unknown = new Proxy(function vscodeStub() {}, {
  get: (_t, key) => (key === '__esModule' ? false : key === Symbol.toPrimitive ? () => '' : stub),
  apply: () => stub,
  construct: () => stub as object, // the Proxy's target is a function, so it is an object
});

// Module._load is Node's CommonJS loader entry (lib/internal/modules/cjs/loader.js); not in @types/node.
const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
const load = loader._load;
loader._load = function (this: unknown, request: string, ...rest: unknown[]) {
  return request === 'vscode' ? stub : load.call(this, request, ...rest);
};

const target = resolve(process.argv[2] ?? 'dist/extension.js');
const rss0 = process.memoryUsage().rss;
const t0 = performance.now();
createRequire(__filename)(target);
const ms = performance.now() - t0;
console.log(JSON.stringify({ target: process.argv[2], ms: Math.round(ms), rssMb: Math.round(process.memoryUsage().rss / 2 ** 20), addedRssMb: Math.round((process.memoryUsage().rss - rss0) / 2 ** 20) }));
