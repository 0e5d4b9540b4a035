// Writes the A/B gate's page beside its gate.json. The page serves the verdict, never decides it: one
// that cannot be drawn is logged in a line and left out, and the gate's exit code stands.
import fs from 'node:fs';
import path from 'node:path';
import type { RunResult } from '../results/run.js';
import type { GateResult } from '../results/gate.js';
import { abPage } from './ab-page.js';

/** <outDir>/report/index.html, or undefined (said in the log) when it could not be written. */
export function writeAbReport(outDir: string, gate: GateResult, runs: { base: RunResult; candidate: RunResult }, log: (m: string) => void): string | undefined {
  const file = path.join(outDir, 'report', 'index.html');
  try {
    const html = abPage(gate, runs.base, runs.candidate);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, html);
    return file;
  } catch (e) {
    log(`report: not written (${(e as Error).message})`);
    return undefined;
  }
}
