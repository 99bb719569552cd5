import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { InfraDependency } from './infra';
import { LOCAL_INFRA } from './infra';

/**
 * Every service of the platform, in the order a whole stack starts them (the first alone: its
 * sidecar creates the name-resolution database). A test keeps it equal to services/.
 */
export const SERVICES = [
  'users',
  'catalog',
  'inventory',
  'payments',
  'promotions',
  'orders',
  'notifications',
  'after-sales',
  'gateway',
] as const;

/** What a service declares about itself in its package.json under "dbcarts". */
export interface ServiceManifest {
  appId: string;
  dir: string;
  entry: string;
  /** The port it listens on in a dev stack (tests always take free ports). */
  devPort: number;
  /** Hosts Dapr actors: the stack waits for placement before calling it ready. */
  actors: boolean;
  /** Uses actor reminders or jobs: its sidecar gets the scheduler's address (others must not). */
  scheduler: boolean;
  /** A MariaDB database of its own (name without prefix), handed over as DB_URL. */
  mariadb?: string;
  infra: InfraDependency[];
  /** `"infra": ["mailpit"]`: its stack starts a Mailpit of its own and points smtp.yaml at it (mailpit.ts). */
  mailpit: boolean;
}

interface RawManifest {
  devPort: number;
  actors?: boolean;
  scheduler?: boolean;
  mariadb?: string;
  infra?: (keyof typeof LOCAL_INFRA | 'mailpit')[];
}

export function readManifest(repoRoot: string, appId: string): ServiceManifest {
  const dir = join(repoRoot, 'services', appId);
  let pkg: { dbcarts?: RawManifest };
  try {
    pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  } catch {
    throw new Error(`No service "${appId}" (expected ${dir}/package.json)`);
  }
  const raw = pkg.dbcarts;
  if (!raw) throw new Error(`services/${appId}/package.json has no "dbcarts" section`);
  return {
    appId,
    dir,
    entry: join(dir, 'dist', 'src', 'main.js'),
    devPort: raw.devPort,
    actors: raw.actors ?? false,
    scheduler: raw.scheduler ?? false,
    mariadb: raw.mariadb,
    infra: (raw.infra ?? []).flatMap((k) => (k === 'mailpit' ? [] : [LOCAL_INFRA[k]])),
    mailpit: raw.infra?.includes('mailpit') ?? false,
  };
}
