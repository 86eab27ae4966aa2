import type { TerraformStack } from "cdktf";
import { describe, expect, it } from "vitest";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { VpcPeering, type VpcPeeringProps } from "../../../modules/network/vpc-peering";
import { Naming } from "../../../src/core/naming";
import { environmentStack } from "../../helpers/stack";
import { listOf, synthJson } from "../../helpers/synth";

const EVENT_DATA = ["10.64.12.0/26", "10.64.12.64/26", "10.64.12.128/26"];
const PROD_DATA = ["10.0.68.0/24", "10.0.69.0/24", "10.0.70.0/24"];

/** A peering from an event stack (account `account`, ap-northeast-2) to prod (210987654321, ap-northeast-2). */
function synthPeering(change: (props: VpcPeeringProps, stack: TerraformStack) => void = () => undefined, account = "210987654321") {
  const { stack } = environmentStack({ account, naming: new Naming("flashcrowd", "event-dec-flash-sale") });
  const props: VpcPeeringProps = {
    component: "to-prod",
    requester: { vpcId: "vpc-event", routeTableIds: ["rtb-event-data"], cidrs: EVENT_DATA },
    accepter: { vpcId: "vpc-prod", accountId: "210987654321", region: "ap-northeast-2", routeTableIds: ["rtb-prod-data"], cidrs: PROD_DATA },
  };
  change(props, stack);
  new VpcPeering(stack, "peering", props);
  return synthJson(stack);
}

type RouteJson = { route_table_id: string; destination_cidr_block: string; vpc_peering_connection_id: string; provider?: string };

describe("VpcPeering in one account and region", () => {
  const json = synthPeering();

  it("auto-accepts the connection, with no accepter resource", () => {
    expect(listOf(json, "aws_vpc_peering_connection")).toEqual([
      expect.objectContaining({ vpc_id: "vpc-event", peer_vpc_id: "vpc-prod", auto_accept: true }),
    ]);
    expect(listOf(json, "aws_vpc_peering_connection")[0]).not.toHaveProperty("peer_owner_id");
    expect(listOf(json, "aws_vpc_peering_connection_accepter")).toEqual([]);
  });

  it("routes only event data subnets to prod data subnets and back, through the peering", () => {
    const routes = listOf(json, "aws_route") as RouteJson[];
    const toProd = routes.filter((r) => r.route_table_id === "rtb-event-data").map((r) => r.destination_cidr_block);
    const toEvent = routes.filter((r) => r.route_table_id === "rtb-prod-data").map((r) => r.destination_cidr_block);
    expect(toProd.sort()).toEqual([...PROD_DATA].sort());
    expect(toEvent.sort()).toEqual([...EVENT_DATA].sort());
    expect(routes).toHaveLength(6);
    expect(routes.every((r) => /^\$\{aws_vpc_peering_connection\.peering_connection_[A-Z0-9]+\.id\}$/.test(r.vpc_peering_connection_id))).toBe(true);
  });

  it("lets the event side resolve prod's database endpoint to private addresses", () => {
    expect(listOf(json, "aws_vpc_peering_connection_options")).toEqual([
      expect.objectContaining({ accepter: { allow_remote_vpc_dns_resolution: true } }),
    ]);
  });
});

describe("VpcPeering across accounts", () => {
  const json = synthPeering((props, stack) => {
    const provider = new AwsProvider(stack, "aws-prod", { alias: "prod", region: "ap-northeast-2", assumeRole: [{ roleArn: "arn:aws:iam::210987654321:role/peering-accepter" }] });
    Object.assign(props, { accepter: { ...props.accepter, provider } });
  }, "410987654321");

  it("requests with the peer's owner and accepts on the accepter's provider", () => {
    const [connection] = listOf(json, "aws_vpc_peering_connection");
    expect(connection).toEqual(expect.objectContaining({ peer_owner_id: "210987654321" }));
    expect(connection).not.toHaveProperty("auto_accept");
    expect(listOf(json, "aws_vpc_peering_connection_accepter")).toEqual([
      expect.objectContaining({ provider: "aws.prod", auto_accept: true, vpc_peering_connection_id: expect.stringContaining("aws_vpc_peering_connection.") }),
    ]);
  });

  it("adds the prod-side routes and options with the accepter's provider, once accepted", () => {
    const routes = listOf(json, "aws_route") as RouteJson[];
    const prodSide = routes.filter((r) => r.route_table_id === "rtb-prod-data");
    expect(prodSide.every((r) => r.provider === "aws.prod")).toBe(true);
    expect(routes.filter((r) => r.route_table_id === "rtb-event-data").every((r) => r.provider === undefined)).toBe(true);
    expect(routes.every((r) => r.vpc_peering_connection_id.includes("aws_vpc_peering_connection_accepter."))).toBe(true);
    expect(listOf(json, "aws_vpc_peering_connection_options")[0]).toEqual(expect.objectContaining({ provider: "aws.prod" }));
  });
});

describe("VpcPeering rejects", () => {
  it("another account without an accepter provider", () => {
    expect(() => synthPeering(() => undefined, "410987654321")).toThrow(
      /the accepter is in 210987654321\/ap-northeast-2, not 410987654321\/ap-northeast-2; pass accepter.provider/,
    );
  });

  it("another region without an accepter provider", () => {
    expect(() => synthPeering((props) => Object.assign(props, { accepter: { ...props.accepter, region: "ap-northeast-1" } }))).toThrow(/pass accepter.provider/);
  });

  it("an empty list of blocks", () => {
    expect(() => synthPeering((props) => Object.assign(props, { accepter: { ...props.accepter, cidrs: [] } }))).toThrow(/accepter.cidrs is empty/);
  });

  it("a malformed block", () => {
    expect(() => synthPeering((props) => Object.assign(props, { requester: { ...props.requester, cidrs: ["10.64.12.1/26"] } }))).toThrow(/has host bits set/);
  });

  it("peers with the region given when the accepter is in another region of the account", () => {
    const json = synthPeering((props, stack) => {
      const provider = new AwsProvider(stack, "aws-tokyo", { alias: "tokyo", region: "ap-northeast-1" });
      Object.assign(props, { accepter: { ...props.accepter, region: "ap-northeast-1", provider } });
    });
    expect(listOf(json, "aws_vpc_peering_connection")[0]).toEqual(expect.objectContaining({ peer_region: "ap-northeast-1" }));
    expect(listOf(json, "aws_vpc_peering_connection")[0]).not.toHaveProperty("peer_owner_id");
  });
});
