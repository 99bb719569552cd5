// Names of SKUs the customer has seen, so the cart (which holds SKUs only) can show them.
const KEY = 'dbcarts.names';

export function rememberProduct(p: { sku: string; id: string; name: string }): void {
  try {
    const all = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, { id: string; name: string }>;
    all[p.sku] = { id: p.id, name: p.name };
    const keys = Object.keys(all);
    for (const k of keys.slice(0, Math.max(0, keys.length - 200))) delete all[k];
    localStorage.setItem(KEY, JSON.stringify(all));
  } catch {}
}

export function knownProduct(sku: string): { id: string; name: string } | undefined {
  try {
    return (JSON.parse(localStorage.getItem(KEY) ?? '{}') as Record<string, { id: string; name: string }>)[sku];
  } catch {
    return undefined;
  }
}

export const DEPARTMENTS = ['fashion', 'electronics', 'home', 'toys', 'sports'];

/**
 * Warranty terms when a product carries none: the department's default (the catalog's product
 * carries `warranty` {months, terms}; this table is only the fallback).
 */
export const DEFAULT_WARRANTY: Record<string, { months: number; terms: string }> = {
  fashion: { months: 6, terms: 'Covers manufacturing defects in materials and stitching.' },
  electronics: {
    months: 24,
    terms: 'Covers hardware defects; not accidental damage, liquid or batteries worn by use.',
  },
  home: { months: 24, terms: 'Covers defects in materials and workmanship under normal household use.' },
  toys: { months: 12, terms: 'Covers manufacturing defects; not wear from normal play.' },
  sports: { months: 12, terms: 'Covers manufacturing defects; not wear from normal use.' },
};
