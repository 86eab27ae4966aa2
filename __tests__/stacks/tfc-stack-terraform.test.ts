/**
 * The `tfc` stack cannot be validated by Terraform here (no tfe provider binary), so the
 * expressions it writes are run by real Terraform on the builtin terraform_data resource instead:
 * the auto-destroy check (with the workspace's `auto_destroy_at` read from a `terraform_data` input) and the
 * Slack webhook variable's validation, exactly as synthesized.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { describe, expect, it } from "vitest";
import { findTerraform } from "../../src/ci/terraform-harness";
import { TfcStack } from "../../stacks/tfc-stack";
import { listOf, synthJson } from "../helpers/synth";
import { fixtureConfig } from "../helpers/fixture-config";

const terraform = findTerraform();
const json = synthJson(new TfcStack(new App(), { config: fixtureConfig() }));
const eventWorkspace = listOf(json, "tfe_workspace").find((w) => w.name === "flashcrowd-event-xmas-mega-sale")!;
const lifecycle = eventWorkspace.lifecycle as { ignore_changes: string[] };
const WANTED = eventWorkspace.auto_destroy_at as string;
const checks = json.check as Record<string, { assert: { condition: string; error_message: string }[] }>;
const check = checks["auto-destroy-event-xmas-mega-sale"]!;
const recordedTime = /tfe_workspace\.[\w-]+\.auto_destroy_at/g;

function terraformIn(dir: string, args: string[]): { ok: boolean; output: string } {
  const env = { ...process.env, TF_CLI_CONFIG_FILE: join(dir, "rc"), CHECKPOINT_DISABLE: "1", TF_IN_AUTOMATION: "1" };
  writeFileSync(join(dir, "rc"), "");
  try {
    return { ok: true, output: execFileSync(terraform!, args, { cwd: dir, env, encoding: "utf8", stdio: "pipe" }) };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

/** A workspace whose recorded auto-destroy time is `recorded`, planned with the synthesized lifecycle. */
function planWithRecordedTime(recorded: string | null): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), "flashcrowd-auto-destroy-"));
  const write = (resource: Record<string, unknown>) =>
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ resource: { terraform_data: { workspace: resource } } }));
  write({ input: recorded });
  terraformIn(dir, ["init", "-input=false", "-no-color"]);
  const applied = terraformIn(dir, ["apply", "-auto-approve", "-input=false", "-no-color"]);
  if (!applied.ok) throw new Error(applied.output);
  writeFileSync(
    join(dir, "main.tf.json"),
    JSON.stringify({
      resource: { terraform_data: { workspace: { input: WANTED, lifecycle: [{ ignore_changes: lifecycle.ignore_changes.map(() => "input") }] } } },
      check: {
        "auto-destroy": {
          assert: check.assert.map((a) => ({ condition: a.condition.replace(recordedTime, "terraform_data.workspace.input"), error_message: a.error_message })),
        },
      },
    }),
  );
  return terraformIn(dir, ["plan", "-input=false", "-no-color"]);
}

describe.skipIf(!terraform)("the tfc stack's expressions under real Terraform", () => {
  it.each([
    ["the recorded auto-destroy time is the wanted one", WANTED],
    ["Terraform Cloud has cleared the time after an auto-destroy", null],
    ["the event moved earlier (the safety net fires later than needed)", "2032-06-01T00:00:00Z"],
  ])("plans without a warning when %s", (_name, recorded) => {
    const result = planWithRecordedTime(recorded);
    expect(result.ok, result.output).toBe(true);
    expect(result.output).not.toContain("Check block assertion failed");
  });

  it("warns, without failing the plan, when the event moved later and the old time would destroy it too early", () => {
    // GIVEN a workspace created for the old dates, WHEN the event moves later and tfc is planned
    const result = planWithRecordedTime("2031-12-01T00:00:00Z");
    // THEN the plan succeeds (the deploy goes on to apply control) and says what to fix
    expect(result.ok, result.output).toBe(true);
    expect(result.output).toContain("Check block assertion failed");
    expect(result.output.replace(/\s+/g, " ")).toContain("would auto-destroy before 2031-12-05T22:00:00Z");
  });

  it.each([
    ["https://hooks.slack.com/services/T000/B000/XXXX", true],
    ["https://example.com/hooks.slack.com/", false],
    ["http://hooks.slack.com/services/T000/B000/XXXX", false],
  ])("validates the Slack webhook %s: %s", (url, valid) => {
    const dir = mkdtempSync(join(tmpdir(), "flashcrowd-slack-var-"));
    writeFileSync(join(dir, "main.tf.json"), JSON.stringify({ variable: json.variable }));
    terraformIn(dir, ["init", "-input=false", "-no-color"]);
    const result = terraformIn(dir, ["plan", "-input=false", "-no-color", "-var", `slack_webhook_url=${url}`]);
    expect(result.ok, result.output).toBe(valid);
  });
});
