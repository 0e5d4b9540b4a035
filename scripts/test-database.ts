// vitest global setup: one real embedded Postgres for the whole test run (its own data folder),
// stopped at the end. Tests reach it through inject('dbUrls').
import path from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import type { DbUrls } from '../targets/db/domains.js';
import { startEmbedded } from '../targets/db/embedded.js';
import { SERVICES } from '../targets/services.js';

declare module 'vitest' {
  export interface ProvidedContext { dbUrls: DbUrls; }
}

export default async function setup(project: TestProject) {
  const db = await startEmbedded(SERVICES.domains, path.resolve(process.env.SPLITBENCH_PG_TEST_DIR ?? '.splitbench/pg-test'));
  project.provide('dbUrls', db.urls);
  return () => db.stop();
}
