/**
 * terraform validate + offline plan of every AWS-only stack of the fixture config.
 *
 * Needs the Terraform CLI. Without it the suite is skipped with a message, unless CI or
 * REQUIRE_TERRAFORM is set, where a missing CLI fails the run.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { awsOnlyStacks, findTerraform, listStacks, runOfflineChecks, type StackCheck } from "../../src/ci/terraform-harness";
import { synthApp } from "../helpers/app";

const terraform = findTerraform();
const required = Boolean(process.env.CI || process.env.REQUIRE_TERRAFORM);
const synthDir = synthApp();
const stacks = awsOnlyStacks(synthDir);

describe("offline Terraform tooling", () => {
  it("is available where it is required", () => {
    if (!terraform) {
      const message = "No Terraform CLI on PATH: validate/plan of the synthesized stacks was NOT run.";
      if (required) throw new Error(`${message} CI/REQUIRE_TERRAFORM is set, so this is a failure; install Terraform.`);
      console.warn(`SKIPPED: ${message} Install Terraform >= 1.6 to run it.`);
    }
    expect(required && !terraform).toBe(false);
  });
});

describe.skipIf(!terraform)("terraform validate and offline plan", () => {
  let results: Map<string, StackCheck>;

  beforeAll(async () => {
    const checks = await runOfflineChecks({
      synthDir,
      workDir: mkdtempSync(join(tmpdir(), "flashcrowd-tf-")),
      terraform,
      log: (line) => console.log(line),
    });
    results = new Map(checks.map((c) => [c.stack, c]));
    console.log(
      `validated: ${checks.filter((c) => c.validated).map((c) => c.stack).join(", ")}\n` +
        `planned:   ${checks.filter((c) => c.planned).map((c) => c.stack).join(", ")}`,
    );
  }, 20 * 60_000);

  it("covers the platform and event stacks", () => {
    expect(stacks).toEqual(expect.arrayContaining(["prod", "dev", "event-xmas-mega-sale", "event-stadium-show-tickets"]));
    // Stacks left out here use providers with no binary on this machine; they are unit-tested.
    const others = listStacks(synthDir).filter((s) => !stacks.includes(s));
    for (const s of others) console.log(`${s}: not AWS-only, checked by unit tests on its JSON`);
  });

  it.each(stacks)("%s validates and plans", (stack) => {
    const result = results.get(stack);
    expect(result?.error ?? "").toBe("");
    expect(result?.validated).toBe(true);
    expect(result?.planned).toBe(true);
    expect(result?.plannedResources).toBeGreaterThan(0);
  });
});
