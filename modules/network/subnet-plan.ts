import { allocate, blockSize, formatCidr, parseCidr } from "../../src/core/cidr";

/** The tiers of a network, in the order their blocks are laid out. */
export const SUBNET_TIERS = ["private", "public", "data"] as const;
export type SubnetTier = (typeof SUBNET_TIERS)[number];

/** Prefix length of each subnet, per tier (16-28, the AWS subnet limits). */
export type SubnetPrefixLength = Readonly<Record<SubnetTier, number>>;

export interface SubnetPlanInput {
  readonly cidr: string;
  readonly availabilityZones: readonly string[];
  readonly subnetPrefixLength: SubnetPrefixLength;
  /** Blocks reserved per tier; at least the number of AZs. */
  readonly azSlots: number;
}

/** One CIDR per AZ for each tier, in AZ order. */
export type SubnetPlan = Record<SubnetTier, { az: string; cidr: string }[]>;

/**
 * Lays the tiers out one after another, private first: each tier reserves `azSlots` blocks, of which
 * the first `availabilityZones.length` are used. Adding an AZ (up to `azSlots`) therefore never moves
 * an existing subnet, and changing nothing else never changes a CIDR.
 *
 * Returns a string describing the problem when the subnets do not fit.
 */
export function planSubnets(input: SubnetPlanInput): SubnetPlan | string {
  const { availabilityZones: azs, azSlots, subnetPrefixLength: sizes } = input;
  if (azs.length > azSlots) {
    return `${azs.length} availability zones but azSlots is ${azSlots}; raise azSlots to at least ${azs.length}`;
  }
  const vpc = parseCidr(input.cidr);
  const prefixes = SUBNET_TIERS.flatMap((tier) => Array<number>(azSlots).fill(sizes[tier]));
  const blocks = allocate(vpc, prefixes);
  if (!blocks) {
    const needed = SUBNET_TIERS.reduce((sum, tier) => sum + azSlots * blockSize(sizes[tier]), 0);
    const fitting = 32 - Math.ceil(Math.log2(needed));
    return (
      `${input.cidr} holds ${blockSize(vpc.prefix)} addresses but ${azSlots} AZ slots of ` +
      `/${sizes.private} private + /${sizes.public} public + /${sizes.data} data subnets need ${needed}; ` +
      `use a /${fitting} or larger block, smaller subnets (higher subnetPrefixLength) or fewer azSlots`
    );
  }
  const plan = { private: [], public: [], data: [] } as SubnetPlan;
  SUBNET_TIERS.forEach((tier, t) => {
    azs.forEach((az, i) => {
      plan[tier].push({ az, cidr: formatCidr(blocks[t * azSlots + i]!) });
    });
  });
  return plan;
}
