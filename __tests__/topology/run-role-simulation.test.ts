/**
 * The synthesized run roles, evaluated with an IAM policy simulator: for every kind of stack, what
 * its plan role and its apply role may and may not do, one request per resource type of the kind
 * (the representative actions of src/topology/aws-resource-services.ts).
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { RunRoleKind } from "../../src/config/schema";
import { stackCatalog, type CatalogStack } from "../../src/topology/stack-catalog";
import { AWS_RESOURCE_SERVICES, resourceServices } from "../../src/topology/aws-resource-services";
import { boundaryPolicyArn, EVENT_TAG, PLAN_DATA_READS } from "../../src/topology/run-role-policies";
import { IDENTITY_HOST_ONLY_TYPES, RUN_ROLE_RESOURCE_TYPES, TYPES_WITHOUT_TAG_CONDITIONS } from "../../src/topology/run-role-scope";
import { stacksIn, synthApp } from "../helpers/app";
import { actionInfo, decide, isWrite, synthesizedRolePolicies, type RolePolicies, type World } from "../helpers/iam-simulation";
import { listOf, type TerraformJson } from "../helpers/synth";
import { fixtureConfig } from "../helpers/fixture-config";

const config = fixtureConfig();
const catalog = stackCatalog(config);
const project = config.project.name;

/** The workspace whose roles stand for each kind. */
const REPRESENTATIVE: Record<RunRoleKind, string> = {
  platform: "prod",
  addons: "prod-addons",
  eventEdge: "event-edge",
  control: "control",
  event: "event-xmas-mega-sale",
};

/** Every service the model of ReadOnlyAccess covers: the table's, plus the data services of the Deny. */
const READ_SERVICES = [
  ...new Set([...Object.values(AWS_RESOURCE_SERVICES).flatMap((r) => [r.service, ...(r.alsoUses ?? [])]), ...PLAN_DATA_READS.map((a) => a.split(":")[0]!)]),
];

let stacks: Map<string, TerraformJson>;
beforeAll(() => {
  stacks = stacksIn(synthApp(config));
}, 180_000);

interface Subject {
  readonly stack: CatalogStack;
  readonly world: World;
  readonly boundary: string;
  readonly plan: RolePolicies;
  readonly apply: RolePolicies;
  /** Context keys of a create and of a delete by this workspace (tags, the boundary of the role concerned). */
  readonly creating: Record<string, string | string[]>;
  readonly deleting: Record<string, string | string[]>;
}

