import assert from 'node:assert/strict';
import { PhaseId } from '../../src/core/pipeline/phaseId';
import { routeFor, validatedAgainst } from '../../src/core/ticket/route';
import { TicketKind } from '../../src/core/ticket/ticket';

suite('route', () => {
  test('each kind has its route', () => {
    assert.deepEqual(routeFor('feature'), ['discovery', 'techSpec', 'planning', 'implementation', 'review']);
    assert.deepEqual(routeFor('hotfix'), ['diagnosis', 'implementation', 'review']);
    assert.deepEqual(routeFor('epic'), ['discovery', 'techSpec', 'split']);
  });

  test('a returned route can be changed without changing the next one', () => {
    routeFor('feature').pop();
    assert.equal(routeFor('feature').length, 5);
  });

  test('validation inputs', () => {
    assert.equal(validatedAgainst('discovery', 'feature'), 'ticket');
    assert.equal(validatedAgainst('diagnosis', 'hotfix'), 'ticket');
    assert.equal(validatedAgainst('techSpec', 'epic'), 'discovery');
    assert.equal(validatedAgainst('planning', 'feature'), 'techSpec');
    assert.equal(validatedAgainst('split', 'epic'), 'techSpec');
    assert.equal(validatedAgainst('implementation', 'feature'), 'planning');
    assert.equal(validatedAgainst('implementation', 'hotfix'), 'diagnosis');
    assert.equal(validatedAgainst('ciFix', 'hotfix'), 'diagnosis');
    assert.equal(validatedAgainst('review', 'feature'), 'implementation');
  });

  test('every phase of a route is validated against the ticket or an earlier phase of the same route', () => {
    for (const kind of TicketKind.options) {
      const route = routeFor(kind);
      route.forEach((phase, i) => {
        const against = validatedAgainst(phase, kind);
        assert.ok(against === 'ticket' || route.slice(0, i).includes(against), `${kind}: ${phase} is checked against ${against}`);
      });
    }
  });

  test('every route uses known phases', () => {
    for (const kind of TicketKind.options) for (const phase of routeFor(kind)) assert.ok(PhaseId.options.includes(phase));
  });
});
