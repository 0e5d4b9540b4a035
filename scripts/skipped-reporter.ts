// A vitest reporter for the last lines of `npm test`: every test that was skipped, by file, with the
// reason its title carries (scripts/describe-with.ts names the missing tool) — never a silent skip.
// Under CI=true nothing may be skipped: a skip fails the run, unless SPLITBENCH_TEST_ALLOW_SKIP names
// its tool, or a name filter (-t) chose the tests.
import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { allowedSkips, isCi } from './test-tools.js';

export default class SkippedReporter implements Reporter {
  private filtered = false;

  onInit(vitest: { config: { testNamePattern?: unknown } }): void {
    this.filtered = Boolean(vitest.config.testNamePattern);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const skipped = modules.flatMap((m) => [...m.children.allTests('skipped')].map((t) => ({ file: path.relative(process.cwd(), m.moduleId), name: t.fullName })));
    if (!skipped.length) return;
    const out = (s: string) => process.stdout.write(`${s}\n`);
    out(`\n${skipped.length} test(s) skipped:`);
    for (const s of skipped) out(`  ${s.file} › ${s.name}`);
    const tool = (name: string) => /\[skipped: (\S+) not found/.exec(name)?.[1];
    const refused = skipped.filter((s) => !allowedSkips().includes(tool(s.name) ?? ''));
    if (isCi() && !this.filtered && refused.length) {
      out(`CI=true: nothing may be skipped — ${refused.length} test(s) above were (allow a tool's absence with SPLITBENCH_TEST_ALLOW_SKIP=<tool>)`);
      process.exitCode = 1;
    }
  }
}
