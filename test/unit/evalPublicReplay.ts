import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { FakeReply, FakeRequest, Responder } from '../fakes/fakeScript';

/**
 * A stand-in model for the public suite (test/fixtures/eval/public-js.suite.json), to produce its report here
 * without a real model. The strong model replays each upstream fix (the file as the fixing commit left it); the
 * weak model (`weakModel`) writes a plausible partial fix for two instances — one that passes the test it wrote
 * itself but not the project's own test that the fix commit added (the hidden check). Everything it answers
 * comes from the request (which instance, which step) and the mirrored upstream repositories; it never reads
 * the suite's test patches.
 */
interface Replay {
  /** Words of the ticket's title that identify the instance in a request. */
  key: string;
  mirror: string;
  fixCommit: string;
  file: string;
  suspect: string;
  rootCause: string;
  /** The test the model writes first (mocha, CommonJS); it fails before the fix and passes after it. */
  ownTest: { path: string; content: string };
  /** The weak model's partial fix: one search/replace on the base file. */
  weak?: { search: string; replace: string };
}

const mochaTest = (req: string, body: string) => `'use strict'\nvar assert = require('assert')\nvar subject = require('${req}')\n\ndescribe('shipwright repro', function () {\n  it('reproduces the ticket', function () {\n${body}\n  })\n})\n`;

const REPLAYS: Replay[] = [
  {
    key: 'returns NaN for a string it cannot parse', mirror: 'visionmedia+bytes.js', fixCommit: '581b2b5', file: 'index.js', suspect: 'index.js',
    rootCause: 'parse() multiplies parseFloat of an unmatched string (NaN) without checking it',
    ownTest: { path: 'test/shipwright-parse-nan.js', content: mochaTest('..', "    assert.strictEqual(subject.parse('foobar'), null)") },
  },
  {
    key: 'thousandsSeparator is applied to the fractional part', mirror: 'visionmedia+bytes.js', fixCommit: 'db70acb', file: 'index.js', suspect: 'index.js',
    rootCause: 'format() runs the thousands regular expression over the whole number string, decimals included',
    ownTest: { path: 'test/shipwright-thousands.js', content: mochaTest('..', "    assert.strictEqual(subject.format(1.1005 * 1024, { decimalPlaces: 4, thousandsSeparator: ',' }), '1.1005KB')") },
    weak: { search: '  if (thousandsSeparator) {', replace: "  if (thousandsSeparator && str.indexOf('.') === -1) {" },
  },
  {
    key: 'non-numeric start or end byte position', mirror: 'jshttp+range-parser', fixCommit: '269cb4e', file: 'index.js', suspect: 'index.js',
    rootCause: 'a NaN start is taken as a suffix range and a NaN end as an open range, without checking the text was empty',
    ownTest: { path: 'test/shipwright-positions.js', content: mochaTest('..', "    assert.strictEqual(subject(200, 'bytes=x-100'), -2)\n    assert.strictEqual(subject(200, 'bytes=100-x'), -2)") },
  },
  {
    key: 'One malformed range makes a whole multi-range header malformed', mirror: 'jshttp+range-parser', fixCommit: 'b49e00f', file: 'index.js', suspect: 'index.js',
    rootCause: 'the loop over ranges returns -2 at the first malformed range instead of skipping it',
    ownTest: { path: 'test/shipwright-multiple.js', content: mochaTest('..', "    var r = subject(200, 'bytes=0-1,100200')\n    assert.strictEqual(r.length, 1)\n    assert.strictEqual(r[0].start, 0)") },
    weak: { search: '    if (indexOf === -1) {\n      return -2\n    }', replace: '    if (indexOf === -1) {\n      continue\n    }' },
  },
  {
    key: 'serialize accepts cookie names and values that RFC 6265 forbids', mirror: 'jshttp+cookie', fixCommit: 'e100428', file: 'index.js', suspect: 'index.js',
    rootCause: 'the name and value checks use a field-content pattern that allows spaces, not the RFC 6265 token and cookie-octet grammar',
    ownTest: { path: 'test/shipwright-names.js', content: mochaTest('..', "    assert.throws(function () { subject.serialize('foo bar', 'x') }, /argument name is invalid/)") },
  },
];

/** The replay responder. `mirrorDir` holds `<owner>+<name>/repo` git folders (as `fetch` brings them). */
export function publicSuiteReplay(opts: { mirrorDir: string; weakModel: string }): Responder {
  const fixed = new Map(REPLAYS.map((r) => [r.key, execFileSync('git', ['-C', join(opts.mirrorDir, r.mirror, 'repo'), 'show', `${r.fixCommit}:${r.file}`], { encoding: 'utf8' })]));
  return (req: FakeRequest): FakeReply => {
    // The validator and the reviewer accept (the hidden checks, not they, judge the fix).
    if (req.schemaName === 'Verdict') return { json: { pass: true, objections: [] } };
    if (req.schemaName === 'ReviewReport') return { json: { decision: 'approve', summary: 'The change fixes the reported behaviour and the test covers it.', findings: [] } };
    const text = `${req.system}\n${req.messages.map((m) => m.content).join('\n')}`;
    const r = REPLAYS.find((x) => text.includes(x.key));
    if (!r) return { status: 400, message: 'the replay model does not know this ticket' };
    switch (req.schemaName) {
      case 'Diagnosis':
        return { json: { symptom: r.key, rootCause: r.rootCause, suspectFiles: [r.suspect], reproTest: { path: r.ownTest.path, description: `fails before the fix: ${r.key}` }, fix: `change ${r.file} so that ${r.rootCause} no longer holds` } };
      case 'FileEdits':
        if (/test-writing step/i.test(req.system)) return { json: { explanation: 'a failing test first', needFiles: [], edits: [{ kind: 'write', path: r.ownTest.path, content: r.ownTest.content }] } };
        if (r.weak && req.model === opts.weakModel) return { json: { explanation: 'the smallest change', needFiles: [], edits: [{ kind: 'replace', path: r.file, search: r.weak.search, replace: r.weak.replace }] } };
        return { json: { explanation: 'the fix', needFiles: [], edits: [{ kind: 'write', path: r.file, content: fixed.get(r.key) }] } };
      default:
        return { status: 400, message: `the replay model does not answer ${req.schemaName ?? '(no schema)'}` };
    }
  };
}
