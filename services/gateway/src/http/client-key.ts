import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key a client is limited under. IPv4 per address; IPv6 per /64, because one subscriber is
 * routinely handed a whole /64 (or more) and keying per /128 lets it rotate through 2^64 fresh
 * budgets, and fills our maps with them. IPv4-mapped IPv6 (`::ffff:a.b.c.d`, how a dual-stack
 * socket reports IPv4 peers) counts as the IPv4 address.
 */
export function clientKey(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  if (isIPv4(address)) return address;
  if (isIPv6(address)) return `${expand(address).slice(0, 4).join(':')}::/64`;
  return address.slice(0, 64);
}

/** The eight hextets of an IPv6 address, without leading zeros (zone id dropped). */
function expand(address: string): string[] {
  const [head = '', tail] = address.split('%')[0]?.split('::') ?? [''];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array(8 - left.length - right.length).fill('0'), ...right];
  return groups.map((g) => (Number.parseInt(g, 16) || 0).toString(16));
}
