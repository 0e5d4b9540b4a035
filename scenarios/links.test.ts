// Link profiles are data with sources: the built-ins parse, each non-zero one cites a measurement, and a
// bad file names the profile and field.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LinkError, linkProfile, loadLinkProfiles, parseLinkProfiles } from './links.js';
import { addsNothing, applyLink } from '../scripts/bench/link-profile.js';

const problem = (raw: unknown) => {
  try {
    parseLinkProfiles(raw, 'my-links.json');
  } catch (e) {
    expect(e).toBeInstanceOf(LinkError);
    return (e as Error).message;
  }
  throw new Error('parsed without a problem');
};
const OK = { name: 'lab', description: 'the lab switch', rttMs: 4, jitterMs: 1, transfer: 'none', sources: [] };

describe('link profiles', () => {
  it('ships same-host, same-az, cross-az and cross-region, rising, every one that adds delay with a source', () => {
    const profiles = loadLinkProfiles();
    expect(profiles.map((p) => p.name)).toEqual(['same-host', 'same-az', 'cross-az', 'cross-region']);
    const rtts = profiles.map((p) => p.rttMs);
    expect([...rtts].sort((a, b) => a - b)).toEqual(rtts);
    for (const p of profiles.filter((x) => x.rttMs > 0)) {
      expect(p.sources.length, p.name).toBeGreaterThan(0);
      for (const s of p.sources) expect(s.url, p.name).toMatch(/^https?:\/\//);
    }
    expect(addsNothing(linkProfile('same-host'))).toBe(true);
    expect(linkProfile('cross-az').transfer).toBe('inter-zone');
  });

  it('applies a round trip in whole ms, split over both directions, jitter never past the delay', () => {
    const a = applyLink({ ...OK, rttMs: 5, jitterMs: 3 } as any);
    expect(a).toMatchObject({ rttMs: 5, jitterMs: 3 });
    expect(a.toxics.map((t) => [t.stream, t.attributes.latency, t.attributes.jitter])).toEqual([['upstream', 2, 1], ['downstream', 3, 2]]);
    expect(applyLink({ ...OK, rttMs: 0.9, jitterMs: 0.3 } as any).toxics.map((t) => t.attributes)).toEqual([{ latency: 1, jitter: 0 }]);
    expect(addsNothing({ ...OK, rttMs: 0.4, jitterMs: 0.2 } as any)).toBe(true);
  });

  it('names the profile, field and what was expected', () => {
    expect(problem({ profiles: [{ ...OK, rttMs: -1 }] })).toMatch(/profiles\[0\] \(lab\)\.rttMs: expected milliseconds, 0 to 10000, got -1/);
    expect(problem({ profiles: [{ ...OK, jitterMs: 9 }] })).toMatch(/jitterMs: expected at most rttMs \(4\)/);
    expect(problem({ profiles: [{ ...OK, transfer: 'wan' }] })).toMatch(/transfer: expected one of none, inter-zone, inter-region, got "wan"/);
    expect(problem({ profiles: [OK, OK] })).toMatch(/profiles\[1\] \(lab\)\.name: expected a name not used by an earlier profile/);
    expect(problem({ profiles: [{ ...OK, rtt: 3 }] })).toMatch(/\.rtt: not a field of a link profile/);
    expect(problem({ profiles: [{ ...OK, sources: [{ figure: 'x' }] }] })).toMatch(/sources\[0\]: expected \{"figure"/);
    expect(problem([])).toMatch(/my-links\.json: expected \{"profiles"/);
  });

  it('reads a file of the user\'s own, and says which links it knows when asked for another', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'links-')), 'mine.json');
    fs.writeFileSync(file, JSON.stringify({ profiles: [OK] }));
    expect(linkProfile('lab', file).rttMs).toBe(4);
    expect(() => linkProfile('moon', file)).toThrow(/link "moon": not in .*mine\.json; known links: lab/);
    fs.writeFileSync(file, '{');
    expect(() => loadLinkProfiles(file)).toThrow(/mine\.json: not valid JSON/);
  });
});
