// One database per domain. Which domains there are is the service list's to say (targets/services.ts):
// db code is handed them by its callers, so that it never depends on the services it stores.

/** Connection URL of each domain's database, by domain name. */
export type DbUrls = Record<string, string>;

/** The environment variable holding a domain's database URL (--db env, and every containerised process). */
export const dbEnvVar = (domain: string) => `SPLITBENCH_DB_${domain.toUpperCase()}`;
