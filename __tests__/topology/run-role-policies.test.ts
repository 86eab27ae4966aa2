import { describe, expect, it } from "vitest";
import type { RunRoleKind } from "../../src/config/schema";
import { applyPolicy, boundaryPolicy, boundaryPolicyArn, planDenyPolicy, type RunRolePolicyContext } from "../../src/topology/run-role-policies";

const KINDS: RunRoleKind[] = ["platform", "addons", "eventEdge", "control", "event"];
const context = (kind: RunRoleKind, over: Partial<RunRolePolicyContext> = {}): RunRolePolicyContext => ({
  project: "a-long-projectxx",
  account: "210987654321",
  kind,
  hostname: "app.terraform.io",
  identityHost: kind === "platform",
  planRoleName: "a-long-projectxx-event-a-very-long-event-slug-x-tfc-plan",
  applyRoleName: "a-long-projectxx-event-a-very-long-event-slug-x-tfc-apply",
  event: "a-very-long-event-slug-x",
  ...over,
});
/** IAM counts policy size without whitespace. */
const size = (document: unknown) => JSON.stringify(document).length;

describe("run-role policy documents", () => {
  it.each(KINDS)("GIVEN the %s kind with the longest names WHEN rendered THEN its inline policies fit IAM's 10,240 characters per role", (kind) => {
    expect(size(applyPolicy(context(kind))) + size(planDenyPolicy(kind, "a-long-projectxx"))).toBeLessThan(10_240);
  });

  it("GIVEN the boundary WHEN rendered THEN it fits IAM's 6,144 characters for a managed policy", () => {
    expect(size(boundaryPolicy("a-long-projectxx", "210987654321"))).toBeLessThan(6_144);
  });

  it("computes the boundary's ARN from the project and account alone", () => {
    expect(boundaryPolicyArn("flashcrowd", "210987654321")).toBe("arn:aws:iam::210987654321:policy/flashcrowd-run-boundary");
  });

  it("refuses an event apply role without the event's slug, saying what the slug is for", () => {
    const { event: _dropped, ...withoutSlug } = context("event");
    expect(() => applyPolicy(withoutSlug)).toThrow(/needs the event's slug \(the value of its Event tag\)/);
  });

  it("gives only event apply roles the Event tag conditions", () => {
    const sids = (kind: RunRoleKind) => applyPolicy(context(kind)).Statement.map((s) => s.Sid);
    expect(sids("event")).toContain("NoActionsOnOtherEventsResources");
    expect(sids("control")).not.toContain("NoActionsOnOtherEventsResources");
  });

  it("protects every run role of the account from a non-host apply role, and only its own from the host's", () => {
    const denied = (identityHost: boolean) => applyPolicy(context("control", { identityHost })).Statement.find((s) => s.Sid === "NoChangesToRunRoles")!.Resource;
    expect(denied(false)).toEqual([
      "arn:aws:iam::210987654321:role/a-long-projectxx-*-tfc-plan",
      "arn:aws:iam::210987654321:role/a-long-projectxx-*-tfc-apply",
      "arn:aws:iam::210987654321:oidc-provider/app.terraform.io",
    ]);
    expect(denied(true)).toEqual([
      "arn:aws:iam::210987654321:role/a-long-projectxx-event-a-very-long-event-slug-x-tfc-plan",
      "arn:aws:iam::210987654321:role/a-long-projectxx-event-a-very-long-event-slug-x-tfc-apply",
    ]);
  });
});
