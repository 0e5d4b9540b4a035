// The deployment files, checked without a Docker engine or a cluster: they match the generator, the
// real tools accept them (docker-compose config, kubectl kustomize), and what those tools render gives
// every process of every wiring an image, probes, limits and the database URLs of its own domains only.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../scenarios/scenario.js';
import { openDatabases } from '../../targets/db/connect.js';
import { dbEnvVar } from '../../targets/db/domains.js';
import { DEFAULT_SEED } from '../../targets/db/seed-data.js';
import { SERVICES } from '../../targets/services.js';
import { parseWiring } from '../../targets/wirings/placement.js';
import { DEFAULT_PORTS, PROCESS_ENV } from '../../targets/wirings/process-env.js';
import { describeWith } from '../describe-with.js';
import { generatedFilesOnDisk } from '../manifests.js';
import { containerName, cpuShares } from './compose.js';
import { K6_DIR, K6_SCRIPTS_CONFIGMAP, scenarioNames } from './k6.js';
import { K8S_DIR, namespaceOf } from './k8s.js';
import { manifestFiles } from './manifests.js';
import { BASE_IMAGE_ENV, IMAGES, deploymentPlan } from './plan.js';

const plan = deploymentPlan();
/** Compose 1.x prints "host:published:target", Compose 2.x an object. */
const portMapping = (p: string | { published: number | string; target: number }) =>
  (typeof p === 'string' ? p.replace(/\/tcp$/, '').split(':').slice(-2).join(':') : `${p.published}:${p.target}`);
const PINNED = /^[a-z0-9./-]+:\d+(\.\d+)+[a-z0-9.-]*$/;

/** The domains of the services a wiring places in a group, straight from the placement. */
const ownDomains = (wiring: string, group: string) =>
  [...new Set(parseWiring(wiring).groups.find((g) => g.name === group)!.services.map(SERVICES.domainOf))].sort();
const dbVars = (names: string[]) => names.filter((n) => n.startsWith('SPLITBENCH_DB_')).sort();

describe('generated deployment files', () => {
  it('are committed and match the code (run `npm run manifests` after changing placement, ports, budgets, images or scenarios)', () => {
    const files = manifestFiles();
    for (const [file, text] of Object.entries(files)) {
      expect(fs.existsSync(file), `${file} is missing`).toBe(true);
      expect(fs.readFileSync(file, 'utf8'), `${file} drifted from the generator`).toBe(text);
    }
    expect(generatedFilesOnDisk().filter((f) => !(f in files)), 'stale files under deploy/k8s').toEqual([]);
  });

  it('seed the size every shipped scenario expects (the seed job uses the default size)', () => {
    for (const s of scenarioNames()) expect(loadScenario(s).seed, s).toEqual(DEFAULT_SEED);
  });
});

