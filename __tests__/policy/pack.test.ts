import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RULE_IDS } from "../../src/policy/ids";
import { POLICY_PACK } from "../../src/policy/pack";

/**
 * The pack's manifest: every rule id with its severity. A rule dropped, added or re-graded shows
 * up here and must be changed on purpose (and in docs/policy-rules.md, which npm run docs regenerates).
 */
const MANIFEST: [string, "error" | "warning"][] = [
    ["SG-NO-WORLD-INGRESS", "error"],
    ["SG-DESCRIPTION", "error"],
    ["VPC-FLOW-LOGS", "error"],
    ["VPC-DEFAULT-SG-CLOSED", "error"],
    ["SUBNET-NO-PUBLIC-IP", "error"],
    ["EC2-IMDSV2", "error"],
    ["EKS-ENDPOINT-RESTRICTED", "error"],
    ["EKS-CONTROL-PLANE-LOGS", "error"],
    ["EKS-SECRETS-ENCRYPTED", "error"],
    ["ECS-NO-PLAINTEXT-SECRETS", "error"],
    ["ECS-LOGGING", "error"],
    ["ECS-NOT-PRIVILEGED", "error"],
    ["ECS-READONLY-ROOT-FS", "warning"],
    ["ECS-NO-PUBLIC-IP", "error"],
    ["ECS-CONTAINER-INSIGHTS", "warning"],
    ["RDS-STORAGE-ENCRYPTED", "error"],
    ["RDS-BACKUP-RETENTION", "error"],
    ["RDS-LOG-EXPORTS", "warning"],
    ["RDS-IAM-AUTH", "warning"],
    ["RDS-DELETION-PROTECTION", "error"],
    ["RDS-COPY-TAGS-TO-SNAPSHOT", "warning"],
    ["RDS-MULTI-AZ", "error"],
    ["RDS-NOT-PUBLIC", "error"],
    ["REDIS-ENCRYPTED-AT-REST", "error"],
    ["REDIS-ENCRYPTED-IN-TRANSIT", "error"],
    ["REDIS-AUTH", "error"],
    ["REDIS-FAILOVER", "error"],
    ["REDIS-SNAPSHOTS", "warning"],
    ["S3-PUBLIC-ACCESS-BLOCK", "error"],
    ["S3-ENCRYPTION", "error"],
    ["S3-VERSIONING", "error"],
    ["S3-TLS-ONLY", "error"],
    ["S3-ACCESS-LOGS", "warning"],
    ["ECR-IMMUTABLE-TAGS", "error"],
    ["ECR-SCAN-ON-PUSH", "error"],
    ["ECR-KMS", "warning"],
    ["ALB-DROP-INVALID-HEADERS", "error"],
    ["ALB-ACCESS-LOGS", "error"],
    ["ALB-LISTENER-TLS-POLICY", "error"],
    ["ALB-HTTP-REDIRECT", "error"],
    ["CF-VIEWER-TLS", "error"],
    ["CF-WAF", "error"],
    ["CF-LOGGING", "error"],
    ["CF-VIEWER-HTTPS", "error"],
    ["CF-ORIGIN-HTTPS", "error"],
    ["CF-S3-OAC", "error"],
    ["WAF-RULES", "error"],
    ["WAF-LOGGING", "error"],
    ["LAMBDA-DLQ", "warning"],
    ["LAMBDA-CONCURRENCY", "warning"],
    ["LAMBDA-TRACING", "warning"],
    ["SNS-ENCRYPTED", "error"],
    ["SQS-ENCRYPTED", "error"],
    ["KMS-ROTATION", "error"],
    ["LOGS-RETENTION", "error"],
    ["LOGS-KMS", "warning"],
    ["CLOUDTRAIL-LOG-VALIDATION", "error"],
    ["CLOUDTRAIL-MULTI-REGION", "error"],
    ["CLOUDTRAIL-KMS", "error"],
    ["IAM-NO-WILDCARD-ADMIN", "error"],
    ["IAM-RUN-ROLE-NOT-ADMIN", "error"],
    ["SECRET-KMS", "warning"],
    ["SECRET-ROTATION", "error"],
    ["RDS-FINAL-SNAPSHOT", "error"],
    ["EVENT-DB-PROTECTED-UNTIL-TEARDOWN", "error"],
    ["S3-NO-FORCE-DESTROY", "error"],
    ["SECRET-RECOVERY-WINDOW", "error"],
    ["DMS-TARGET-PREP-DO-NOTHING", "error"],
    ["DMS-VALIDATION", "error"],
    ["DMS-STOP-ON-ERROR", "error"],
    ["DMS-INSTANCE-NOT-PUBLIC", "error"],
    ["DMS-ENDPOINT-TLS", "error"],
    ["PROD-PREVENT-DESTROY", "error"],
];

const RULES_DIR = join(__dirname, "..", "..", "src", "policy", "rules");
const TESTS_DIR = join(__dirname, "rules");

describe("the policy pack", () => {
  it("has exactly the pinned rule ids and severities, in order", () => {
    expect(POLICY_PACK.map((p) => [p.id, p.severity])).toEqual(MANIFEST);
  });

  it("defines every id of RULE_IDS once", () => {
    expect(POLICY_PACK.map((p) => p.id)).toEqual([...RULE_IDS]);
    expect(new Set(RULE_IDS).size).toBe(RULE_IDS.length);
  });

  it.each(POLICY_PACK.map((p) => [p.id, p] as const))("%s has a title, an explanation and a fix", (_id, p) => {
    for (const text of [p.title, p.explanation, p.fix]) expect(text.trim().length).toBeGreaterThan(10);
  });

  it.each(POLICY_PACK.map((p) => [p.id, p] as const))("%s references well-formed cdk-nag and checkov ids", (_id, p) => {
    for (const id of p.reference.cdkNag ?? []) expect(id).toMatch(/^(AwsSolutions|NIST\.800\.53\.R5)-[A-Za-z0-9]+$/);
    for (const id of p.reference.checkov ?? []) expect(id).toMatch(/^CKV2?_AWS_\d+$/);
  });

  it("keeps one rule per file, each file's export named after it and used by the pack", () => {
    const files = readdirSync(RULES_DIR, { recursive: true, encoding: "utf8" }).filter((f) => /\/[A-Z][A-Za-z0-9]+\.ts$/.test(`/${f}`));
    const pack = readFileSync(join(RULES_DIR, "..", "pack.ts"), "utf8");
    for (const file of files) {
      const name = file.split("/").pop()!.replace(/\.ts$/, "");
      expect(readFileSync(join(RULES_DIR, file), "utf8")).toContain(`export const ${name}: Rule`);
      expect(pack, `${file} is not in the pack`).toContain(`import { ${name} } from "./rules/${file.replace(/\.ts$/, "")}";`);
      expect(pack).toContain(`rule: ${name},`);
    }
    expect(files).toHaveLength(POLICY_PACK.length);
  });

  it("has a test for every rule id", () => {
    const tests = readdirSync(TESTS_DIR).map((f) => readFileSync(join(TESTS_DIR, f), "utf8")).join("\n");
    const untested = RULE_IDS.filter((id) => !tests.includes(`"${id}"`));
    expect(untested).toEqual([]);
  });
});
