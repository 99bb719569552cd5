import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once at start. Every missing or malformed variable is named in one error,
 * so a bad deploy fails at boot with a readable message rather than at the first request.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => {
      const name = issue.path.join('.');
      return env[name] === undefined ? `${name} is missing (${issue.message})` : `${name}: ${issue.message}`;
    }),
  );
}

/** Environment helpers: variables are strings, these coerce and bound them. */
export const env = {
  port: (fallback?: number) => {
    const p = z.coerce.number().int().min(1).max(65535);
    return fallback === undefined ? p : p.default(fallback);
  },
  int: (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback),
  string: (fallback?: string) => (fallback === undefined ? z.string().min(1) : z.string().min(1).default(fallback)),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
};

/** What every service reads: its own port, its sidecar, its log level. */
export const baseServiceEnv = {
  APP_PORT: env.port(),
  /** 127.0.0.1 beside a local sidecar; 0.0.0.0 in a pod, where probes come from the node. */
  APP_HOST: env.string('127.0.0.1'),
  DAPR_HOST: env.string('127.0.0.1'),
  DAPR_HTTP_PORT: env.port(3500),
  DAPR_GRPC_PORT: env.port(50001),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The token the sidecar sends on every call to the app (Dapr app API token); set → required. */
  APP_API_TOKEN: z.string().min(16).optional(),
};

export { z };
