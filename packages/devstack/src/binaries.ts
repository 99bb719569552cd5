import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface DaprBinaries {
  dir: string;
  daprd: string;
  placement: string;
  scheduler: string;
}

/** DAPR_BIN_DIR, then the project's build (.dapr/bin), then a `dapr init` install (~/.dapr/bin). */
export function findDaprBinaries(repoRoot: string): DaprBinaries {
  const candidates = [process.env.DAPR_BIN_DIR, join(repoRoot, '.dapr', 'bin'), join(homedir(), '.dapr', 'bin')];
  for (const dir of candidates) {
    if (!dir) continue;
    const bins = {
      dir,
      daprd: join(dir, 'daprd'),
      placement: join(dir, 'placement'),
      scheduler: join(dir, 'scheduler'),
    };
    if ([bins.daprd, bins.placement].every(isExecutable)) return bins;
  }
  throw new Error(
    `Dapr binaries not found in ${candidates.filter(Boolean).join(', ')}. Run \`npm run dapr:build\` to build them.`,
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first of `candidates` that is an executable file; undefined when none is. */
export function firstExecutable(candidates: (string | undefined)[]): string | undefined {
  return candidates.find((path): path is string => !!path && isExecutable(path));
}

/**
 * A tool the project builds into .dapr/bin (Mailpit, Jaeger, ...): `envVar` first, then the build.
 * Throws with the command that builds it when neither exists.
 */
export function findToolBinary(repoRoot: string, name: string, envVar: string, buildScript: string): string {
  const candidates = [process.env[envVar], join(repoRoot, '.dapr', 'bin', name)];
  const found = firstExecutable(candidates);
  if (found) return found;
  throw new Error(
    `${name} not found in ${candidates.filter(Boolean).join(', ')}. Run \`bash ${buildScript}\` to build it.`,
  );
}
