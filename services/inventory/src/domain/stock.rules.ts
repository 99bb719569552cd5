// The shapes a SKU's stock accepts, in one place: the domain enforces them on every call (raw actor
// calls reach it with no HTTP schema in between) and contract/ builds its zod schemas from them.

export const SKU_PATTERN = /^[A-Z0-9][A-Z0-9-]{1,63}$/;
export const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
/** Units in one reservation, restock or flash sale. */
export const MAX_QUANTITY = 100_000;
export const MAX_ON_HAND = 1_000_000_000;
export const MAX_PER_CUSTOMER = 1000;
export const MAX_PRICE = 100_000_000;
export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

export const isSku = (v: unknown): v is string => typeof v === 'string' && SKU_PATTERN.test(v);
export const isId = (v: unknown): v is string => typeof v === 'string' && ID_PATTERN.test(v);
/** An integer in [min, max]: excludes strings, NaN, Infinity and fractions. */
export const isIntIn = (v: unknown, min: number, max: number): v is number =>
  Number.isInteger(v) && (v as number) >= min && (v as number) <= max;
export const isQuantity = (v: unknown): v is number => isIntIn(v, 1, MAX_QUANTITY);
