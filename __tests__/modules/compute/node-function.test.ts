import { describe, expect, it } from "vitest";
import { NodeFunction, type NodeFunctionProps } from "../../../modules/compute/node-function";
import { Peer, Port } from "../../../modules/core/connections";
import { DeadLetterQueue } from "../../../modules/messaging/dead-letter-queue";
import { AlertTopic } from "../../../modules/observability/alert-topic";
import { KmsKey } from "../../../modules/security/kms-key";
import { lambdaBundles } from "../../../src/lifecycle/bundle";
import { REGION, actionsOf, moduleStack, type PolicyJson } from "../../helpers/stack";
import { listOf, parseJsonAttribute, synthJson, type TerraformJson } from "../../helpers/synth";

function synth(extra: Partial<NodeFunctionProps> = {}, configure: (fn: NodeFunction) => void = () => undefined): TerraformJson {
  const m = moduleStack();
  const key = new KmsKey(m.stack, "key", { alias: "test", description: "test" });
  const fn = new NodeFunction(m.stack, "fn", {
    component: "post-apply",
    description: "test",
    code: lambdaBundles().postApply,
    key,
    deadLetterQueue: new DeadLetterQueue(m.stack, "dlq", { name: "dlq", key }),
    ...extra,
  });
  configure(fn);
  return synthJson(m.stack);
}

const rolePolicy = (json: TerraformJson) => parseJsonAttribute<PolicyJson>(listOf(json, "aws_iam_role_policy")[0]!.policy);

describe("NodeFunction", () => {
  it("runs outside any VPC by default, without network-interface permissions", () => {
    const json = synth();
    expect(listOf(json, "aws_lambda_function")[0]!.vpc_config).toBeUndefined();
    expect(listOf(json, "aws_security_group")).toEqual([]);
    expect(rolePolicy(json).Statement.flatMap(actionsOf)).not.toContain("ec2:CreateNetworkInterface");
  });

  describe("in a VPC", () => {
    const json = synth({ vpc: { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"] } }, (fn) =>
      fn.connections.allowTo(Peer.securityGroupId("sg-db"), Port.tcp(3306), { egress: { id: "egress-db", description: "MySQL to the event database" } }),
    );
    const fn = listOf(json, "aws_lambda_function")[0]!;

    it("attaches to the given subnets with a security group of its own, detached before destroy", () => {
      const [sg] = listOf(json, "aws_security_group");
      expect(sg).toEqual(expect.objectContaining({ name: "flashcrowd-test-post-apply-fn", vpc_id: "vpc-1" }));
      expect(fn.vpc_config).toEqual({ subnet_ids: ["subnet-a", "subnet-b"], security_group_ids: [expect.stringContaining("aws_security_group.fn_sg_")] });
      expect(fn.replace_security_groups_on_destroy).toBe(true);
    });

    it("admits nothing and sends HTTPS plus what its links open", () => {
      expect(listOf(json, "aws_vpc_security_group_ingress_rule")).toEqual([]);
      const egress = listOf(json, "aws_vpc_security_group_egress_rule");
      expect(egress.map((r) => [r.from_port, r.cidr_ipv4 ?? r.referenced_security_group_id]).sort()).toEqual([
        [3306, "sg-db"],
        [443, "0.0.0.0/0"],
      ]);
      expect(egress.every((r) => typeof r.description === "string" && r.description.length > 0)).toBe(true);
    });

    it("lets Lambda manage the function's network interfaces", () => {
      const statement = rolePolicy(json).Statement.find((s) => s.Sid === "VpcNetworkInterfaces")!;
      expect(actionsOf(statement)).toEqual(expect.arrayContaining(["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:DescribeNetworkInterfaces"]));
    });
  });

  it("takes grants of resources into its one policy: the dead-letter queue's first, repeated Sids numbered", () => {
    const json = synth({}, (fn) => {
      const key = new KmsKey(fn.node.scope!, "other-key", { alias: "other", description: "other" });
      const topic = new AlertTopic(fn.node.scope!, "alerts", { kmsKey: key });
      const grant = topic.grantPublish(fn);
      expect(grant.principalStatements.map((s) => s.sid)).toEqual(["PublishAlerts", "AlertTopicKey"]);
      new DeadLetterQueue(fn.node.scope!, "dlq-2", { name: "dlq-2", key }).grantSend(fn);
    });
    const policies = listOf(json, "aws_iam_role_policy");
    expect(policies).toHaveLength(1);
    expect(rolePolicy(json).Statement.map((s) => s.Sid)).toEqual([
      "WriteOwnLogs",
      "XRayTraces",
      "SendToDeadLetterQueue",
      "DeadLetterQueueKey",
      "DecryptEnvironment",
      "PublishAlerts",
      "AlertTopicKey",
      "SendToDeadLetterQueue2",
      "DeadLetterQueueKey2",
    ]);
    expect(rolePolicy(json).Statement.find((s) => s.Sid === "AlertTopicKey")!.Condition).toEqual({ StringEquals: { "kms:ViaService": `sns.${REGION}.amazonaws.com` } });
  });

  it("has no security group to link outside a VPC", () => {
    expect(() => synth({}, (fn) => fn.connections.allowTo(Peer.securityGroupId("sg-db"), Port.tcp(3306), "MySQL"))).toThrow(
      /test\/fn: only a function in a VPC \(props.vpc\) has a security group to connect/,
    );
  });
});
