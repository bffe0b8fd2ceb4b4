// IPv4/IPv6 CIDR lists (CREATE_ALLOW_CIDRS): parsed strictly at start-up so
// "10.0.0.0/33" or "::1/129" stop the server instead of matching nothing.
import type { BlockList } from "node:net";

// node:net (and the stream modules it loads) is loaded only when a CIDR list is
// configured: a server without one starts measurably faster.
const net = () => require("node:net") as typeof import("node:net");

export interface Cidr {
  address: string;
  prefix: number;
  family: "ipv4" | "ipv6";
}

/** Parses "a.b.c.d/n" or "x::y/n"; a bare address is a single host. Returns a reason on failure. */
export function parseCidr(raw: string): Cidr | string {
  const [address = "", prefixRaw, extra] = raw.trim().split("/");
  if (extra !== undefined) return `"${raw}" has more than one "/"`;
  const v = net().isIP(address);
  if (v === 0) return `"${address}" is not an IPv4 or IPv6 address`;
  const family = v === 4 ? "ipv4" : "ipv6";
  const max = v === 4 ? 32 : 128;
  if (prefixRaw === undefined) return { address, prefix: max, family };
  if (!/^\d{1,3}$/.test(prefixRaw) || Number(prefixRaw) > max)
    return `the prefix length in "${raw}" must be a whole number from 0 to ${max} for ${v === 4 ? "IPv4" : "IPv6"}`;
  return { address, prefix: Number(prefixRaw), family };
}

/** Matches client addresses against a CIDR list; IPv4-mapped IPv6 (::ffff:10.0.0.1) matches IPv4 ranges. */
export class CidrMatcher {
  private list: BlockList | null = null;
  readonly size: number;

  constructor(cidrs: Cidr[]) {
    if (cidrs.length > 0) {
      const list = (this.list = new (net().BlockList)());
      for (const c of cidrs) list.addSubnet(c.address, c.prefix, c.family);
    }
    this.size = cidrs.length;
  }

  contains(ip: string): boolean {
    if (!this.list) return false;
    const v = net().isIP(ip);
    if (v === 0) return false;
    return this.list.check(ip, v === 4 ? "ipv4" : "ipv6");
  }
}
