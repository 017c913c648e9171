/**
 * The harness against third-party iterators: for each subject of the corpus, every
 * invariant the table says it breaks is found under the fixed seed, and every other one
 * holds. A change to the harness that adds noise, or loses a real finding, fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkContract, checkScenario, ContractError, type ContractSummary } from 'iterscope/testing';
import { corpus, keyOf } from './corpus.js';
import { excusedAs, optionsOf, runExcusing } from './verdict.js';
import { withUnhandledSetAside } from './contain.js';
import { beyond, findingsHere, noise, verdicts } from './verdicts.js';

const reproText = (file: string): string => readFileSync(new URL(`./repro/${file}`, import.meta.url), 'utf8');

describe('the table of verdicts', () => {
  it('has one entry per subject of the corpus', () => {
    expect(Object.keys(verdicts).sort()).toEqual(corpus.map(keyOf).sort());
    for (const key of Object.keys(noise)) expect(Object.keys(verdicts)).toContain(key);
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

describe('the noise in the table', { timeout: 60_000 }, () => {
  it('is reported where its replay says', async () => {
    for (const [key, entries] of Object.entries(noise)) {
      const entry = corpus.find((e) => keyOf(e) === key)!;
      for (const { invariant, replay } of entries) {
        const error = await checkContract(entry.subject, { ...optionsOf(entry, [invariant]), ...replay }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error instanceof ContractError ? error.violations.map((v) => v.invariant) : [], `${key} ${invariant}`).toContain(invariant);
      }
    }
  });
});

describe('each subject gets its verdict', { timeout: 60_000 }, () => {
  for (const entry of corpus) {
    const key = keyOf(entry);
    const findings = findingsHere(key);
    const broken = [...new Set(findings.map((f) => f.invariant))];
    const missed = findings.filter((f) => f.missed !== undefined);
    // The harness's noise is reported too, until the harness is fixed (then this fails: update the table).
    const reported = [...new Set([...broken, ...(noise[key] ?? []).map((n) => n.invariant)])].filter((name) => !missed.some((f) => f.invariant === name));
    // A library that leaves rejections unhandled (a finding of its own) would fail this file
    // through test/setup/unhandled.ts: set aside for it alone; the harness still sees them.
    const contain = broken.includes('no-unhandled-rejection') ? withUnhandledSetAside : <T>(run: () => Promise<T>): Promise<T> => run();
    it(`${key}: ${broken.length === 0 ? 'keeps the contract' : `breaks ${broken.join(', ')}`}`, () => contain(async () => {
      // Every invariant is checked; those the table reports are counted instead of failing the run.
      const outcome = await runExcusing(entry, reported);
      expect(outcome instanceof ContractError ? outcome.message : '', `${key} breaks an invariant the table says it keeps, or one the table says the fixed-seed run misses (then update the table)`).toBe('');
      const { known } = outcome as ContractSummary;
      for (const invariant of reported) expect(known[excusedAs(invariant)] ?? 0, `${key} should be reported for ${invariant}`).toBeGreaterThan(0);
      // iterscope's own stages pass with nothing excused.
      if (entry.library === 'iterscope') expect(known).toEqual({});
      // A finding the fixed-seed run misses is not excused above, so that run kept it (when
      // it is found, update the table)... and the scenario written for it finds it.
      for (const { invariant, missed: scenario } of missed) {
        const violations = await checkScenario(entry.subject, scenario!, optionsOf(entry, [invariant]));
        expect(violations.map((v) => v.invariant)).toContain(invariant);
      }
    }));
  }
});
