export { KeyedBatcher } from './keyed-batcher';
