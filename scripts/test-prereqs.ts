// Run by `npm test` before the tests: installs the external programs the tests need where this
// machine allows it (apt packages with root, or sudo without a password, and apt-get; others with their
// own command, e.g. `go install`, when that program is on PATH), as .ci/run does, and says what is still
// missing. Set SPLITBENCH_TEST_NO_INSTALL=1 to only look. Under CI=true a tool that is still
// missing fails here already, naming it (unless SPLITBENCH_TEST_ALLOW_SKIP names it).
import { spawnSync } from 'node:child_process';
import { onPath } from '../targets/wirings/binaries.js';
import { allowedSkips, isCi, TOOLS, type Tool, type ToolName } from './test-tools.js';

const missing = () => (Object.entries(TOOLS) as [ToolName, Tool][]).filter(([, t]) => !t.found());

function installer(): string[] | undefined {
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) return undefined;
  if (process.getuid?.() === 0) return [];
  return spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0 ? ['sudo', '-n'] : undefined;
}

const installable = missing().flatMap(([name, t]) => (t.aptPackage ? [{ name, pkg: t.aptPackage }] : []));
if (installable.length && process.env.SPLITBENCH_TEST_NO_INSTALL !== '1') {
  const prefix = installer();
  if (prefix) {
    const pkgs = installable.map((x) => x.pkg);
    console.error(`test prerequisites: installing ${pkgs.join(', ')} with apt-get (once; Chromium takes a few minutes)`);
    const run = (args: string[]) => {
      const [cmd, ...rest] = [...prefix, ...args];
      return spawnSync(cmd, rest, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
    };
    if (!run(['apt-get', 'update', '-q']) || !run(['apt-get', 'install', '-y', '-q', ...pkgs])) console.error('test prerequisites: apt-get failed (see above)');
  } else {
    console.error(`test prerequisites: ${installable.map((x) => x.pkg).join(', ')} missing, and this user cannot install them (needs root or passwordless sudo, and apt-get)`);
  }
}

const commands = missing().flatMap(([name, t]) => (t.install ? [{ name, cmd: t.install }] : []));
if (commands.length && process.env.SPLITBENCH_TEST_NO_INSTALL !== '1') {
  for (const { name, cmd } of commands) {
    const [program, ...args] = cmd;
    if (!onPath(program)) {
      console.error(`test prerequisites: ${name} missing, and ${program} (to run \`${cmd.join(' ')}\`) is not on PATH`);
      continue;
    }
    console.error(`test prerequisites: installing ${name} with \`${cmd.join(' ')}\` (once)`);
    if (spawnSync(program, args, { stdio: ['ignore', 'inherit', 'inherit'] }).status !== 0) console.error(`test prerequisites: ${program} failed (see above)`);
  }
}

const still = missing();
for (const [name, t] of still) console.error(`test prerequisites: ${name} not found — the tests that need it are skipped (${t.how})`);
const fatal = still.filter(([name]) => !allowedSkips().includes(name));
if (isCi() && fatal.length) {
  console.error(`CI=true: nothing may be skipped, and ${fatal.map(([n]) => n).join(', ')} ${fatal.length > 1 ? 'are' : 'is'} missing`);
  process.exit(1);
}