describeWith('docker-compose', 'docker-compose.yml (docker-compose config)', () => {
  const withoutOverrides = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !Object.values(BASE_IMAGE_ENV).includes(k as never)));
  const config = (env: NodeJS.ProcessEnv = withoutOverrides()) => parse(execFileSync('docker-compose', ['config'], { encoding: 'utf8', env }));

  it('builds on the pinned base images unless SPLITBENCH_NODE_IMAGE / SPLITBENCH_POSTGRES_IMAGE name others (local stand-ins)', () => {
    const pinned = config().services;
    expect([pinned['db-commerce'].image, pinned.seed.build.args.NODE_IMAGE]).toEqual([IMAGES.postgres, IMAGES.node]);
    const local = config({ ...withoutOverrides(), [BASE_IMAGE_ENV.postgres]: 'localhost/pg:18', [BASE_IMAGE_ENV.node]: 'localhost/node:20' }).services;
    // One build of the suite's image (the seed job's, in every profile); the processes use it, never pull it.
    const built = Object.entries(local).filter(([, x]: [string, any]) => x.build).map(([name]) => name);
    expect(built).toEqual(['seed']);
    expect(local.seed.build.args.NODE_IMAGE).toBe('localhost/node:20');
    for (const [name, x] of Object.entries(local) as [string, any][]) if (x.image === IMAGES.suite && name !== 'seed') expect(x.pull_policy, name).toBe('never');
    for (const d of SERVICES.domains) expect(local[`db-${d}`].image).toBe('localhost/pg:18');
  });

  it('gives every process of every wiring the suite image, a readiness healthcheck, limits, and its own databases only', () => {
    const { services } = config();
    for (const w of plan) {
      const names = w.processes.map((p) => containerName(w, p));
      for (const [i, p] of w.processes.entries()) {
        const s = services[names[i]];
        const where = `${w.slug}: ${names[i]}`;
        expect(s, where).toBeDefined();
        expect(s.image, where).toBe(IMAGES.suite);
        expect(s.profiles, where).toEqual([w.slug]);
        expect(s.healthcheck.test.join(' '), where).toContain(`127.0.0.1:${DEFAULT_PORTS.health}/health/ready`);
        expect(s.cpu_shares, where).toBe(cpuShares(p.resources));
        expect(s.cpus, `${where}: a weight, not a quota`).toBeUndefined();
        expect(s.mem_limit, where).toBeTruthy();
        expect(s.environment[PROCESS_ENV.wiring], where).toBe(w.wiring);
        const own = ownDomains(w.wiring, s.environment[PROCESS_ENV.group]);
        expect(dbVars(Object.keys(s.environment)), where).toEqual(own.map(dbEnvVar).sort());
        for (const d of own) expect(s.environment[dbEnvVar(d)], where).toMatch(new RegExp(`@db-${d}:5432/${d}$`));
        expect(s.depends_on.seed.condition, where).toBe('service_completed_successfully');
      }
      const front = w.processes.findIndex((p) => p.hostsGateway);
      expect(services[names[front]].networks.default.aliases, w.slug).toContain('frontdoor');
      expect(Object.keys(services[names[front]].depends_on).sort(), `${w.slug}: the front door starts last`).toEqual([...names.filter((_, i) => i !== front), 'seed'].sort());
    }
    expect(services.seed.profiles.sort()).toEqual(plan.map((w) => w.slug).sort());
  });

  it('runs six pinned Postgres servers with healthchecks and named volumes, where --db compose finds them, and a pinned k6', async () => {
    const { services, volumes } = config();
    const { urls } = await openDatabases('compose', SERVICES.domains);
    for (const d of SERVICES.domains) {
      const db = services[`db-${d}`];
      expect(db.image).toMatch(PINNED);
      expect(db.healthcheck.test).toContain('pg_isready');
      expect(volumes).toHaveProperty(`db-${d}`);
      const url = new URL(urls[d]);
      expect(db.ports.map(portMapping)).toEqual([`${url.port}:5432`]);
      expect([db.environment.POSTGRES_USER, db.environment.POSTGRES_PASSWORD, db.environment.POSTGRES_DB]).toEqual([url.username, url.password, d]);
    }
    expect(services.k6.image).toMatch(PINNED);
    expect(services.k6.environment.SPLITBENCH_TARGET).toBe(`http://frontdoor:${DEFAULT_PORTS.gateway}`);
  });
});

