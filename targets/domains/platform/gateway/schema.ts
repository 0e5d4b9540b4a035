// The gateway keeps no tables of its own: it routes and composes.
export const migrations: string[] = [];
export async function seed() {}
