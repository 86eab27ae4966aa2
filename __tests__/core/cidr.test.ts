import { describe, expect, it } from "vitest";
import { allocate, cidrProblem, contains, firstFree, formatCidr, overlaps, parseCidr } from "../../src/core/cidr";
import { planSubnets } from "../../modules/network/subnet-plan";

describe("CIDR arithmetic", () => {
  it.each([
    ["10.0.0.0/16", undefined],
    ["10.0.0.0", "is not an IPv4 CIDR block"],
    ["10.0.0.256/24", "has an octet above 255"],
    ["10.0.0.0/33", "has a prefix length above 32"],
    ["10.0.1.0/16", "has host bits set; the block starts at 10.0.0.0/16"],
  ])("%s -> %s", (text, problem) => {
    const found = cidrProblem(text);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  it("round-trips", () => {
    expect(formatCidr(parseCidr("172.16.32.0/20"))).toBe("172.16.32.0/20");
    expect(formatCidr(parseCidr("0.0.0.0/0"))).toBe("0.0.0.0/0");
  });

  it("tells overlap and containment apart", () => {
    const a = parseCidr("10.0.0.0/16");
    expect(overlaps(a, parseCidr("10.0.255.0/24"))).toBe(true);
    expect(overlaps(a, parseCidr("10.1.0.0/16"))).toBe(false);
    expect(contains(a, parseCidr("10.0.16.0/20"))).toBe(true);
    expect(contains(parseCidr("10.0.16.0/20"), a)).toBe(false);
  });

  it("allocates aligned blocks and says when they do not fit", () => {
    const blocks = allocate(parseCidr("10.0.0.0/24"), [26, 28, 26])!.map(formatCidr);
    expect(blocks).toEqual(["10.0.0.0/26", "10.0.0.64/28", "10.0.0.128/26"]);
    expect(allocate(parseCidr("10.0.0.0/24"), [25, 25, 28])).toBeUndefined();
  });

  it("finds the first free block of a pool", () => {
    const pool = parseCidr("10.64.0.0/14");
    expect(formatCidr(firstFree(pool, 20, [parseCidr("10.64.0.0/20"), parseCidr("10.64.16.0/21")])!)).toBe("10.64.32.0/20");
    expect(firstFree(parseCidr("10.0.0.0/24"), 24, [parseCidr("10.0.0.0/24")])).toBeUndefined();
  });
});

describe("subnet plan", () => {
  it("reserves AZ slots per tier so the tiers never move", () => {
    const plan = planSubnets({ cidr: "10.64.0.0/20", availabilityZones: ["a1", "a2"], subnetPrefixLength: { public: 26, private: 23, data: 26 }, azSlots: 4 });
    expect(plan).toEqual({
      private: [{ az: "a1", cidr: "10.64.0.0/23" }, { az: "a2", cidr: "10.64.2.0/23" }],
      public: [{ az: "a1", cidr: "10.64.8.0/26" }, { az: "a2", cidr: "10.64.8.64/26" }],
      data: [{ az: "a1", cidr: "10.64.9.0/26" }, { az: "a2", cidr: "10.64.9.64/26" }],
    });
  });
});
