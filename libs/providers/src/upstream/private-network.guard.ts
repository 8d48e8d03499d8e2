import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import { lookup } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses an upstream call may not reach unless its endpoint allows private networks: loopback,
 * private (RFC 1918, IPv6 ULA), link-local (cloud metadata at 169.254.169.254 and fd00:ec2::254
 * included), carrier-grade NAT (Alibaba's metadata at 100.100.100.200), unspecified, multicast, reserved
 * and documentation ranges. See https://www.iana.org/assignments/iana-ipv4-special-registry/ and
 * https://www.iana.org/assignments/iana-ipv6-special-registry/.
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');

/** IPv6 forms that carry an IPv4 address: mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d). */
const EMBEDDED_V4 = /^(?:::ffff:|64:ff9b::)(?:0:)?((?:\d{1,3}\.){3}\d{1,3})$/i;
const EMBEDDED_V4_HEX = /^(?:::ffff:|64:ff9b::)(?:0:)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i;

function embeddedV4(address: string): string | null {
  const dotted = EMBEDDED_V4.exec(address);
  if (dotted?.[1]) return dotted[1];
  const hex = EMBEDDED_V4_HEX.exec(address);
  if (!hex?.[1] || !hex[2]) return null;
  const [high, low] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** True for an address no upstream call may reach by default. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return FORBIDDEN.check(address, 'ipv4');
  if (family !== 6) return true;
  const v4 = embeddedV4(address);
  if (v4 !== null) return FORBIDDEN.check(v4, 'ipv4');
  return FORBIDDEN.check(address, 'ipv6');
}

/** A hostname that is an IP literal, without the brackets URLs put around IPv6. */
export function ipLiteral(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) === 0 ? null : bare;
}

export class PrivateNetworkRefused extends Error {
  readonly code = 'EPRIVATENETWORK';
  constructor(hostname: string, address: string) {
    super(
      `${hostname} resolves to ${address}, a private, loopback or link-local address ` +
        '(set allowPrivateNetwork on the endpoint if it is meant)',
    );
    this.name = 'PrivateNetworkRefused';
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `dns.lookup` for the guarded connection pool: it resolves the name and keeps only public addresses,
 * so the socket connects to an address that was checked (no DNS rebinding between check and connect).
 * A name with no public address fails the connection with `PrivateNetworkRefused`.
 */
export function publicOnlyLookup(
  hostname: string,
  options: LookupOneOptions | LookupAllOptions,
  callback: LookupCallback,
): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, []);
    const allowed = addresses.filter((a) => !isPrivateAddress(a.address));
    const first = allowed[0];
    if (first === undefined)
      return callback(new PrivateNetworkRefused(hostname, addresses[0]?.address ?? 'nothing'), []);
    if (options.all === true) return callback(null, allowed);
    callback(null, first.address, first.family);
  });
}
