import { describe, expect, it } from "vitest";
import { validateConfig, type ConfigInput } from "../../src/config";
import { configInput, problemsOf } from "../helpers/config";
import { FIXTURE_NOW, fixtureConfig } from "../helpers/fixture-config";


describe("Terraform Cloud settings", () => {
  it("pin the Terraform version and default the safety net to 6 hours", () => {
    const tfc = fixtureConfig().project.terraformCloud;
    expect(tfc.terraformVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(tfc.eventAutoDestroyDelay).toBe("PT6H");
    expect(tfc.slackNotifications).toBe(true);
  });

  it("default every kind's extra apply-role policies to none when none are configured", () => {
    const input = configInput();
    delete input.project.terraformCloud.runRolePolicyArns;
    const tfc = validateConfig(input, {}, FIXTURE_NOW).project.terraformCloud;
    expect(Object.values(tfc.runRolePolicyArns)).toEqual(Array(5).fill([]));
  });

  it("default auto-apply to off where config is silent", () => {
    const input = configInput();
    delete input.environments.dev!.autoApply;
    delete input.events.platform.autoApply;
    delete input.project.terraformCloud.autoApply;
    const config = validateConfig(input, {}, FIXTURE_NOW);
    expect([config.environments.dev!.autoApply, config.events.platform.autoApply, config.project.terraformCloud.autoApply]).toEqual([false, false, false]);
  });

  const cases: [string, (c: ConfigInput) => void, string][] = [
    [
      "a Terraform version constraint instead of a version",
      (c) => (c.project.terraformCloud.terraformVersion = "~> 1.11"),
      "project.terraformCloud.terraformVersion: must be an exact Terraform version like 1.11.4",
    ],
    [
      "an auto-destroy delay under an hour",
      (c) => (c.project.terraformCloud.eventAutoDestroyDelay = "PT30M"),
      "project.terraformCloud.eventAutoDestroyDelay: PT30M is outside the allowed range of 60 to 10080 minutes",
    ],
    [
      "an auto-destroy delay that is not an ISO duration",
      (c) => (c.project.terraformCloud.eventAutoDestroyDelay = "6h"),
      "project.terraformCloud.eventAutoDestroyDelay: must be an ISO-8601 duration",
    ],
    [
      "a policy name instead of an ARN",
      (c) => (c.project.terraformCloud.runRolePolicyArns = { platform: ["AdministratorAccess"] }),
      "project.terraformCloud.runRolePolicyArns.platform[0]: must be an IAM managed policy ARN",
    ],
    [
      "an unknown kind of stack for run-role policies",
      (c) => (c.project.terraformCloud.runRolePolicyArns = { events: [] } as never),
      'project.terraformCloud.runRolePolicyArns: unknown field "events"',
    ],
    [
      "auto-apply that is not a boolean",
      (c) => ((c.environments.prod as Record<string, unknown>).autoApply = "no"),
      "environments.prod.autoApply: ",
    ],
  ];

  it.each(cases)("rejects %s", (_name, change, expected) => {
    const problems = problemsOf(change);
    expect(problems.some((p) => p.includes(expected)), `expected a problem containing:\n  ${expected}\ngot:\n  ${problems.join("\n  ")}`).toBe(true);
  });
});
