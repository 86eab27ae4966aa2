/**
 * Where a module puts its network interfaces (instances, databases, load balancers, functions): a
 * VPC and some of its subnets. `Network.placement(tier)` gives one; a module of another stack can
 * be given one by reference.
 */
export interface SubnetPlacement {
  readonly vpcId: string;
  /** Subnets in AZ order, each in its own AZ. */
  readonly subnetIds: readonly string[];
}
