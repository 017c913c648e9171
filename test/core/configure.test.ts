import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { aclosing, configure, type Configuration } from 'iterscope';
import { probe, recordReports } from '../helpers/probe.js';

// configure() changes the process-wide defaults and hands back what they were, so a caller
// can put them back.

let saved: Required<Configuration>;
let recorded: ReturnType<typeof recordReports>;
beforeEach(() => {
  saved = configure({});
  recorded = recordReports();
});
afterEach(() => {
  recorded.stop();
  configure(saved);
});

describe('configure', () => {
  it('returns the settings as they were before the call', () => {
    configure({ closeTimeout: 1234, leakTracking: true });
    expect(configure({ closeTimeout: 99 })).toEqual({ closeTimeout: 1234, leakTracking: true });
  });

  it('changes only the settings it is given', () => {
    configure({ closeTimeout: 1234, leakTracking: false });
    configure({ leakTracking: true });
    expect(configure({})).toEqual({ closeTimeout: 1234, leakTracking: true });
    configure({ closeTimeout: 77 });
    expect(configure({})).toEqual({ closeTimeout: 77, leakTracking: true });
  });

  it('closeTimeout is the close deadline of every stage without one of its own', async () => {
    configure({ closeTimeout: 0 });
    const stage = aclosing(probe({ returnParks: true }));
    await stage.next();
    await stage.return(); // would wait 5 s with the built-in default
    expect(recorded.reports.map((r) => `${r.type} ${r.stage}`)).toEqual(['straggler aclosing']);
  });

  it('names itself when options is not an object', () => {
    expect(() => configure('fast' as never)).toThrow(/^configure: expected `options` to be an object/);
  });
});
