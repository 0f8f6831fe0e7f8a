// One build script for everything Shipwright ships and tests:
//   dist/extension.js  the VS Code extension host entry (CommonJS, 'vscode' external)
//   dist/cli.js        the headless `shipwright` command
//   dist/webview.js    the sidebar panel, for the browser
//   out/test/**, out/bench/**  (with --tests) mocha suites, integration harness and benchmarks
// Flags: --watch, --production (minify, no source maps), --tests.
// Prompts are inlined with the text loader so they can never be left out of the VSIX.
import * as esbuild from 'esbuild';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const tests = args.has('--tests');
// --only=GLOB builds just those test/bench files (and nothing of dist/): handy while one suite is worked on.
const only = process.argv.slice(2).find((a) => a.startsWith('--only='))?.slice('--only='.length);

/** Options every Node-side bundle shares. */
const node = /** @satisfies {esbuild.BuildOptions} */ ({
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: !production,
  minify: production,
  loader: { '.md': 'text' },
  logLevel: 'warning',
});

/** @type {esbuild.BuildOptions[]} */
const builds = [
  { ...node, entryPoints: ['src/vscode/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  {
    bundle: true,
    platform: 'browser',
    target: 'es2022',
    format: 'iife',
    sourcemap: !production,
    minify: production,
    entryPoints: ['webview-ui/main.ts'],
    outfile: 'dist/webview.js',
    logLevel: 'warning',
  },
];

if (only) builds.length = 0;
if (tests || only) {
  builds.push({
    ...node,
    // Test bundles keep npm packages external: they resolve from node_modules at run time,
    // so the real clients (ollama, @anthropic-ai/sdk) are the ones under test.
    packages: 'external',
    external: ['vscode'],
    entryPoints: only ? [only] : ['test/**/*.ts', 'bench/**/*.ts'],
    outbase: '.',
    outdir: 'out',
  });
}

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('esbuild: watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
