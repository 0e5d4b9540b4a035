// A link profile (scenarios/links.json) as Toxiproxy toxics on every process → process proxy. Toxiproxy's
// latency toxic takes whole milliseconds and delays one direction, so the round trip is split over the
// request's way and the answer's, each rounded: what a cell really carried is recorded beside the name.
import type { LinkProfile } from '../../scenarios/links.js';
import type { ToxicSpec } from '../../targets/wirings/toxiproxy.js';

export interface AppliedLink { name: string; rttMs: number; jitterMs: number; toxics: ToxicSpec[] }

/** `same-host` (nothing added) needs no proxy at all. */
export const addsNothing = (p: LinkProfile) => Math.round(p.rttMs) === 0 && Math.round(p.jitterMs) === 0;

export function applyLink(p: LinkProfile): AppliedLink {
  const rtt = Math.round(p.rttMs);
  const jitter = Math.min(Math.round(p.jitterMs), rtt);
  const upMs = Math.floor(rtt / 2);
  // A direction's jitter cannot exceed its own latency (a negative delay is no delay: the mean would move).
  const upJitter = Math.min(Math.floor(jitter / 2), upMs);
  const toxic = (stream: 'upstream' | 'downstream', latency: number, j: number): ToxicSpec =>
    ({ name: `link_${stream}`, type: 'latency', stream, attributes: { latency, jitter: j } });
  const toxics = [toxic('upstream', upMs, upJitter), toxic('downstream', rtt - upMs, jitter - upJitter)].filter((t) => t.attributes.latency > 0);
  return { name: p.name, rttMs: rtt, jitterMs: jitter, toxics };
}
