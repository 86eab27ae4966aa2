/**
 * IPv4 CIDR arithmetic for config validation and subnet planning.
 *
 * Written here rather than taken from a library: the parsers on npm (ipaddr.js, ip-cidr) check and
 * compare ranges but none allocates aligned sub-blocks, which is the part this project needs; the
 * whole thing is integer arithmetic on 32-bit numbers.
 */

/** A parsed IPv4 block. `base` is the network address as an unsigned 32-bit integer. */
export interface Ipv4Block {
  readonly base: number;
  readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Returns why `text` is not a canonical IPv4 CIDR block, or undefined when it is one. */
export function cidrProblem(text: string): string | undefined {
  const m = CIDR_RE.exec(text);
  if (!m) return `"${text}" is not an IPv4 CIDR block like 10.0.0.0/16`;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255)) return `"${text}" has an octet above 255`;
  if (prefix > 32) return `"${text}" has a prefix length above 32`;
  const base = toInt(octets);
  const aligned = prefix === 0 ? 0 : (base & mask(prefix)) >>> 0;
  if (aligned !== base) {
    return `"${text}" has host bits set; the block starts at ${formatCidr({ base: aligned, prefix })}`;
  }
  return undefined;
}

/** Parses a canonical IPv4 CIDR block; throws on anything {@link cidrProblem} rejects. */
export function parseCidr(text: string): Ipv4Block {
  const problem = cidrProblem(text);
  if (problem) throw new Error(problem);
  const m = CIDR_RE.exec(text)!;
  return { base: toInt(m.slice(1, 5).map(Number)), prefix: Number(m[5]) };
}

export function formatCidr(block: Ipv4Block): string {
  const b = block.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${block.prefix}`;
}

export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix);
}

/** True when the two blocks share at least one address. */
export function overlaps(a: Ipv4Block, b: Ipv4Block): boolean {
  const aEnd = a.base + blockSize(a.prefix);
  const bEnd = b.base + blockSize(b.prefix);
  return a.base < bEnd && b.base < aEnd;
}

/** True when `inner` lies entirely inside `outer`. */
export function contains(outer: Ipv4Block, inner: Ipv4Block): boolean {
  return (
    inner.prefix >= outer.prefix &&
    inner.base >= outer.base &&
    inner.base + blockSize(inner.prefix) <= outer.base + blockSize(outer.prefix)
  );
}

/**
 * Carves aligned sub-blocks out of `parent`, in request order, each aligned to its own size.
 * Returns undefined when they do not fit.
 */
export function allocate(parent: Ipv4Block, prefixes: readonly number[]): Ipv4Block[] | undefined {
  const end = parent.base + blockSize(parent.prefix);
  let cursor = parent.base;
  const out: Ipv4Block[] = [];
  for (const prefix of prefixes) {
    if (prefix < parent.prefix) return undefined;
    const size = blockSize(prefix);
    cursor = Math.ceil(cursor / size) * size;
    if (cursor + size > end) return undefined;
    out.push({ base: cursor, prefix });
    cursor += size;
  }
  return out;
}

/**
 * The first block of the given prefix inside `pool` that overlaps none of `taken`, if any.
 * Used to suggest a fix when an event's CIDR collides with another.
 */
export function firstFree(pool: Ipv4Block, prefix: number, taken: readonly Ipv4Block[]): Ipv4Block | undefined {
  if (prefix < pool.prefix) return undefined;
  const size = blockSize(prefix);
  const end = pool.base + blockSize(pool.prefix);
  for (let base = pool.base; base + size <= end; base += size) {
    const candidate = { base, prefix };
    if (!taken.some((t) => overlaps(t, candidate))) return candidate;
  }
  return undefined;
}

function toInt(octets: number[]): number {
  return ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}
