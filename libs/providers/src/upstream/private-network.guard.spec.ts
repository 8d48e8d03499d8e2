import { ipLiteral, isPrivateAddress, publicOnlyLookup } from './private-network.guard';

describe('isPrivateAddress', () => {
  it.each([
    ['loopback', '127.0.0.1'],
    ['loopback, anywhere in 127/8', '127.1.2.3'],
    ['RFC 1918 10/8', '10.0.0.5'],
    ['RFC 1918 172.16/12', '172.31.255.255'],
    ['RFC 1918 192.168/16', '192.168.1.1'],
    ['link-local, the cloud metadata address', '169.254.169.254'],
    ['carrier-grade NAT (Alibaba metadata)', '100.100.100.200'],
    ['unspecified', '0.0.0.0'],
    ['multicast', '239.1.1.1'],
    ['broadcast', '255.255.255.255'],
    ['IPv6 loopback', '::1'],
    ['IPv6 unspecified', '::'],
    ['IPv6 unique local, AWS metadata', 'fd00:ec2::254'],
    ['IPv6 link-local', 'fe80::1'],
    ['IPv4-mapped loopback', '::ffff:127.0.0.1'],
    ['IPv4-mapped loopback, hex form', '::ffff:7f00:1'],
    ['IPv4-mapped metadata, hex form', '::ffff:a9fe:a9fe'],
    ['NAT64 of a private address', '64:ff9b::10.0.0.1'],
    ['not an address at all', 'example.com'],
  ])('refuses %s (%s)', (_case, address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    ['a public IPv4 address', '8.8.8.8'],
    ['just outside 172.16/12', '172.32.0.1'],
    ['just outside CGNAT', '100.128.0.1'],
    ['a public IPv6 address', '2606:4700:4700::1111'],
    ['an IPv4-mapped public address', '::ffff:8.8.8.8'],
  ])('allows %s (%s)', (_case, address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe('ipLiteral', () => {
  it.each([
    ['10.0.0.1', '10.0.0.1'],
    ['[::1]', '::1'],
    ['api.openai.com', null],
  ])('%s → %s', (hostname, literal) => {
    expect(ipLiteral(hostname)).toBe(literal);
  });
});

describe('publicOnlyLookup', () => {
  const resolve = (hostname: string, all: boolean) =>
    new Promise<{ error: NodeJS.ErrnoException | null; address: unknown }>((done) =>
      publicOnlyLookup(hostname, { all }, (error, address) => done({ error, address })),
    );

  it.each([true, false])('fails a name that resolves to loopback only (all: %s)', async (all) => {
    const { error } = await resolve('localhost', all);
    expect(error).toMatchObject({ code: 'EPRIVATENETWORK' });
  });

  it('resolves a public address literal to itself', async () => {
    expect(await resolve('8.8.8.8', false)).toEqual({ error: null, address: '8.8.8.8' });
    expect(await resolve('8.8.8.8', true)).toEqual({
      error: null,
      address: [{ address: '8.8.8.8', family: 4 }],
    });
  });
});
