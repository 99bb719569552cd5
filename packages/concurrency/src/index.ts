export { ExpiringSet } from './expiring-set';
export { BatcherOverloadedError, type BatcherLimits, BatchTimeoutError, KeyedBatcher } from './keyed-batcher';
export { ConcurrencyLimit } from './concurrency-limit';
export { KeyedLock } from './keyed-lock';
