/**
 * The harness against third-party iterators: for each subject of the corpus, every
 * invariant the table says it breaks is found under the fixed seed, and every other one
 * holds. A change to the harness that adds noise, or loses a real finding, fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ContractError, INVARIANTS } from 'iterscope/testing';
import { corpus, keyOf } from './corpus.js';
import { runOn } from './verdict.js';
import { beyond, verdicts } from './verdicts.js';

const reproText = (file: string): string => readFileSync(new URL(`./repro/${file}`, import.meta.url), 'utf8');

describe('the table of verdicts', () => {
  it('has one entry per subject of the corpus', () => {
    expect(Object.keys(verdicts).sort()).toEqual(corpus.map(keyOf).sort());
  });

  it('links every finding to a reproduction that exists', () => {
    const all = [...Object.entries(verdicts).flatMap(([key, findings]) => findings.map((f) => [key, f] as const)), ...beyond.map((b) => [b.key, b] as const)];
    for (const [key, { repro }] of all) {
      // A test of an `it.each` table is written with `%s` for the operator.
      const written = [repro.test, repro.test.replace(/^[^,]+, /, '%s, ')];
      expect(written.some((name) => reproText(repro.file).includes(name)), `${key}: ${repro.file} > ${repro.test}`).toBe(true);
    }
  });
});

describe('each subject gets its verdict', { timeout: 60_000 }, () => {
  for (const entry of corpus) {
    const key = keyOf(entry);
    const broken = [...new Set((verdicts[key] ?? []).map((f) => f.invariant))];
    it(`${key}: ${broken.length === 0 ? 'keeps the contract' : `breaks ${broken.join(', ')}`}`, async () => {
      const rest = INVARIANTS.filter((name) => !broken.includes(name));
      const passing = await runOn(entry, rest);
      expect(passing instanceof ContractError ? passing.message : '', `${key} breaks an invariant the table says it keeps`).toBe('');
      // iterscope's own stages pass with nothing excused.
      if (entry.library === 'iterscope' && !(passing instanceof ContractError)) expect(passing.known).toEqual({});
      for (const invariant of broken) {
        const outcome = await runOn(entry, [invariant]);
        const found = outcome instanceof ContractError ? outcome.violations.map((v) => v.invariant) : [];
        expect(found, `${key} should break ${invariant}`).toContain(invariant);
      }
    });
  }
});
