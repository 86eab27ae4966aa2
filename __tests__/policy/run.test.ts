import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { ElasticacheReplicationGroup } from "@cdktf/provider-aws/lib/elasticache-replication-group";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { App, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { describe, expect, it } from "vitest";
import type { PolicySuppressionConfig } from "../../src/config";
import { policyInputs } from "../../src/topology/policy-context";
import { synthWithPolicy } from "../../src/app/gate";
import { POLICY_PACK } from "../../src/policy/pack";
import { renderReport, reportJson } from "../../src/policy/report";
import { evaluateStack, PACK_PROBLEM, runPolicy } from "../../src/policy/run";
import type { PolicyDefinition } from "../../src/policy/types";
import { synthApp } from "../helpers/app";
import { configWith } from "../helpers/config";
import { context, stackJson } from "./helpers";

const redisStack = stackJson((s) => new ElasticacheReplicationGroup(s, "cache", { replicationGroupId: "q", description: "queue", nodeType: "cache.t4g.small" }));
const snapshotFinding = (suppressions: PolicySuppressionConfig[], ctx = context({ stackId: "event-sale", kind: "event", lifetime: "ephemeral" })) =>
  evaluateStack(redisStack, ctx, suppressions).report.findings.find((f) => f.rule === "REDIS-SNAPSHOTS")!;

describe("config suppressions", () => {
  const reason = "the waiting-room cache is rebuilt at spin-up";
  it.each<[string, PolicySuppressionConfig, boolean]>([
    ["a stack pattern that matches", { stacks: "event-*", rule: "REDIS-SNAPSHOTS", reason }, true],
    ["a stack pattern that does not match", { stacks: "prod", rule: "REDIS-SNAPSHOTS", reason }, false],
    ["a matching kind", { kind: "event", rule: "REDIS-SNAPSHOTS", reason }, true],
    ["another kind", { kind: "platform", rule: "REDIS-SNAPSHOTS", reason }, false],
    ["a matching resource pattern", { kind: "event", resources: "aws_elasticache_replication_group.*", rule: "REDIS-SNAPSHOTS", reason }, true],
    ["another resource pattern", { kind: "event", resources: "aws_s3_bucket.*", rule: "REDIS-SNAPSHOTS", reason }, false],
    ["another rule", { kind: "event", rule: "REDIS-AUTH", reason }, false],
  ])("%s: suppressed = %s", (_name, suppression, suppressed) => {
    const finding = snapshotFinding([suppression]);
    expect(finding.suppressed).toEqual(suppressed ? { source: "config", reason, configIndex: 0 } : undefined);
  });
});

describe("evaluateStack", () => {
  it("counts unsuppressed errors and warnings, passed and not-applicable checks", () => {
    const { counts } = evaluateStack(redisStack, context({ highAvailability: false })).report;
    // errors: at-rest, in-transit, auth; warnings: snapshots; not applicable: failover (no HA asked)
    expect(counts).toEqual({ errors: 3, warnings: 1, suppressed: 0, compliant: 0, notApplicable: 1 });
  });

  it("lists errors before warnings before suppressed findings", () => {
    const findings = evaluateStack(redisStack, context(), [{ kind: "platform", rule: "REDIS-AUTH", reason: "test" }]).report.findings;
    expect(findings.map((f) => (f.suppressed ? "suppressed" : f.severity))).toEqual(["error", "error", "error", "warning", "suppressed"]);
  });

  it("reports a rule that throws as a pack problem instead of crashing synthesis", () => {
    const broken: PolicyDefinition = { ...POLICY_PACK[0]!, rule: () => { throw new Error("boom"); } };
    const { report } = evaluateStack(redisStack, context(), [], [broken]);
    expect(report.findings).toMatchObject([{ rule: PACK_PROBLEM, severity: "error", message: `rule ${broken.id} failed: boom` }]);
    expect(report.counts.errors).toBe(1);
  });
});

describe("the stacks of the fixture configuration", () => {
  const synthDir = synthApp();
  const report = runPolicy({ synthDir, ...policyInputs(configWith()) });

  it("pass with zero unsuppressed errors", () => {
    const errors = report.stacks.flatMap((s) => s.findings.filter((f) => !f.suppressed && f.severity === "error").map((f) => `${s.stack} ${f.resource} ${f.rule}: ${f.message}`));
    expect(errors).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it("are all checked", () => {
    expect(report.stacks.map((s) => s.stack)).toEqual(["control", "dev", "dev-addons", "event-edge", "event-stadium-show-tickets", "event-xmas-mega-sale", "prod", "prod-addons", "tfc"]);
    for (const stack of report.stacks.filter((s) => !["tfc", "prod-addons", "dev-addons"].includes(s.stack))) expect(stack.counts.compliant).toBeGreaterThan(10);
  });

  it("list an unused config suppression", () => {
    const withUnused = runPolicy({ synthDir, ...policyInputs(configWith((c) => (c.policy = { suppressions: [{ kind: "event", rule: "REDIS-SNAPSHOTS", reason: "cache rebuilt" }] }))) });
    expect(withUnused.unusedSuppressions).toEqual([{ rule: "REDIS-SNAPSHOTS", reason: "cache rebuilt", source: "config", configIndex: 0 }]);
    expect(renderReport(withUnused)).toContain("policy.suppressions[0] REDIS-SNAPSHOTS: cache rebuilt");
  });
});

/** A synth folder with one stack whose JSON is given. */
function synthDirWith(stack: string, json: object): string {
  const dir = mkdtempSync(join(tmpdir(), "flashcrowd-policy-run-"));
  mkdirSync(join(dir, "stacks", stack), { recursive: true });
  writeFileSync(join(dir, "stacks", stack, "cdk.tf.json"), JSON.stringify(json));
  return dir;
}

describe("the report", () => {
  const json = stackJson((s) => new S3Bucket(s, "data", { bucket: "data", forceDestroy: true }));
  const report = runPolicy({ synthDir: synthDirWith("event-xmas-mega-sale", json), ...policyInputs(configWith()) });

  it("fails on an unsuppressed error", () => {
    expect(report.ok).toBe(false);
    expect(report.totals.errors).toBeGreaterThan(0);
  });

  it("renders a table per stack with the rule, resource, problem and fix", () => {
    const text = renderReport(report);
    expect(text).toMatch(/^event-xmas-mega-sale \(event, ephemeral\): \d+ errors, \d+ warnings?, 0 suppressed/m);
    expect(text).toMatch(/error\s+S3-NO-FORCE-DESTROY\s+aws_s3_bucket\.data\s+force_destroy = true; must be false/);
    expect(text).toContain("  S3-NO-FORCE-DESTROY: Set force_destroy = false");
    expect(text).toMatch(/FAILED$/);
  });

  it("serializes to the documented JSON shape", () => {
    const parsed = JSON.parse(reportJson(report));
    expect(Object.keys(parsed)).toEqual(["version", "ok", "totals", "stacks", "suppressions", "unusedSuppressions"]);
    expect(parsed.version).toBe(1);
    expect(Object.keys(parsed.stacks[0])).toEqual(["stack", "kind", "lifetime", "counts", "findings"]);
    expect(Object.keys(parsed.stacks[0].counts)).toEqual(["errors", "warnings", "suppressed", "compliant", "notApplicable"]);
    expect(parsed.stacks[0].findings.find((f: { rule: string }) => f.rule === "S3-NO-FORCE-DESTROY")).toEqual({
      stack: "event-xmas-mega-sale",
      rule: "S3-NO-FORCE-DESTROY",
      severity: "error",
      title: "No force_destroy on buckets",
      resource: "aws_s3_bucket.data",
      message: "force_destroy = true; must be false",
      fix: expect.any(String),
      reference: {},
    });
  });
});

describe("synthesis with the policy gate", () => {
  const appWith = (build: (stack: TerraformStack) => void): { app: App; synth: () => void } => {
    const app = Testing.app();
    const stack = new TerraformStack(app, "event-xmas-mega-sale");
    new AwsProvider(stack, "aws", { region: "ap-northeast-2" });
    build(stack);
    return { app, synth: () => app.synth() };
  };

  it("fails with the errors printed when a stack violates an error rule", () => {
    const lines: string[] = [];
    const { exitCode } = synthWithPolicy(appWith((s) => new S3Bucket(s, "data", { bucket: "data", forceDestroy: true })), configWith(), (t) => lines.push(t));
    expect(exitCode).toBe(1);
    expect(lines.join("\n")).toContain("ERROR event-xmas-mega-sale aws_s3_bucket.data [S3-NO-FORCE-DESTROY] force_destroy = true; must be false");
    expect(lines.join("\n")).toContain("fix: Set force_destroy = false");
  });

  it("passes, printing warnings, when only warnings are left", () => {
    const lines: string[] = [];
    const { exitCode } = synthWithPolicy(appWith((s) => new EcsCluster(s, "cluster", { name: "sale" })), configWith(), (t) => lines.push(t));
    expect(exitCode).toBe(0);
    expect(lines.join("\n")).toContain("WARNING event-xmas-mega-sale aws_ecs_cluster.cluster [ECS-CONTAINER-INSIGHTS]");
  });
});
