export { ExpiringSet } from './expiring-set';
export { BatcherOverloadedError, type BatcherLimits, BatchTimeoutError, KeyedBatcher } from './keyed-batcher';
