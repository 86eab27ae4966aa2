import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { describe, expect, it } from "vitest";
import { Connections, Peer, Port, type IConnectable } from "../../../modules/core/connections";
import { resourcesOf, synthJson } from "../../helpers/synth";
import { moduleStack } from "../../helpers/stack";

/** A module with one security group, as the real modules have. */
class Box extends Construct implements IConnectable {
  readonly securityGroup: SecurityGroup;
  readonly connections: Connections;

  constructor(scope: Construct, id: string, options: { port?: number; allOutbound?: boolean } = {}) {
    super(scope, id);
    this.securityGroup = new SecurityGroup(this, "sg", { name: id, vpcId: "vpc-1" });
    this.connections = new Connections({
      securityGroup: this.securityGroup,
      defaultPort: options.port === undefined ? undefined : Port.tcp(options.port),
      allowAllOutbound: options.allOutbound ? { id: "all-out", description: "Anything anywhere" } : undefined,
    });
  }
}

const INGRESS = "aws_vpc_security_group_ingress_rule";
const EGRESS = "aws_vpc_security_group_egress_rule";

/**
 * Rules of `type` by logical id without its hash (`db_ingress-app`; a rule directly under the stack
 * keeps its id), with references to a module's group written `sg:<module>`.
 */
function rulesByPath(stack: TerraformStack, type: string): Record<string, Record<string, unknown>> {
  const json = JSON.parse(JSON.stringify(synthJson(stack)).replace(/\$\{aws_security_group\.([a-z0-9-]+)_sg_[0-9A-F]{8}\.id\}/g, "sg:$1")) as ReturnType<typeof synthJson>;
  return Object.fromEntries(Object.entries(resourcesOf(json, type)).map(([id, rule]) => [id.replace(/_[0-9A-F]{8}$/, ""), rule]));
}

