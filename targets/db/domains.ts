// The six domain databases and which services own a schema in each (DESIGN.md, "The topology").
export const DOMAINS = {
  commerce: ['checkout', 'order', 'payment'],
  product: ['catalog', 'pricing', 'promotion', 'search'],
  logistics: ['warehouse', 'fulfillment', 'shipping', 'location'],
  postpurchase: ['return', 'loyalty', 'review'],
  identity: ['auth', 'user', 'customer'],
  platform: ['gateway', 'analytics', 'notification', 'operations'],
} as const;

export type Domain = keyof typeof DOMAINS;
export const DOMAIN_NAMES = Object.keys(DOMAINS) as Domain[];
export const SERVICE_NAMES = DOMAIN_NAMES.flatMap((d) => [...DOMAINS[d]]) as string[];

export function domainOf(service: string): Domain {
  const domain = DOMAIN_NAMES.find((d) => (DOMAINS[d] as readonly string[]).includes(service));
  if (!domain) throw new Error(`unknown service "${service}"; services are: ${SERVICE_NAMES.join(', ')}`);
  return domain;
}

/** Connection URL of each domain's database. */
export type DbUrls = Record<Domain, string>;

/** The environment variable holding a domain's database URL (--db env, and every containerised process). */
export const dbEnvVar = (domain: Domain) => `SPLITBENCH_DB_${domain.toUpperCase()}`;
