import type { Construct } from "constructs";
import type { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Route } from "@cdktf/provider-aws/lib/route";
import { VpcPeeringConnection } from "@cdktf/provider-aws/lib/vpc-peering-connection";
import { VpcPeeringConnectionAccepterA } from "@cdktf/provider-aws/lib/vpc-peering-connection-accepter";
import { VpcPeeringConnectionOptions } from "@cdktf/provider-aws/lib/vpc-peering-connection-options";
import { cidrProblem } from "../../src/core/cidr";
import { ModuleConstruct } from "../core/environment";

/** One side of the peering: its VPC, and the route tables and blocks that may talk to the other side. */
export interface VpcPeeringSide {
  readonly vpcId: string;
  /** Route tables of this side that get routes to the other side's `cidrs` (the data tier's). */
  readonly routeTableIds: readonly string[];
  /**
   * The blocks of this side the other side routes to: the data subnets, not the whole VPC, so
   * nothing else of either VPC is reachable through the peering.
   */
  readonly cidrs: readonly string[];
}

export interface VpcPeeringProps {
  /** Component of the connection's Name tag (`{project}-{stack}-<component>`). */
  readonly component: string;
  /** This stack's VPC, which requests the peering (in the stack's account and region, on its default provider). */
  readonly requester: VpcPeeringSide;
  /** The other VPC, in its own account and region (the stack's, or another environment's). */
  readonly accepter: VpcPeeringSide & {
    readonly accountId: string;
    readonly region: string;
    /**
     * Provider acting in the accepter's account and region: accepts the peering, sets its options
     * and adds its routes.
     * @default - the stack's default provider; only valid when the accepter is in the same account
     * and region, where the peering is auto-accepted
     */
    readonly provider?: AwsProvider;
  };
  /**
   * Let the requester resolve the accepter's public DNS names (e.g. an RDS endpoint) to private
   * addresses, so DMS always reaches the prod database through the peering.
   * @default true
   */
  readonly allowRemoteDnsResolution?: boolean;
}

/**
 * A VPC peering connection from this stack's VPC to another VPC: auto-accepted in the same account
 * and region, otherwise accepted by an `aws_vpc_peering_connection_accepter` on the accepter's
 * provider. Routes are added only between the given route tables and blocks (event data subnets
 * to prod data subnets), in both directions.
 */
export class VpcPeering extends ModuleConstruct {
  readonly connection: VpcPeeringConnection;
  readonly accepterConnection?: VpcPeeringConnectionAccepterA;
  /** Peering connection id, available once the peering is active. */
  readonly peeringConnectionId: string;
  readonly crossAccount: boolean;
  readonly crossRegion: boolean;

  constructor(scope: Construct, id: string, props: VpcPeeringProps) {
    super(scope, id);
    const { requester, accepter } = props;
    const { naming, account, region } = this;
    for (const [side, s] of [
      ["requester", requester],
      ["accepter", accepter],
    ] as const) {
      if (s.routeTableIds.length === 0) throw new Error(`${this.node.path}: ${side}.routeTableIds is empty; give the data tier's route table`);
      if (s.cidrs.length === 0) throw new Error(`${this.node.path}: ${side}.cidrs is empty; give the data subnets' blocks`);
      for (const cidr of s.cidrs) {
        const problem = cidrProblem(cidr);
        if (problem) throw new Error(`${this.node.path}: ${side}.cidrs: ${problem}`);
      }
    }
    this.crossAccount = accepter.accountId !== account;
    this.crossRegion = accepter.region !== region;
    const autoAccept = !this.crossAccount && !this.crossRegion;
    if (!autoAccept && !accepter.provider) {
      throw new Error(
        `${this.node.path}: the accepter is in ${accepter.accountId}/${accepter.region}, not ${account}/${region}; pass accepter.provider acting there`,
      );
    }
    const name = naming.name(props.component);
    const accepterProvider = autoAccept ? undefined : accepter.provider;

    this.connection = new VpcPeeringConnection(this, "connection", {
      vpcId: requester.vpcId,
      peerVpcId: accepter.vpcId,
      ...(this.crossAccount ? { peerOwnerId: accepter.accountId } : {}),
      ...(this.crossRegion ? { peerRegion: accepter.region } : {}),
      ...(autoAccept ? { autoAccept: true } : {}),
      tags: { Name: name, Side: "requester" },
    });
    if (!autoAccept) {
      this.accepterConnection = new VpcPeeringConnectionAccepterA(this, "accepter", {
        provider: accepterProvider,
        vpcPeeringConnectionId: this.connection.id,
        autoAccept: true,
        tags: { Name: name, Side: "accepter" },
      });
    }
    // Taken from the accepter resource when there is one, so nothing uses the peering before it is active.
    this.peeringConnectionId = this.accepterConnection?.id ?? this.connection.id;

    if (props.allowRemoteDnsResolution ?? true) {
      new VpcPeeringConnectionOptions(this, "accepter-options", {
        provider: accepterProvider,
        vpcPeeringConnectionId: this.peeringConnectionId,
        accepter: { allowRemoteVpcDnsResolution: true },
      });
    }

    const routes = (side: "requester" | "accepter", tables: readonly string[], destinations: readonly string[], provider?: AwsProvider) =>
      tables.forEach((routeTableId, t) =>
        destinations.forEach((cidr) => {
          new Route(this, `${side}-rt${t}-${cidr.replace(/[./]/g, "-")}`, {
            provider,
            routeTableId,
            destinationCidrBlock: cidr,
            vpcPeeringConnectionId: this.peeringConnectionId,
          });
        }),
      );
    routes("requester", requester.routeTableIds, accepter.cidrs);
    routes("accepter", accepter.routeTableIds, requester.cidrs, accepterProvider);
  }
}