describe("Connections", () => {
  it("writes both rules of a link with one call: ingress on the target's group, egress on the source's", () => {
    const { stack } = moduleStack();
    const db = new Box(stack, "db", { port: 3306 });
    const app = new Box(stack, "app");
    db.connections.allowDefaultPortFrom(app, { ingress: { description: "app tasks" }, egress: { id: "egress-db", description: "MySQL to the database" } });

    expect(rulesByPath(stack, INGRESS)).toEqual({
      "db_ingress-app-tasks": {
        security_group_id: "sg:db",
        referenced_security_group_id: "sg:app",
        description: "app tasks",
        ip_protocol: "tcp",
        from_port: 3306,
        to_port: 3306,
      },
    });
    expect(rulesByPath(stack, EGRESS)).toEqual({
      "app_egress-db": {
        security_group_id: "sg:app",
        referenced_security_group_id: "sg:db",
        description: "MySQL to the database",
        ip_protocol: "tcp",
        from_port: 3306,
        to_port: 3306,
      },
    });
  });

  it("writes the same rules from either side, and takes the other's default port with allowToDefaultPort", () => {
    const a = moduleStack();
    const db1 = new Box(a.stack, "db", { port: 3306 });
    db1.connections.allowDefaultPortFrom(new Box(a.stack, "app"), "App");
    const b = moduleStack();
    const db2 = new Box(b.stack, "db", { port: 3306 });
    new Box(b.stack, "app").connections.allowToDefaultPort(db2, "App");

    expect(rulesByPath(b.stack, INGRESS)).toEqual(rulesByPath(a.stack, INGRESS));
    expect(rulesByPath(b.stack, EGRESS)).toEqual(rulesByPath(a.stack, EGRESS));
    expect(Object.keys(rulesByPath(a.stack, EGRESS))).toEqual(["app_egress-app"]);
  });

  it("writes no egress rule for a source that allows all outbound traffic, and refuses egress options for it", () => {
    const { stack } = moduleStack();
    const db = new Box(stack, "db", { port: 3306 });
    const nodes = new Box(stack, "nodes", { allOutbound: true });
    db.connections.allowDefaultPortFrom(nodes, { ingress: { description: "Nodes and pods" } });

    expect(Object.keys(rulesByPath(stack, INGRESS))).toEqual(["db_ingress-nodes-and-pods"]);
    expect(rulesByPath(stack, EGRESS)).toEqual({
      "nodes_all-out": { security_group_id: "sg:nodes", description: "Anything anywhere", ip_protocol: "-1", cidr_ipv4: "0.0.0.0/0" },
    });
    expect(nodes.connections.allowsAllOutbound).toBe(true);
    expect(() => new Box(stack, "cache", { port: 6379 }).connections.allowDefaultPortFrom(nodes, { ingress: { description: "Nodes" }, egress: { description: "Cache" } })).toThrow(
      /allows all outbound traffic, so the link writes no egress rule; drop the egress options/,
    );
  });

  it("refuses the same rule twice, naming the construct path and the fix", () => {
    const { stack } = moduleStack();
    const db = new Box(stack, "db", { port: 3306 });
    db.connections.allowDefaultPortFrom(Peer.securityGroupId("sg-1"), { ingress: { description: "EKS nodes" } });
    expect(() => db.connections.allowDefaultPortFrom(Peer.securityGroupId("sg-2"), { ingress: { description: "EKS nodes" } })).toThrow(
      'test/db: ingress rule "ingress-eks-nodes" ("EKS nodes") was already granted; each link is written once: drop the repeated call, or give this rule its own description or id',
    );
  });

  it("refuses a second rule for the same peer and port under another name", () => {
    const { stack } = moduleStack();
    const db = new Box(stack, "db", { port: 3306 });
    const app = new Box(stack, "app");
    db.connections.allowDefaultPortFrom(app, "App");
    expect(() => db.connections.allowDefaultPortFrom(app, { ingress: { description: "App again" }, egress: { description: "App again" } })).toThrow(
      /test\/db: ingress tcp 3306 from test\/app was already granted as "test\/db\/ingress-app"; AWS refuses identical rules/,
    );
  });

  it("writes one numbered rule per block of a CIDR peer", () => {
    const { stack } = moduleStack();
    const fn = new Box(stack, "fn");
    fn.connections.allowTo(Peer.ipv4List(["10.0.68.0/24", "10.0.69.0/24"]), Port.tcp(3306), { egress: { id: "egress-prod-db", description: "MySQL to prod" } });
    fn.connections.allowTo(Peer.anyIpv4(), Port.tcp(443), { egress: { id: "egress-https", description: "HTTPS" } });

    const egress = rulesByPath(stack, EGRESS);
    expect(Object.keys(egress).sort()).toEqual(["fn_egress-https", "fn_egress-prod-db-0", "fn_egress-prod-db-1"]);
    expect(egress["fn_egress-prod-db-1"]).toEqual(expect.objectContaining({ cidr_ipv4: "10.0.69.0/24", description: "MySQL to prod, 10.0.69.0/24", from_port: 3306 }));
    expect(egress["fn_egress-https"]).toEqual(expect.objectContaining({ cidr_ipv4: "0.0.0.0/0", from_port: 443, to_port: 443 }));
    expect(rulesByPath(stack, INGRESS)).toEqual({});
  });

  it("refuses a block listed twice in one call", () => {
    const { stack } = moduleStack();
    const fn = new Box(stack, "fn");
    expect(() => fn.connections.allowTo(Peer.ipv4List(["10.0.68.0/24", "10.0.68.0/24"]), Port.tcp(3306), { egress: { id: "egress-prod-db", description: "MySQL" } })).toThrow(
      /egress tcp 3306 to 10.0.68.0\/24 was already granted as "test\/fn\/egress-prod-db-0"/,
    );
  });

  it("admits a prefix list, and names blocks through a description function", () => {
    const { stack } = moduleStack();
    const alb = new Box(stack, "alb");
    alb.connections.allowFrom(Peer.prefixList("pl-123"), Port.tcp(443), { ingress: { id: "https-from-cloudfront", description: "HTTPS from CloudFront" } });
    alb.connections.allowFrom(Peer.ipv4List(["10.1.0.0/24"]), Port.tcp(80), { ingress: { id: "from-event", description: (cidr) => `HTTP from ${cidr}` } });

    const ingress = rulesByPath(stack, INGRESS);
    expect(ingress["alb_https-from-cloudfront"]).toEqual(expect.objectContaining({ prefix_list_id: "pl-123", from_port: 443 }));
    expect(ingress["alb_from-event-0"]).toEqual(expect.objectContaining({ cidr_ipv4: "10.1.0.0/24", description: "HTTP from 10.1.0.0/24" }));
  });

  it("allows members of a group to reach each other, all protocols", () => {
    const { stack } = moduleStack();
    const nodes = new Box(stack, "nodes", { allOutbound: true });
    nodes.connections.allowInternally(Port.allTraffic(), { ingress: { id: "nodes-from-nodes", description: "Node to node" } });
    expect(rulesByPath(stack, INGRESS)["nodes_nodes-from-nodes"]).toEqual({
      security_group_id: "sg:nodes",
      referenced_security_group_id: "sg:nodes",
      description: "Node to node",
      ip_protocol: "-1",
    });
  });

  it("skips a side whose existing rule covers the link, and checks that it does", () => {
    const { stack } = moduleStack();
    const bastion = new Box(stack, "bastion");
    bastion.connections.allowTo(Peer.ipv4("10.0.0.0/16"), Port.tcp(443), { egress: { id: "egress-endpoints", description: "HTTPS in the VPC" } });
    const api = new Box(stack, "api", { port: 443 });
    api.connections.allowDefaultPortFrom(bastion, { ingress: { id: "api-from-bastion", description: "Bastion" }, egress: { coveredBy: "egress-endpoints" } });

    expect(Object.keys(rulesByPath(stack, EGRESS))).toEqual(["bastion_egress-endpoints"]);
    expect(Object.keys(rulesByPath(stack, INGRESS))).toEqual(["api_api-from-bastion"]);
    const db = new Box(stack, "db", { port: 3306 });
    expect(() => db.connections.allowDefaultPortFrom(bastion, { ingress: { description: "Bastion" }, egress: { coveredBy: "egress-endpoints" } })).toThrow(
      /test\/bastion: egress rule "egress-endpoints" allows tcp 443, which does not cover tcp 3306/,
    );
    expect(() => db.connections.allowDefaultPortFrom(bastion, { ingress: { description: "Bastion 2" }, egress: { coveredBy: "egress-nothing" } })).toThrow(
      /no egress rule "egress-nothing" to cover tcp 3306/,
    );
  });

  it("writes a rule on a group of another stack only in a scope the caller names", () => {
    const app = Testing.app();
    const prod = new TerraformStack(app, "prod");
    new AwsProvider(prod, "aws", { region: "ap-northeast-2" });
    const event = new TerraformStack(app, "event");
    new AwsProvider(event, "aws", { region: "ap-northeast-2" });
    const db = new Box(prod, "db", { port: 3306 });
    const check = new Box(event, "check");
    check.connections.allowTo(Peer.ipv4List(["10.0.68.0/24"]), Port.tcp(3306), { egress: { id: "egress-prod-db", description: "MySQL to prod" } });

    expect(() => db.connections.allowDefaultPortFrom(check, { ingress: { description: "Checks" }, egress: { coveredBy: "egress-prod-db" } })).toThrow(
      /would be written into stack "prod" from stack "event", making each stack depend on the other; give ingress.scope/,
    );
    db.connections.allowDefaultPortFrom(check, { ingress: { scope: event, id: "prod-db-from-check", description: "Checks" }, egress: { coveredBy: "egress-prod-db" } });
    expect(Object.keys(rulesByPath(event, INGRESS))).toEqual(["prod-db-from-check"]);
    expect(rulesByPath(prod, INGRESS)).toEqual({});
  });

  it("writes rules on a group known by id with its provider, under the scope given", () => {
    const { stack } = moduleStack();
    const accepter = new AwsProvider(stack, "accepter", { region: "ap-northeast-1", alias: "accepter" });
    const dms = new Box(stack, "dms");
    const prodDb = new Connections({ securityGroup: { id: "sg-prod-db" }, provider: accepter, defaultPort: Port.tcp(3306) });
    expect(() => prodDb.allowDefaultPortFrom(Peer.ipv4List(["10.1.0.0/24"]), { ingress: { description: "DMS" } })).toThrow(/known only by id, so its ingress rule needs a scope/);
    prodDb.allowDefaultPortFrom(Peer.ipv4List(["10.1.0.0/24"]), { ingress: { scope: dms, id: "target-ingress", description: (cidr) => `DMS, from ${cidr}` } });
    expect(rulesByPath(stack, INGRESS)).toEqual({
      "dms_target-ingress-0": {
        security_group_id: "sg-prod-db",
        cidr_ipv4: "10.1.0.0/24",
        description: "DMS, from 10.1.0.0/24",
        ip_protocol: "tcp",
        from_port: 3306,
        to_port: 3306,
        provider: "aws.accepter",
      },
    });
  });

  it("needs a default port for the default-port calls and a description for each side written", () => {
    const { stack } = moduleStack();
    const a = new Box(stack, "a");
    const b = new Box(stack, "b");
    expect(() => a.connections.allowDefaultPortFrom(b, "B")).toThrow(/test\/a: allowDefaultPortFrom needs a default port/);
    expect(() => a.connections.allowFrom(b, Port.tcp(80), { ingress: { description: "B" } })).toThrow(/test\/b: allowing tcp 80 to test\/a needs egress options/);
    expect(() => Port.tcpRange(10, 5)).toThrow(/reversed/);
  });
});
