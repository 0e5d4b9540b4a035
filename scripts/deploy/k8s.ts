// Kubernetes manifests (Kustomize). The base holds what every wiring shares: one Postgres StatefulSet
// per domain, the Secret with each domain's database URL, and the seed Job. Each wiring's overlay adds
// its own processes (1, 6 or 21 Deployments with their Services) in a namespace of its own, where every
// process finds its peers by DNS name ("{group}:7000") and k6 finds the front door at "frontdoor:8080".
// A component swaps the in-cluster databases for external ones.
import { COMPOSE_DB } from '../../targets/db/connect.js';
import { dbEnvVar } from '../../targets/db/domains.js';
import { SERVER_SETTINGS } from '../../targets/db/embedded.js';
import { SERVICES } from '../../targets/services.js';
import { parseWiring } from '../../targets/wirings/placement.js';
import { DEFAULT_PORTS } from '../../targets/wirings/process-env.js';
import { FRONT_DOOR_HOST } from './compose.js';
import { DATABASE_RESOURCES, IMAGES, PRESTOP_S, SEED_RESOURCES, STOP_GRACE_S, processEnv, type ProcessPlan, type Resources, type WiringPlan } from './plan.js';

export const K8S_DIR = 'deploy/k8s';
export const DATABASES_SECRET = 'splitbench-databases';
const POSTGRES_SECRET = 'splitbench-postgres';
const DB_USER = COMPOSE_DB.user;

export const namespaceOf = (w: WiringPlan) => `splitbench-${w.slug}`;
const postgresName = (domain: string) => `postgres-${domain}`;
const inClusterUrl = (domain: string) => `postgres://${DB_USER}:${COMPOSE_DB.password}@${postgresName(domain)}:5432/${domain}`;
const quantity = (r: Resources) => ({ cpu: `${r.milliCpu}m`, memory: `${r.memoryMiB}Mi` });
/** requests = limits: each process gets exactly its share of the budget, in every wiring. */
const resources = (r: Resources) => ({ requests: quantity(r), limits: quantity(r) });
/** Argo CD applies a wiring in waves: databases, then the seed Job, then the processes. */
const wave = (n: number) => ({ 'argocd.argoproj.io/sync-wave': String(n) });
const dbUrlEnv = (domain: string) => ({ name: dbEnvVar(domain), valueFrom: { secretKeyRef: { name: DATABASES_SECRET, key: domain } } });
const kustomization = (body: object) => ({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', ...body });
const nonRoot = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000 };
const lockedDown = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };

export function baseKustomization() {
  return kustomization({
    labels: [{ pairs: { 'app.kubernetes.io/part-of': 'splitbench' } }],
    resources: ['postgres.yaml', 'seed-job.yaml'],
    secretGenerator: [
      { name: DATABASES_SECRET, literals: SERVICES.domains.map((d) => `${d}=${inClusterUrl(d)}`) },
      { name: POSTGRES_SECRET, literals: [`password=${COMPOSE_DB.password}`] },
    ],
  });
}

export function postgres(domain: string): object[] {
  const name = postgresName(domain);
  const labels = { 'app.kubernetes.io/name': name, 'splitbench/domain': domain };
  const ready = { exec: { command: ['pg_isready', '-U', DB_USER, '-d', domain] } };
  return [
    { apiVersion: 'v1', kind: 'Service', metadata: { name, labels, annotations: wave(0) }, spec: { clusterIP: 'None', selector: { 'app.kubernetes.io/name': name }, ports: [{ name: 'postgres', port: 5432 }] } },
    {
      apiVersion: 'apps/v1', kind: 'StatefulSet',
      metadata: { name, labels, annotations: wave(0) },
      spec: {
        serviceName: name, replicas: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': name } },
        template: {
          metadata: { labels },
          spec: {
            containers: [{
              name: 'postgres', image: IMAGES.postgres,
              args: SERVER_SETTINGS.flatMap((s) => ['-c', s]),
              env: [
                { name: 'POSTGRES_USER', value: DB_USER },
                { name: 'POSTGRES_DB', value: domain },
                { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: POSTGRES_SECRET, key: 'password' } } },
              ],
              ports: [{ name: 'postgres', containerPort: 5432 }],
              readinessProbe: { ...ready, periodSeconds: 5, timeoutSeconds: 3 },
              livenessProbe: { ...ready, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 6 },
              resources: resources(DATABASE_RESOURCES),
              // From Postgres 18 the image keeps its data under /var/lib/postgresql/<major>/docker: mount the parent.
              volumeMounts: [{ name: 'data', mountPath: '/var/lib/postgresql' }, { name: 'shm', mountPath: '/dev/shm' }],
            }],
            volumes: [{ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } }],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '2Gi' } } } }],
      },
    },
  ];
}

/** Migrates and seeds every domain database (the one place that gets all six URLs); Argo CD re-runs it on every sync. */
export function seedJob() {
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name: 'seed', annotations: { ...wave(1), 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation' } },
    spec: {
      backoffLimit: 20,
      template: {
        spec: {
          restartPolicy: 'OnFailure',
          securityContext: nonRoot,
          containers: [{
            name: 'seed', image: IMAGES.suite, imagePullPolicy: 'IfNotPresent',
            command: ['node', 'dist/scripts/seed.js', '--db', 'env'],
            env: SERVICES.domains.map(dbUrlEnv),
            resources: resources(SEED_RESOURCES),
            securityContext: lockedDown,
          }],
        },
      },
    },
  };
}

