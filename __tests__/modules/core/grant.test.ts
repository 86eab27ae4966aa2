import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { describe, expect, it } from "vitest";
import { AccountPrincipal, Grant, PolicyStatements, RolePrincipal, type IGrantable, type IPrincipal, type InlinePolicy } from "../../../modules/core/grant";
import type { PolicyStatement } from "../../../modules/security/policy-document";
import { parseJsonAttribute, resourcesOf, synthJson } from "../../helpers/synth";
import { moduleStack, type PolicyJson } from "../../helpers/stack";

/** A function-like principal: one role, one policy that collects every grant (as NodeFunction does). */
class Collecting extends Construct implements IPrincipal, IGrantable {
  readonly grantPrincipal: IPrincipal = this;
  readonly grantId = this.node.id;
  private readonly statements = new PolicyStatements();

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.statements.add({ sid: "WriteOwnLogs", actions: ["logs:PutLogEvents"], resources: ["*"] });
    const role = new IamRole(this, "role", { name: id, assumeRolePolicy: "{}" });
    new IamRolePolicy(this, "policy", { role: role.id, name: "least-privilege", policy: this.statements.document() });
  }

  addToPrincipalPolicy(statements: readonly PolicyStatement[]): boolean {
    this.statements.add(...statements);
    return true;
  }
}

/** A resource with one grant of each kind: a policy of its own on the role, and statements for the grantee's policy. */
class Queue extends Construct {
  /** The resource owns the policy a bare role gets (it lives and dies with the resource). */
  grantConnect(grantee: IGrantable): Grant {
    return this.grant(grantee, { scope: this, id: `connect-${grantee.grantPrincipal.grantId}`, name: "queue-connect", roleBy: "name" });
  }

  /** The grantee's side holds the statements. */
  grantSend(grantee: IGrantable): Grant {
    return this.grant(grantee, { id: "send", name: "queue-send" });
  }

  private grant(grantee: IGrantable, policy: InlinePolicy): Grant {
    return Grant.addToPrincipalOrResource({
      grantee,
      resource: this,
      statements: [{ sid: "SendToQueue", actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:ap-northeast-2:123456789012:q"] }],
      policy,
      addToResourcePolicy: (principal) => [{ sid: `From${principal.account}`, principals: principal.principals, actions: ["sqs:SendMessage"], conditions: principal.conditions }],
    });
  }
}

/** Role policies by logical id without its hash, their role reference and statements. */
function policies(construct: Construct) {
  const json = synthJson(TerraformStack.of(construct));
  return Object.fromEntries(
    Object.entries(resourcesOf(json, "aws_iam_role_policy")).map(([id, p]) => [
      id.replace(/_[0-9A-F]{8}$/, ""),
      { name: p.name, role: p.role, statements: parseJsonAttribute<PolicyJson>(p.policy).Statement },
    ]),
  );
}

describe("Grant", () => {
  it("adds to the one policy of a collecting principal, numbering repeated Sids", () => {
    const { stack } = moduleStack();
    const fn = new Collecting(stack, "fn");
    const queue = new Queue(stack, "queue");
    const first = queue.grantSend(fn);
    queue.grantConnect(fn);

    expect(first.principalStatements.map((s) => s.sid)).toEqual(["SendToQueue"]);
    expect(first.resourceStatements).toEqual([]);
    const all = policies(stack);
    expect(Object.keys(all)).toEqual(["fn_policy"]);
    expect(all.fn_policy!.statements.map((s) => s.Sid)).toEqual(["WriteOwnLogs", "SendToQueue", "SendToQueue2"]);
  });

  it("gives a bare role a policy of the resource when the resource owns it, and one next to the role otherwise", () => {
    const { stack } = moduleStack();
    const tasks = new RolePrincipal(new IamRole(stack, "web-task-role", { name: "web-task", assumeRolePolicy: "{}" }), { grantId: "web" });
    const queue = new Queue(stack, "queue");
    queue.grantConnect(tasks);
    queue.grantSend(tasks);

    const all = policies(stack);
    expect(all["queue_connect-web"]).toEqual({
      name: "queue-connect",
      role: expect.stringMatching(/^\$\{aws_iam_role\.web-task-role\.name\}$/),
      statements: [expect.objectContaining({ Sid: "SendToQueue" })],
    });
    expect(all["web-send"]).toEqual(expect.objectContaining({ name: "queue-send", role: expect.stringMatching(/^\$\{aws_iam_role\.web-task-role\.id\}$/) }));
  });

  it("collects the grants that bring no policy into the role's own policy, when it has one", () => {
    const { stack } = moduleStack();
    const role = new IamRole(stack, "web-task-role", { name: "web-task", assumeRolePolicy: "{}" });
    const tasks = new RolePrincipal(role, { grantId: "web", policy: { id: "web-task-policy", name: "orders-queue" } });
    const queue = new Queue(stack, "queue");
    queue.grantSend(tasks);
    queue.grantConnect(tasks);
    new Queue(stack, "other").grantSend(tasks);

    const all = policies(stack);
    expect(Object.keys(all).sort()).toEqual(["queue_connect-web", "web-task-policy"]);
    expect(all["web-task-policy"]!.name).toBe("orders-queue");
    expect(all["web-task-policy"]!.statements.map((s) => s.Sid)).toEqual(["SendToQueue", "SendToQueue2"]);
  });

  it("grants another account's principals through the resource's policy only", () => {
    const { stack } = moduleStack();
    const queue = new Queue(stack, "queue");
    const grant = queue.grantSend(new AccountPrincipal("510987654321", { principalArnLike: "arn:aws:iam::510987654321:role/event-*" }));

    expect(grant.principalStatements).toEqual([]);
    expect(grant.resourceStatements).toEqual([
      {
        sid: "From510987654321",
        principals: { type: "AWS", identifiers: ["arn:aws:iam::510987654321:root"] },
        actions: ["sqs:SendMessage"],
        conditions: { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::510987654321:role/event-*" } },
      },
    ]);
    expect(policies(stack)).toEqual({});
  });

  it("refuses another account's principals where the resource has no resource-policy grant", () => {
    const { stack } = moduleStack();
    const queue = new Queue(stack, "queue");
    expect(() =>
      Grant.addToPrincipal({ grantee: new AccountPrincipal("510987654321"), resource: queue, statements: [], policy: { id: "x", name: "x" } }),
    ).toThrow(/test\/queue: cannot grant account-510987654321 through its identity policy/);
  });
});
