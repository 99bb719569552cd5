import { Socket } from 'node:net';

export interface InfraDependency {
  name: string;
  host: string;
  port: number;
  /** The command that starts it on a developer machine. */
  howToStart: string;
}

export const LOCAL_INFRA: Record<'redis' | 'mariadb' | 'rabbitmq' | 'postgres' | 'nats', InfraDependency> = {
  redis: {
    name: 'Redis',
    host: '127.0.0.1',
    port: 6379,
    howToStart: 'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no',
  },
  mariadb: {
    name: 'MariaDB',
    host: '127.0.0.1',
    port: 3306,
    howToStart: 'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd',
  },
  rabbitmq: { name: 'RabbitMQ', host: '127.0.0.1', port: 5672, howToStart: 'rabbitmq-server -detached' },
  postgres: {
    name: 'PostgreSQL',
    host: '127.0.0.1',
    port: 5432,
    howToStart: 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start',
  },
  nats: {
    name: 'NATS JetStream',
    host: '127.0.0.1',
    port: 4222,
    howToStart:
      'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server',
  },
};

export class InfraUnreachableError extends Error {
  constructor(readonly missing: InfraDependency[]) {
    super(
      `Required infrastructure is not reachable:\n${missing
        .map((d) => `  - ${d.name} on ${d.host}:${d.port}. Start it with:\n      ${d.howToStart}`)
        .join('\n')}`,
    );
    this.name = 'InfraUnreachableError';
  }
}

function reachable(dep: InfraDependency, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(dep.port, dep.host, () => done(true));
  });
}

/** Checks every dependency at once and names all that are down, with the command that starts each. */
export async function checkInfra(deps: InfraDependency[]): Promise<void> {
  const results = await Promise.all(deps.map(async (d) => ((await reachable(d)) ? undefined : d)));
  const missing = results.filter((d): d is InfraDependency => d !== undefined);
  if (missing.length) throw new InfraUnreachableError(missing);
}