describeWith('kubectl', 'Kubernetes manifests (kubectl kustomize)', () => {
  const kustomize = (dir: string) => parseAllDocuments(execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 << 20 })).map((d) => d.toJS());
  const byKind = (docs: any[], kind: string) => docs.filter((d) => d.kind === kind);

  for (const w of plan) {
    it(`overlay ${w.slug}: every process has the image, probes on the health port, requests and limits, and its own databases only`, () => {
      const docs = kustomize(`${K8S_DIR}/overlays/${w.slug}`);
      expect(docs.every((d) => d.kind === 'Namespace' || d.metadata.namespace === namespaceOf(w))).toBe(true);
      const secret = byKind(docs, 'Secret').find((s) => s.metadata.name.startsWith('splitbench-databases'));
      const deployments = byKind(docs, 'Deployment');
      expect(deployments.map((d) => d.metadata.name).sort()).toEqual(w.processes.map((p) => p.group).sort());
      for (const dep of deployments) {
        const c = dep.spec.template.spec.containers[0];
        const where = `${w.slug}: ${dep.metadata.name}`;
        const env = Object.fromEntries(c.env.map((e: any) => [e.name, e]));
        expect(c.image, where).toBe(IMAGES.suite);
        const health = c.ports.find((p: any) => p.name === 'health');
        expect(health?.containerPort, where).toBe(Number(env[PROCESS_ENV.healthPort].value));
        expect(c.readinessProbe.httpGet, where).toEqual({ path: '/health/ready', port: 'health' });
        expect(c.livenessProbe.httpGet, where).toEqual({ path: '/health/live', port: 'health' });
        for (const kind of ['requests', 'limits']) expect(Object.keys(c.resources[kind]).sort(), where).toEqual(['cpu', 'memory']);
        const own = ownDomains(w.wiring, env[PROCESS_ENV.group].value);
        expect(dbVars(Object.keys(env)), where).toEqual(own.map(dbEnvVar).sort());
        for (const d of own) expect(env[dbEnvVar(d)].valueFrom.secretKeyRef, where).toEqual({ name: secret.metadata.name, key: d });
        expect(dep.spec.template.spec.securityContext.runAsNonRoot, where).toBe(true);
      }
      expect(Object.keys(secret.data).sort()).toEqual([...SERVICES.domains].sort());
      // Peers are found by DNS name: a Service per remote process, and the front door for k6.
      const services = byKind(docs, 'Service');
      const podLabels = [...deployments, ...byKind(docs, 'StatefulSet')].map((d) => d.spec.template.metadata.labels);
      for (const s of services) expect(podLabels.some((l) => Object.entries(s.spec.selector).every(([k, v]) => l[k] === v)), s.metadata.name).toBe(true);
      // …reachable before they are ready, or processes that call each other would wait on each other for ever.
      for (const p of w.processes.filter((p) => p.remote)) {
        const rpc = services.find((s) => s.metadata.name === p.group);
        expect([rpc?.spec.ports[0].port, rpc?.spec.publishNotReadyAddresses], p.group).toEqual([DEFAULT_PORTS.rpc, true]);
      }
      expect(services.find((s) => s.metadata.name === 'frontdoor')?.spec.ports[0].port).toBe(DEFAULT_PORTS.gateway);
      const postgres = byKind(docs, 'StatefulSet');
      expect(postgres).toHaveLength(SERVICES.domains.length);
      for (const sts of postgres) {
        const c = sts.spec.template.spec.containers[0];
        expect(c.image).toMatch(PINNED);
        expect(c.readinessProbe.exec.command).toContain('pg_isready');
        expect(c.resources.limits).toBeDefined();
      }
      expect(byKind(docs, 'Job').map((j) => j.metadata.name)).toEqual(['seed']);
    });
  }

  it('the external-databases component drops the StatefulSets and replaces the database Secret', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'splitbench-kustomize-'));
    try {
      const rel = (p: string) => path.relative(dir, path.resolve(p));
      fs.writeFileSync(path.join(dir, 'kustomization.yaml'), JSON.stringify({
        apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization',
        resources: [rel(`${K8S_DIR}/overlays/${plan[1].slug}`)], components: [rel(`${K8S_DIR}/components/external-databases`)],
      }));
      const docs = kustomize(dir);
      expect(byKind(docs, 'StatefulSet')).toEqual([]);
      const secret = byKind(docs, 'Secret').find((s) => s.metadata.name.startsWith('splitbench-databases'));
      expect(Buffer.from(secret.data.commerce, 'base64').toString()).toContain('HOST');
      const refs = byKind(docs, 'Deployment').flatMap((d) => d.spec.template.spec.containers[0].env).filter((e: any) => e.valueFrom);
      expect(new Set(refs.map((e: any) => e.valueFrom.secretKeyRef.name))).toEqual(new Set([secret.metadata.name]));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('k6: one TestRun per scenario, each script in the ConfigMap', () => {
    const docs = kustomize(K6_DIR);
    const scripts = byKind(docs, 'ConfigMap').find((c) => c.metadata.name === K6_SCRIPTS_CONFIGMAP);
    const runs = byKind(docs, 'TestRun');
    expect(runs.map((r) => r.spec.script.configMap.file).sort()).toEqual(scenarioNames().map((s) => `${s}.js`));
    for (const r of runs) {
      expect(r.spec.script.configMap.name).toBe(K6_SCRIPTS_CONFIGMAP);
      expect(scripts.data[r.spec.script.configMap.file]).toContain('export const options');
      expect(r.spec.runner.image).toMatch(PINNED);
    }
  });
});

