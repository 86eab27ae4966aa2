import { compliant, nonCompliant } from "../../check";
import { blocks, isExpression, isFalse, isTrue, refersTo, resourcesOf, show, type TfResource } from "../../terraform";
import type { Rule, TerraformJson } from "../../types";

/** No subnet gives instances a public IP on launch unless it is a public subnet (routed to an internet gateway). */
export const Ec2SubnetNoPublicIpOnLaunch: Rule = (json) =>
  resourcesOf(json, "aws_subnet").map((subnet) => {
    const value = subnet.config.map_public_ip_on_launch;
    if (value === undefined || value === null) return compliant(subnet, "map_public_ip_on_launch is not set; the provider default false is safe");
    if (isFalse(value)) return compliant(subnet, "map_public_ip_on_launch = false");
    if (isExpression(value)) {
      return nonCompliant(subnet, `map_public_ip_on_launch is ${show(value)}, known only at apply time; set it to false as a literal`);
    }
    if (isTrue(value) && isPublic(json, subnet)) return compliant(subnet, "public subnet (routed to an internet gateway) with public IPs on launch");
    return nonCompliant(subnet, "map_public_ip_on_launch = true on a subnet with no route to an internet gateway");
  });

function isPublic(json: TerraformJson, subnet: TfResource): boolean {
  const tables = resourcesOf(json, "aws_route_table_association")
    .filter((a) => refersTo(a.config.subnet_id, subnet.address))
    .flatMap((a) => resourcesOf(json, "aws_route_table").filter((rt) => refersTo(a.config.route_table_id, rt.address)));
  return tables.some(
    (rt) =>
      blocks(rt.config.route).some((r) => toInternetGateway(r.gateway_id)) ||
      resourcesOf(json, "aws_route").some((r) => refersTo(r.config.route_table_id, rt.address) && toInternetGateway(r.config.gateway_id)),
  );
}

function toInternetGateway(gatewayId: unknown): boolean {
  return typeof gatewayId === "string" && gatewayId.includes("aws_internet_gateway.");
}
