// describe() for a suite that needs an external program (scripts/test-tools.ts lists them).
import { describe, it } from 'vitest';
import { allowedSkips, isCi, TOOLS, type Tool, type ToolName } from './test-tools.js';

/**
 * A describe() that needs `tool`: run when it is there; skipped, with the tool and how to get it in
 * its title, when not; under CI=true (and not allowed) a failing test that names it.
 */
export function describeWith(tool: ToolName, title: string, body: () => void): void {
  const t: Tool = TOOLS[tool];
  if (t.found()) describe(title, body);
  else if (isCi() && !allowedSkips().includes(tool)) {
    describe(title, () => {
      it(`needs ${tool}`, () => { throw new Error(`CI=true: ${tool} not found, and nothing may be skipped under CI — ${t.how}`); });
    });
  } else describe.skip(`${title} [skipped: ${tool} not found — ${t.how}]`, body);
}
