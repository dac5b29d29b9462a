/**
 * IPv4 CIDR arithmetic used by environment validation and by the network
 * module's default subnet layout. Pure functions, no I/O.
 */

/** A parsed, network-aligned IPv4 CIDR block. */
export interface Ipv4Cidr {
  /** The network address as an unsigned 32-bit integer. */
  readonly network: number;
  /** The prefix length, 0-32. */
  readonly prefix: number;
}

const CIDR_PATTERN = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * Parses a dotted-quad CIDR such as `172.16.0.0/16`.
 * Returns `undefined` when the text is not a CIDR, an octet is out of range,
 * an octet has a leading zero, or host bits are set (AWS accepts only
 * network-aligned blocks).
 */
export function parseCidr(text: string): Ipv4Cidr | undefined {
  const match = CIDR_PATTERN.exec(text);
  if (!match) return undefined;
  const octets = match.slice(1, 5);
  if (octets.some((o) => o.length > 1 && o.startsWith("0"))) return undefined;
  const values = octets.map(Number);
  if (values.some((v) => v > 255)) return undefined;
  const prefix = Number(match[5]);
  if (prefix > 32) return undefined;
  const address = ((values[0] << 24) >>> 0) + (values[1] << 16) + (values[2] << 8) + values[3];
  if ((address & ~maskOf(prefix)) >>> 0 !== 0) return undefined;
  return { network: address >>> 0, prefix };
}

/** Explains why {@link parseCidr} rejected a text, for error messages. */
export function describeCidrProblem(text: string): string {
  const loose = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(text);
  if (!loose) return "must be an IPv4 CIDR block such as 10.0.0.0/16";
  const octets = loose[1].split(".");
  if (octets.some((o) => Number(o) > 255 || (o.length > 1 && o.startsWith("0")))) {
    return "has an octet outside 0-255 or with a leading zero";
  }
  if (Number(loose[2]) > 32) return "has a prefix length above 32";
  return "has host bits set; use the network address of the block";
}

/** The netmask for a prefix length as an unsigned 32-bit integer. */
function maskOf(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** First and last address of a block. */
function rangeOf(cidr: Ipv4Cidr): [number, number] {
  const size = 2 ** (32 - cidr.prefix);
  return [cidr.network, cidr.network + size - 1];
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  const [oStart, oEnd] = rangeOf(outer);
  const [iStart, iEnd] = rangeOf(inner);
  return iStart >= oStart && iEnd <= oEnd;
}

/** True when the two blocks share at least one address. */
export function cidrsOverlap(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  const [aStart, aEnd] = rangeOf(a);
  const [bStart, bEnd] = rangeOf(b);
  return aStart <= bEnd && bStart <= aEnd;
}

/** Formats a parsed block back to its canonical text. */
export function formatCidr(cidr: Ipv4Cidr): string {
  const n = cidr.network;
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${cidr.prefix}`;
}

/**
 * The `index`-th sub-block of `parent` with `newBits` more prefix bits, like
 * Terraform's `cidrsubnet()`. Throws when the sub-block does not exist.
 */
export function cidrSubnet(parent: Ipv4Cidr, newBits: number, index: number): Ipv4Cidr {
  const prefix = parent.prefix + newBits;
  if (newBits < 0 || prefix > 32) throw new RangeError(`cannot add ${newBits} bits to /${parent.prefix}`);
  if (index < 0 || index >= 2 ** newBits) throw new RangeError(`index ${index} does not fit in ${newBits} bits`);
  return { network: (parent.network + index * 2 ** (32 - prefix)) >>> 0, prefix };
}