/** One process: its Deployment, and Services for its RPC port (remote wirings) and the front door (the gateway's process). */
export function processObjects(w: WiringPlan, p: ProcessPlan): object[] {
  const labels = { 'app.kubernetes.io/name': p.group, 'app.kubernetes.io/component': 'service-process' };
  const selector = { 'app.kubernetes.io/name': p.group };
  const rpcPort = p.remote ? [{ name: 'rpc', containerPort: DEFAULT_PORTS.rpc }] : [];
  const gatewayPort = p.hostsGateway ? [{ name: 'frontdoor', containerPort: DEFAULT_PORTS.gateway }] : [];
  const prestopS = p.hostsGateway ? PRESTOP_S.gateway : PRESTOP_S.others;
  const httpProbe = (path: string) => ({ httpGet: { path, port: 'health' }, timeoutSeconds: 2 });
  const objects: object[] = [{
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: p.group, labels, annotations: { ...wave(2), 'splitbench/services': p.services.join(',') } },
    spec: {
      replicas: 1,
      // A replacement is ready before the old process drains.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      selector: { matchLabels: selector },
      template: {
        metadata: { labels },
        spec: {
          terminationGracePeriodSeconds: prestopS + STOP_GRACE_S,
          securityContext: nonRoot,
          containers: [{
            name: 'process', image: IMAGES.suite, imagePullPolicy: 'IfNotPresent',
            env: [
              ...Object.entries(processEnv(w, p, `{group}:${DEFAULT_PORTS.rpc}`)).map(([name, value]) => ({ name, value })),
              ...p.domains.map(dbUrlEnv),
            ],
            ports: [{ name: 'health', containerPort: DEFAULT_PORTS.health }, ...rpcPort, ...gatewayPort],
            startupProbe: { ...httpProbe('/health/live'), periodSeconds: 1, failureThreshold: 60 },
            livenessProbe: { ...httpProbe('/health/live'), periodSeconds: 10, failureThreshold: 3 },
            readinessProbe: { ...httpProbe('/health/ready'), periodSeconds: 5, failureThreshold: 2 },
            ...(prestopS > 0 ? { lifecycle: { preStop: { exec: { command: ['sleep', String(prestopS)] } } } } : {}),
            resources: resources(p.resources),
            securityContext: lockedDown,
          }],
        },
      },
    },
  }];
  if (p.remote) {
    const transport = parseWiring(w.wiring).transport;
    // Peers reach a process whether or not it is ready: readiness includes the peers' connections, and
    // processes that call each other (commerce ↔ platform in domains/*) would otherwise wait on each other
    // for ever. Readiness still gates what matters: the front door's Service.
    objects.push({
      apiVersion: 'v1', kind: 'Service', metadata: { name: p.group, labels },
      spec: { selector, publishNotReadyAddresses: true, ports: [{ name: 'rpc', port: DEFAULT_PORTS.rpc, targetPort: 'rpc', appProtocol: transport }] },
    });
  }
  if (p.hostsGateway) {
    objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: FRONT_DOOR_HOST, labels }, spec: { selector, ports: [{ name: 'http', port: DEFAULT_PORTS.gateway, targetPort: 'frontdoor', appProtocol: 'http' }] } });
  }
  return objects;
}

export function overlayKustomization(w: WiringPlan) {
  return kustomization({
    namespace: namespaceOf(w),
    labels: [{ pairs: { 'splitbench/wiring': w.slug } }],
    resources: ['namespace.yaml', '../../base', 'processes.yaml'],
  });
}

export const namespace = (w: WiringPlan) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespaceOf(w) } });

/** Use external databases instead of the StatefulSets: add this component to an overlay and fill in databases.env. */
export function externalDatabasesComponent() {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1alpha1', kind: 'Component',
    secretGenerator: [{ name: DATABASES_SECRET, behavior: 'replace', envs: ['databases.env'] }],
    patches: SERVICES.domains.flatMap((d) => ['StatefulSet', 'Service'].map((kind) => ({
      patch: `$patch: delete\napiVersion: ${kind === 'Service' ? 'v1' : 'apps/v1'}\nkind: ${kind}\nmetadata:\n  name: ${postgresName(d)}\n`,
    }))),
  };
}

export const externalDatabasesEnv = () =>
  `# One URL per domain database; every process reads only its own domains' keys.\n${SERVICES.domains.map((d) => `${d}=postgres://USER:PASSWORD@HOST:5432/${d}`).join('\n')}\n`;

/** Argo CD app of apps: the root Application syncs one Application per wiring; each wiring is synced on demand (two at once would compete). */
export function argoApplications(plan: WiringPlan[], repoURL: string) {
  const app = (name: string, path: string, namespace: string, extra: object) => ({
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: { project: 'default', source: { repoURL, targetRevision: 'HEAD', path }, destination: { server: 'https://kubernetes.default.svc', namespace }, ...extra },
  });
  return {
    root: app('splitbench', `${K8S_DIR}/argocd/apps`, 'argocd', { syncPolicy: { automated: { prune: true } } }),
    wirings: plan.map((w) => ({ slug: w.slug, app: app(`splitbench-${w.slug}`, `${K8S_DIR}/overlays/${w.slug}`, namespaceOf(w), { syncPolicy: { syncOptions: ['CreateNamespace=true'] } }) })),
  };
}
