// Brings every domain database to a known state before a wiring starts: each service's schema is
// dropped, migrated and seeded afresh, so repeated runs never collide on ids or idempotency keys.
import pg from 'pg';
import type { ServiceList } from '../kit/service-list.js';
import type { DbUrls } from './domains.js';
import type { SeedSize } from './seed-data.js';

export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

export async function prepareDatabases(urls: DbUrls, services: ServiceList, size: SeedSize, log: (m: string) => void = () => {}) {
  await Promise.all(services.domains.map(async (domain) => {
    const client = new pg.Client({ connectionString: urls[domain] });
    try {
      await client.connect();
    } catch (e) {
      throw new Error(`database for domain "${domain}" is unreachable at ${redact(urls[domain])}: ${(e as Error).message}`);
    }
    try {
      for (const service of services.servicesIn(domain)) {
        const started = Date.now();
        const { schema } = services.implementation(service);
        await client.query('BEGIN');
        await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(service)} CASCADE`);
        await client.query(`CREATE SCHEMA ${quoteIdent(service)}`);
        await client.query(`SET LOCAL search_path TO ${quoteIdent(service)}`);
        for (const [i, sql] of schema.migrations.entries()) {
          try {
            await client.query(sql);
          } catch (e) {
            throw new Error(`migration ${i + 1} of ${service} failed: ${(e as Error).message}`);
          }
        }
        await schema.seed(client, size);
        await client.query('COMMIT');
        log(`${domain}/${service}: migrated and seeded in ${Date.now() - started} ms`);
      }
      // Hint bits, visibility map and planner statistics set now, not by the first reads or by autovacuum
      // mid-measurement. The seed's row counts reach the statistics autovacuum reads only when this session
      // flushes them (at most once a second): flush first, or they land after the vacuum and wake autovacuum.
      await client.query('SELECT pg_stat_force_next_flush()').catch((e) => { if (e.code !== '42883') throw e; });
      await client.query('VACUUM ANALYZE');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      await client.end();
    }
  }));
}

/** Hides the password when a URL appears in an error message. */
export const redact = (url: string) => url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