function subject(kind: RunRoleKind): Subject {
  const stack = catalog.get(REPRESENTATIVE[kind]);
  const role = stack.runRole!;
  const host = stacks.get(catalog.identityHostOf(role.account))!;
  const world: World = { account: role.account, region: stack.aws!.region, project, hostname: config.project.terraformCloud.hostname };
  const boundary = boundaryPolicyArn(project, role.account);
  const event = stack.event?.slug;
  const tags = { Project: project, Stack: stack.id, ...(event ? { [EVENT_TAG]: event } : {}) };
  const requestTags = Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:RequestTag/${k}`, v]));
  const resourceTags = Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
  return {
    stack,
    world,
    boundary,
    plan: synthesizedRolePolicies(host, role.plan.name, role.account, READ_SERVICES),
    apply: synthesizedRolePolicies(host, role.apply.name, role.account, READ_SERVICES),
    creating: { ...requestTags, ...resourceTags, "aws:TagKeys": Object.keys(tags), "iam:PermissionsBoundary": boundary },
    deleting: { ...resourceTags, "iam:PermissionsBoundary": boundary },
  };
}

const KINDS = Object.keys(REPRESENTATIVE) as RunRoleKind[];

describe.each(KINDS)("the %s kind's run roles", (kind) => {
  let s: Subject;
  beforeAll(() => {
    s = subject(kind);
  });
  const types = RUN_ROLE_RESOURCE_TYPES[kind];

  it("carry the account's permissions boundary, both of them", () => {
    expect(s.plan.boundary).toBeDefined();
    expect(s.apply.boundary).toEqual(s.plan.boundary);
  });

  it("GIVEN the plan role WHEN Terraform refreshes each resource type THEN IAM allows the read", async () => {
    const refused: string[] = [];
    for (const type of types) {
      const { read } = resourceServices(type);
      // A read of data (the sale page's HeadObject) is allowed only on named resources: tested below.
      if ((PLAN_DATA_READS as readonly string[]).includes(read)) continue;
      const decision = await decide(s.plan, read, s.world, { context: s.deleting });
      if (decision !== "Allowed") refused.push(`${type} ${read}: ${decision}`);
    }
    expect(refused).toEqual([]);
  });

  it("GIVEN the plan role WHEN it tries to create or delete any resource type THEN IAM refuses", async () => {
    const allowed: string[] = [];
    for (const type of types) {
      const { create, delete: remove } = resourceServices(type);
      for (const action of [create, remove]) {
        if (!(await isWrite(action))) continue;
        const decision = await decide(s.plan, action, s.world, { context: s.creating });
        if (decision === "Allowed") allowed.push(`${type} ${action}`);
      }
    }
    expect(allowed).toEqual([]);
  });

  it("GIVEN the plan role WHEN it reads data (objects, secret values, decryption, items, messages) THEN the Deny refuses", async () => {
    const decisions = await Promise.all(
      ["s3:GetObject", "secretsmanager:GetSecretValue", "kms:Decrypt", "dynamodb:GetItem", "sqs:ReceiveMessage", "logs:GetLogEvents"].map(
        async (action) => `${action} ${await decide(s.plan, action, s.world, { resource: action === "s3:GetObject" ? `arn:aws:s3:::${project}-prod-logs-${s.world.account}/orders.json` : undefined })}`,
      ),
    );
    expect(decisions.every((d) => d.endsWith("ExplicitlyDenied"))).toBe(true);
  });

  it("GIVEN the apply role WHEN Terraform creates and deletes each resource type THEN IAM allows both", async () => {
    const refused: string[] = [];
    const host = catalog.identityHostOf(s.stack.runRole!.account) === s.stack.id;
    for (const type of types) {
      // The account's OIDC provider is its identity host's alone (tested for hosts below).
      if (!host && IDENTITY_HOST_ONLY_TYPES.includes(type)) continue;
      const { create, delete: remove } = resourceServices(type);
      for (const [action, context] of [
        [create, s.creating],
        [remove, s.deleting],
      ] as const) {
        const decision = await decide(s.apply, action, s.world, { context });
        if (decision !== "Allowed") refused.push(`${type} ${action}: ${decision}`);
      }
    }
    expect(refused).toEqual([]);
  });

  it.each<[string, "plan" | "apply"]>([
    ["the plan role", "plan"],
    ["the apply role", "apply"],
  ])("GIVEN %s WHEN it attaches or writes a policy on its own roles or widens their trust THEN IAM refuses", async (_name, which) => {
    const role = s[which];
    const own = [s.stack.runRole!.plan.arn, s.stack.runRole!.apply.arn];
    const decisions: string[] = [];
    for (const resource of own) {
      for (const action of ["iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:DeleteRolePermissionsBoundary"]) {
        decisions.push(`${action} ${resource} ${await decide(role, action, s.world, { resource, context: { "iam:PermissionsBoundary": s.boundary } })}`);
      }
    }
    expect(decisions.filter((d) => d.endsWith("Allowed"))).toEqual([]);
  });

  it.each<[string, "plan" | "apply"]>([
    ["the plan role", "plan"],
    ["the apply role", "apply"],
  ])("GIVEN %s WHEN it creates a role without the boundary, or deletes or rewrites the boundary THEN IAM refuses", async (_name, which) => {
    const role = s[which];
    const newRole = `arn:aws:iam::${s.world.account}:role/${project}-example`;
    const decisions = [
      await decide(role, "iam:CreateRole", s.world, { resource: newRole }),
      await decide(role, "iam:CreateRole", s.world, { resource: newRole, context: { "iam:PermissionsBoundary": `arn:aws:iam::${s.world.account}:policy/${project}-wide-open` } }),
      await decide(role, "iam:PutRolePermissionsBoundary", s.world, { resource: newRole, context: { "iam:PermissionsBoundary": "arn:aws:iam::aws:policy/AdministratorAccess" } }),
      await decide(role, "iam:DeleteRolePermissionsBoundary", s.world, { resource: newRole }),
      await decide(role, "iam:DeletePolicy", s.world, { resource: s.boundary }),
      await decide(role, "iam:CreatePolicyVersion", s.world, { resource: s.boundary }),
    ];
    expect(decisions.filter((d) => d === "Allowed")).toEqual([]);
  });

  it("GIVEN the apply role WHEN it creates a role with the project's boundary THEN IAM allows it (the kind creates roles)", async () => {
    expect(types).toContain("aws_iam_role");
    const decision = await decide(s.apply, "iam:CreateRole", s.world, {
      resource: `arn:aws:iam::${s.world.account}:role/${project}-example`,
      context: { "iam:PermissionsBoundary": s.boundary },
    });
    expect(decision).toBe("Allowed");
  });

  it("GIVEN the apply role WHEN it uses IAM users, access keys or Organizations THEN IAM refuses", async () => {
    const decisions = await Promise.all(["iam:CreateUser", "iam:CreateAccessKey", "organizations:LeaveOrganization"].map((a) => decide(s.apply, a, s.world)));
    expect(decisions.filter((d) => d === "Allowed")).toEqual([]);
  });
});

describe("the identity host's apply role", () => {
  it("GIVEN prod's apply role WHEN it updates another workspace's run role (it creates them) THEN IAM allows it, but never its own", async () => {
    const s = subject("platform");
    const other = catalog.get("control").runRole!.apply.arn;
    const context = { "iam:PermissionsBoundary": s.boundary };
    expect(await decide(s.apply, "iam:PutRolePolicy", s.world, { resource: other, context })).toBe("Allowed");
    expect(await decide(s.apply, "iam:PutRolePolicy", s.world, { resource: s.stack.runRole!.apply.arn, context })).toBe("ExplicitlyDenied");
  });

  it("GIVEN a non-host apply role WHEN it changes or assumes any run role of the account THEN IAM refuses", async () => {
    const s = subject("control");
    const prodApply = catalog.get("prod").runRole!.apply.arn;
    const decisions = [
      await decide(s.apply, "iam:UpdateAssumeRolePolicy", s.world, { resource: prodApply }),
      await decide(s.apply, "iam:PutRolePolicy", s.world, { resource: prodApply, context: { "iam:PermissionsBoundary": s.boundary } }),
      await decide(s.apply, "sts:AssumeRole", s.world, { resource: prodApply }),
      await decide(s.apply, "iam:PassRole", s.world, { resource: prodApply }),
    ];
    expect(decisions).toEqual(["ExplicitlyDenied", "ExplicitlyDenied", "ExplicitlyDenied", "ExplicitlyDenied"]);
  });
});

describe("an event's apply role and another event's resources", () => {
  const other = "stadium-show-tickets";

  it("GIVEN two events in one account WHEN one's apply role deletes or changes the other's tag-conditioned resources THEN IAM refuses", async () => {
    const s = subject("event");
    expect(s.stack.event!.slug).not.toBe(other);
    const allowed: string[] = [];
    for (const type of RUN_ROLE_RESOURCE_TYPES.event.filter((t) => !TYPES_WITHOUT_TAG_CONDITIONS.includes(t))) {
      const { delete: remove } = resourceServices(type);
      const decision = await decide(s.apply, remove, s.world, { context: { [`aws:ResourceTag/${EVENT_TAG}`]: other, "iam:PermissionsBoundary": s.boundary } });
      if (decision !== "ExplicitlyDenied") allowed.push(`${type} ${remove}: ${decision}`);
    }
    expect(allowed).toEqual([]);
  });

  it("GIVEN an event's apply role WHEN it creates a resource tagged for another event, or removes the Event tag THEN IAM refuses", async () => {
    const s = subject("event");
    const tagged = await decide(s.apply, "ec2:CreateVpc", s.world, { context: { [`aws:RequestTag/${EVENT_TAG}`]: other, "aws:TagKeys": [EVENT_TAG] } });
    const untagged = await decide(s.apply, "rds:RemoveTagsFromResource", s.world, {
      context: { [`aws:ResourceTag/${EVENT_TAG}`]: s.stack.event!.slug, "aws:TagKeys": [EVENT_TAG] },
    });
    expect([tagged, untagged]).toEqual(["ExplicitlyDenied", "ExplicitlyDenied"]);
  });

  it("lists exactly the event resource types whose delete action AWS cannot condition on tags", async () => {
    const without: string[] = [];
    for (const type of RUN_ROLE_RESOURCE_TYPES.event) {
      const keys = (await actionInfo(resourceServices(type).delete)).conditionKeys;
      if (!keys.some((k) => k.startsWith("aws:ResourceTag/"))) without.push(type);
    }
    expect(without).toEqual([...TYPES_WITHOUT_TAG_CONDITIONS]);
  });
});

describe("the event edge's plan role", () => {
  it("GIVEN the sale page object WHEN the plan refreshes it (HeadObject = s3:GetObject) THEN IAM allows it, and no other object", async () => {
    const s = subject("eventEdge");
    const edge = stacks.get("event-edge")!;
    const [page] = listOf(edge, "aws_s3_object");
    const pageBucket = Object.values(edge.resource!.aws_s3_bucket!).map((b) => String(b.bucket)).find((b) => b.includes("-pages-"))!;
    expect(String(page!.bucket)).toContain("aws_s3_bucket.");
    const onPage = await decide(s.plan, "s3:GetObject", s.world, { resource: `arn:aws:s3:::${pageBucket}/sale/index.html` });
    const onLogs = await decide(s.plan, "s3:GetObject", s.world, { resource: `arn:aws:s3:::${project}-event-edge-logs-${s.world.account}/x` });
    expect([onPage, onLogs]).toEqual(["Allowed", "ExplicitlyDenied"]);
  });
});
