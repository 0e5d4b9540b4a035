// npm run manifests: writes docker-compose.yml and deploy/k8s/** from the placement code (committed;
// a test fails when they drift). Everything under deploy/k8s is generated: stale files are removed.
import fs from 'node:fs';
import path from 'node:path';
import { K8S_DIR } from './deploy/k8s.js';
import { manifestFiles } from './deploy/manifests.js';

export function generatedFilesOnDisk(): string[] {
  const walk = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)])) : []);
  return walk(K8S_DIR);
}

if (process.argv[1]?.endsWith('manifests.js')) {
  const files = manifestFiles();
  for (const stale of generatedFilesOnDisk().filter((f) => !(f in files))) fs.rmSync(stale);
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  console.log(`wrote docker-compose.yml and ${Object.keys(files).length - 1} files under ${K8S_DIR}/`);
}
