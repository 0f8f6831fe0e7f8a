import assert from 'node:assert/strict';
import { PhaseId } from '../../src/core/pipeline/phaseId';
suite('smoke', () => { test('phase ids', () => assert.ok(PhaseId.options.includes('techSpec'))); });
