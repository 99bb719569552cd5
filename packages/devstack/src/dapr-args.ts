import type { AppEndpoints } from './stack';

/** What placement and scheduler both take: id, loopback API port, and explicit health/metrics ports (defaults collide). */
export function controlPlaneArgs(id: string, port: number, health: number, metrics: number): string[] {
  return [
    '--id',
    id,
    '--port',
    String(port),
    '--listen-address',
    '127.0.0.1',
    '--healthz-port',
    String(health),
    '--metrics-port',
    String(metrics),
    '--log-level',
    'warn',
  ];
}

export interface DaprdArgsOptions {
  appId: string;
  endpoints: AppEndpoints;
  placementPort: number;
  /** 0: this sidecar gets no scheduler. */
  schedulerPort: number;
  resourcesDir: string;
  configFile: string;
  logLevel: string;
}

/** One sidecar's command line: every port explicit (defaults collide), loopback only. */
export function daprdArgs(o: DaprdArgsOptions): string[] {
  const ep = o.endpoints;
  const args = [
    '--app-id',
    o.appId,
    '--app-port',
    String(ep.appPort),
    '--app-protocol',
    'http',
    '--dapr-http-port',
    String(ep.daprHttpPort),
    '--dapr-grpc-port',
    String(ep.daprGrpcPort),
    '--dapr-internal-grpc-port',
    String(ep.internalGrpcPort),
    '--metrics-port',
    String(ep.metricsPort),
    '--dapr-listen-addresses',
    '127.0.0.1',
    '--placement-host-address',
    `127.0.0.1:${o.placementPort}`,
    '--resources-path',
    o.resourcesDir,
    '--config',
    o.configFile,
    '--log-level',
    o.logLevel,
    '--app-health-check-path',
    '/healthz',
    '--dapr-graceful-shutdown-seconds',
    '2',
  ];
  if (o.schedulerPort) args.push('--scheduler-host-address', `127.0.0.1:${o.schedulerPort}`);
  return args;
}
