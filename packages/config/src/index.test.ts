import { describe, expect, it } from 'vitest';
import { baseServiceEnv, ConfigError, env, loadConfig, z } from './index';

describe('loadConfig', () => {
  const schema = z.object({ ...baseServiceEnv, DB_URL: z.string().startsWith('mysql://'), SEED: env.bool(false) });

  it('names every missing or malformed variable in one error', () => {
    let err: unknown;
    try {
      loadConfig(schema, { DAPR_HTTP_PORT: 'abc', DB_URL: 'postgres://x' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as Error).message;
    expect(msg).toContain('APP_PORT is missing');
    expect(msg).toContain('DAPR_HTTP_PORT');
    expect(msg).toContain('DB_URL');
  });

  it('coerces and defaults', () => {
    const c = loadConfig(schema, { APP_PORT: '3000', DB_URL: 'mysql://root@h/db', SEED: 'true' });
    expect(c).toMatchObject({
      APP_PORT: 3000,
      DAPR_HTTP_PORT: 3500,
      DAPR_HOST: '127.0.0.1',
      SEED: true,
      LOG_LEVEL: 'info',
    });
  });
});
