export { type DaprBinaries, findDaprBinaries } from './binaries';
export { checkInfra, type InfraDependency, InfraUnreachableError, LOCAL_INFRA } from './infra';
export { readManifest, SERVICES, type ServiceManifest } from './manifest';
export { freePort, freePorts } from './ports';
export { deleteJetStream, ensureJetStream, JETSTREAM_SUBJECTS } from './jetstream';
export { ManagedProcess, type ProcessExit, type ProcessSpec, waitForHttp } from './process';
export { describeExit, type SuperviseOptions, Supervisor } from './supervisor';
export { renderDaprConfig, renderResources, setMetadata, type TracingTarget } from './resources';
export { type AppEndpoints, Stack, type StackOptions } from './stack';
export { type DevSecretsOptions, generateDevSecrets } from './secrets';
export { findMailpitBinary, Mailpit, type MailpitOptions } from './mailpit';
export { findJaegerBinary, Jaeger, type JaegerOptions } from './jaeger';
export { findKfakeBinary, Kfake, type KfakeOptions } from './kfake';
export {
  findPrometheusBinary,
  Prometheus,
  type PrometheusOptions,
  renderPrometheusConfig,
  type ScrapeTarget,
  stackScrapeTargets,
} from './prometheus';
