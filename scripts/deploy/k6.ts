// The scenarios as k6 scripts (rendered by scenarios/k6.ts) and, for Kubernetes, one k6-operator
// TestRun per scenario. Compose's k6 service mounts the same scripts.
import { k6Renders, renderK6Script } from '../../scenarios/k6.js';
import { loadScenario, scenarioNames as allScenarios } from '../../scenarios/scenario.js';
import { DEFAULT_PORTS } from '../../targets/wirings/process-env.js';
import { IMAGES, K6_RESOURCES } from './plan.js';

export const K6_DIR = 'deploy/k8s/k6';
export const K6_SCRIPTS_CONFIGMAP = 'splitbench-k6-scripts';
/** Inside compose's network and a wiring's namespace alike, the front door answers here. */
export const K6_TARGET = `http://frontdoor:${DEFAULT_PORTS.gateway}`;

/** Every shipped scenario k6 can run (fault scenarios need the built-in driver). */
export const scenarioNames = () => allScenarios().filter((n) => k6Renders(loadScenario(n)));

export const k6Script = (scenario: string) => renderK6Script(loadScenario(scenario), { targetUrl: K6_TARGET, runTag: 'k6' });

export function testRun(scenario: string) {
  const resources = { cpu: `${K6_RESOURCES.milliCpu}m`, memory: `${K6_RESOURCES.memoryMiB}Mi` };
  return {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name: `splitbench-${scenario}` },
    spec: {
      // Raise it for more load than one runner can offer: arrival rates are split across runners.
      parallelism: 1,
      script: { configMap: { name: K6_SCRIPTS_CONFIGMAP, file: `${scenario}.js` } },
      // The summary JSON stays in the runner pod; the runner's log has the text summary.
      arguments: '--quiet -e SPLITBENCH_SUMMARY=/tmp/splitbench-k6-summary.json',
      runner: {
        image: IMAGES.k6,
        env: [{ name: 'SPLITBENCH_TARGET', value: K6_TARGET }, { name: 'K6_NO_USAGE_REPORT', value: 'true' }],
        resources: { requests: resources, limits: resources },
      },
    },
  };
}

export function k6Kustomization(scenarios: string[]) {
  return {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources: ['testruns.yaml'],
    // TestRuns name the ConfigMap literally (kustomize does not know the CRD): no hash suffix.
    generatorOptions: { disableNameSuffixHash: true },
    configMapGenerator: [{ name: K6_SCRIPTS_CONFIGMAP, files: scenarios.map((s) => `scripts/${s}.js`) }],
  };
}
