export { type ActorHostOptions, createActorHost } from './actor-host';
export { actorHostReadiness } from './actor-readiness';
export { type RelayedAnswer, relayIdempotent } from './idempotent-relay';
export { LiveSetting, liveValue } from './live-setting';
export { type PassThroughOptions, passThrough } from './pass-through';
export {
  type ActorStateOperation,
  type InvokeOptions,
  type InvokeResult,
  Sidecar,
  type SidecarAddress,
} from './sidecar';
export {
  type CloudEvent,
  type DeliveryStatus,
  parseCloudEvent,
  type Subscription,
  SubscriptionRouter,
} from './subscriptions';