describe('Argo CD app of apps', () => {
  it('points every Application at a folder of this repository', () => {
    const root = parse(fs.readFileSync(`${K8S_DIR}/argocd/root.yaml`, 'utf8'));
    expect(fs.statSync(root.spec.source.path).isDirectory()).toBe(true);
    const apps = fs.readdirSync(root.spec.source.path).map((f) => parse(fs.readFileSync(path.join(root.spec.source.path, f), 'utf8')));
    expect(apps.map((a) => a.spec.source.path).sort()).toEqual(plan.map((w) => `${K8S_DIR}/overlays/${w.slug}`).sort());
    for (const a of apps) expect(fs.existsSync(path.join(a.spec.source.path, 'kustomization.yaml'))).toBe(true);
  });
});

describe('Dockerfile', () => {
  const lines = fs.readFileSync('Dockerfile', 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: { image: string; name?: string; copies: string[][]; user?: string; cmd?: string[] }[] = [];
  /** ARGs declared before the first FROM, with their defaults: what FROM ${NAME} builds from when none is given. */
  const buildArgs: Record<string, string> = {};
  for (const line of lines) {
    const [instruction, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (instruction === 'ARG' && !stages.length) {
      const [name, value] = args.split('=');
      buildArgs[name] = value;
    } else if (instruction === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args)!;
      stages.push({ image: m[1].replace(/^\$\{(\w+)\}$/, (_, name) => buildArgs[name]), name: m[2], copies: [] });
    } else if (instruction === 'COPY') stages.at(-1)!.copies.push(rest);
    else if (instruction === 'USER') stages.at(-1)!.user = args;
    else if (instruction === 'CMD') stages.at(-1)!.cmd = JSON.parse(args);
  }

  it('builds from pinned images in named stages, copying only files that exist', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    // The base is a build argument (a stand-in may take its place) whose default is the pinned image.
    expect(buildArgs.NODE_IMAGE).toBe(IMAGES.node);
    for (const [i, stage] of stages.entries()) {
      expect(stage.image, `stage ${i}`).toMatch(PINNED);
      for (const copy of stage.copies) {
        const from = copy.find((a) => a.startsWith('--from='))?.slice('--from='.length);
        const sources = copy.filter((a) => !a.startsWith('--')).slice(0, -1);
        if (from) expect(stages.slice(0, i).map((s) => s.name), `COPY --from=${from}`).toContain(from);
        else for (const src of sources) expect(fs.existsSync(src), `COPY ${src}`).toBe(true);
      }
    }
  });

  it('compiles everything tsconfig.json includes, and nothing it copies is excluded by .dockerignore', () => {
    const build = stages[0];
    const copied = build.copies.filter((c) => !c.some((a) => a.startsWith('--from='))).flatMap((c) => c.slice(0, -1));
    const includeRoots = (JSON.parse(fs.readFileSync('tsconfig.json', 'utf8')).include as string[]).map((p) => p.split('/')[0]);
    for (const root of new Set(includeRoots)) expect(copied, `the build stage must COPY ${root}`).toContain(root);
    const ignored = fs.readFileSync('.dockerignore', 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    for (const src of copied) expect(ignored, src).not.toContain(src);
  });

  it('runs the compiled process entry as a non-root user', () => {
    const runtime = stages.at(-1)!;
    expect(runtime.user).toBeDefined();
    expect(['root', '0']).not.toContain(runtime.user);
    expect(runtime.cmd?.[0]).toBe('node');
    const entry = runtime.cmd![1];
    expect(entry).toMatch(/^dist\/.*\.js$/);
    expect(JSON.parse(fs.readFileSync('tsconfig.json', 'utf8')).compilerOptions.outDir).toBe('dist');
    expect(fs.existsSync(entry.replace(/^dist\//, '').replace(/\.js$/, '.ts')), `${entry} is compiled from a source file`).toBe(true);
  });
});
