import fc from "fast-check";
import { cidrContains, cidrsOverlap, cidrSubnet, describeCidrProblem, formatCidr, parseCidr } from "../../modules/config/cidr";

const arbitraryCidr = fc
  .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }))
  .map(([address, prefix]) => {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return { network: (address & mask) >>> 0, prefix };
  });

describe("parseCidr", () => {
  it.each([
    ["172.16.0.0/16", { network: 0xac100000, prefix: 16 }],
    ["0.0.0.0/0", { network: 0, prefix: 0 }],
    ["10.1.2.3/32", { network: 0x0a010203, prefix: 32 }],
  ])("parses %s", (text, expected) => {
    expect(parseCidr(text)).toEqual(expected);
  });

  it.each([
    ["10.0.0.1/16", "host bits"],
    ["256.0.0.0/8", "outside 0-255"],
    ["010.0.0.0/8", "leading zero"],
    ["10.0.0.0/33", "above 32"],
    ["10.0.0.0", "IPv4 CIDR"],
    ["fd00::/8", "IPv4 CIDR"],
    ["10.0.0.0/16 ", "IPv4 CIDR"],
  ])("rejects %s and explains (%s)", (text, reason) => {
    expect(parseCidr(text)).toBeUndefined();
    expect(describeCidrProblem(text)).toContain(reason);
  });

  it("round-trips every aligned block through formatCidr", () => {
    fc.assert(fc.property(arbitraryCidr, (block) => expect(parseCidr(formatCidr(block))).toEqual(block)));
  });
});

describe("containment and overlap", () => {
  it("a block contains its own sub-blocks and they overlap it", () => {
    fc.assert(
      fc.property(arbitraryCidr.filter((c) => c.prefix <= 28), fc.integer({ min: 0, max: 4 }), fc.nat(), (parent, bits, n) => {
        const child = cidrSubnet(parent, bits, n % 2 ** bits);
        expect(cidrContains(parent, child)).toBe(true);
        expect(cidrsOverlap(parent, child)).toBe(true);
      }),
    );
  });

  it("distinct sibling sub-blocks never overlap", () => {
    fc.assert(
      fc.property(arbitraryCidr.filter((c) => c.prefix <= 26), fc.integer({ min: 1, max: 6 }), fc.nat(), fc.nat(), (parent, bits, a, b) => {
        const i = a % 2 ** bits;
        const j = b % 2 ** bits;
        fc.pre(i !== j);
        expect(cidrsOverlap(cidrSubnet(parent, bits, i), cidrSubnet(parent, bits, j))).toBe(false);
      }),
    );
  });

  it("overlap is symmetric", () => {
    fc.assert(fc.property(arbitraryCidr, arbitraryCidr, (a, b) => expect(cidrsOverlap(a, b)).toBe(cidrsOverlap(b, a))));
  });

  it("matches Terraform's cidrsubnet for the template layout", () => {
    const vpc = parseCidr("172.16.0.0/16")!;
    expect([1, 2, 3, 4].map((i) => formatCidr(cidrSubnet(vpc, 8, i)))).toEqual([
      "172.16.1.0/24",
      "172.16.2.0/24",
      "172.16.3.0/24",
      "172.16.4.0/24",
    ]);
    expect(() => cidrSubnet(vpc, 8, 256)).toThrow(RangeError);
  });
});
