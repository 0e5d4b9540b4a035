// npm run advise and bench's --link as processes, on bad input: a message naming the flag or file and
// what was expected, exit code 2, and nothing started (these all fail before any database or process).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cli: string, args: string[]) => spawnSync(process.execPath, [path.join(root, 'dist', 'scripts', cli), ...args], { cwd: root, encoding: 'utf8', timeout: 30_000 });
const refuses = (cli: string, args: string[], message: RegExp) => {
  const r = run(cli, args);
  expect(r.stderr).toMatch(message);
  expect(r.status, r.stderr).toBe(2);
  expect(r.stdout).not.toMatch(/seeded|databases/);
};

describe('npm run advise, on bad input', () => {
  it('names the flag and what it expects', () => {
    refuses('advise.js', ['--profile', 'fast'], /--profile "fast": expected one of quick, default, full/);
    refuses('advise.js', ['--transport', 'smoke'], /--transport "smoke": expected one of/);
    refuses('advise.js', ['--services', 'gateway'], /gateway hosts the front door .* cannot be extracted/);
    refuses('advise.js', ['--services', 'payment,moon'], /--services: unknown service "moon"; services are: checkout, order, payment/);
    refuses('advise.js', ['--services', 'payment,payment'], /names a service twice/);
    refuses('advise.js', ['--link', 'moon'], /link "moon": not in .*links\.json; known links: same-host, same-az, cross-az, cross-region/);
    refuses('advise.js', ['--scenario', 'faults-kill-payment'], /it has faults; a study measures what an extraction costs when nothing fails/);
  });

  it('names the bad file and field of a price table or link file of the user\'s own', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'advise-cli-'));
    const prices = path.join(dir, 'prices.json');
    fs.writeFileSync(prices, JSON.stringify({ ...JSON.parse(fs.readFileSync(path.join(root, 'scenarios', 'prices.json'), 'utf8')), gbHour: { usd: -1 } }));
    refuses('advise.js', ['--prices', prices], /prices\.json: \d problem\(s\):\n\s+gbHour\.usd: expected a number ≥ 0, got -1/);
    const links = path.join(dir, 'links.json');
    fs.writeFileSync(links, JSON.stringify({ profiles: [{ name: 'lab', description: 'x', rttMs: 'far', jitterMs: 0, transfer: 'none', sources: [] }] }));
    refuses('advise.js', ['--links', links, '--link', 'lab'], /links\.json: 1 problem\(s\):\n\s+profiles\[0\] \(lab\)\.rttMs: expected milliseconds, 0 to 10000, got "far"/);
  });
});

describe('npm run bench --link, on bad input', () => {
  it('names an unknown profile, and refuses a link in front of a gateway it did not start', () => {
    refuses('bench.js', ['--link', 'moon'], /link "moon": not in .*known links: same-host/);
    refuses('bench.js', ['--link', 'cross-az', '--target', 'http://127.0.0.1:9'], /--link cross-az: a link goes between the processes of a wiring this run starts, not in front of --target/);
  });
});
