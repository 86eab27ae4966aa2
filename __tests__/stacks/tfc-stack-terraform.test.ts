/**
 * The `tfc` stack cannot be validated by Terraform here (no tfe provider binary), so the
 * expressions it writes are run by real Terraform on the builtin terraform_data resource instead:
 * the auto-destroy postcondition (with `self.auto_destroy_at` read from `self.input`) and the
 * Slack webhook variable's validation, exactly as synthesized.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { describe, expect, it } from "vitest";
import { findTerraform } from "../../src/ci/terraform-harness";
import { loadConfig } from "../../src/config";
import { TfcStack } from "../../stacks/tfc-stack";
import { listOf, synthJson } from "../helpers/synth";

const terraform = findTerraform();
const json = synthJson(new TfcStack(new App(), { config: loadConfig({}) }));
const eventWorkspace = listOf(json, "tfe_workspace").find((w) => w.name === "flashcrowd-event-dec-flash-sale")!;
const lifecycle = eventWorkspace.lifecycle as { ignore_changes: string[]; postcondition: { condition: string; error_message: string }[] };
const WANTED = eventWorkspace.auto_destroy_at as string;

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
  write({
    input: WANTED,
    lifecycle: [
      {
        ignore_changes: ["input"],
        postcondition: lifecycle.postcondition.map((p) => ({
          condition: p.condition.replace(/self\.auto_destroy_at/g, "self.input"),
          error_message: p.error_message,
        })),
      },
    ],
  });
  return terraformIn(dir, ["plan", "-input=false", "-no-color"]);
}

describe.skipIf(!terraform)("the tfc stack's expressions under real Terraform", () => {
  it("keeps plans going while the recorded auto-destroy time is the wanted one", () => {
    expect(planWithRecordedTime(WANTED).ok).toBe(true);
  });

  it("keeps plans going once Terraform Cloud has cleared the time after an auto-destroy", () => {
    expect(planWithRecordedTime(null).ok).toBe(true);
  });

  it("keeps plans going when the event moved earlier (the safety net fires later than needed)", () => {
    expect(planWithRecordedTime("2027-06-01T00:00:00Z").ok).toBe(true);
  });

  it("stops the plan when the event moved later and the old time would destroy it too early", () => {
    const result = planWithRecordedTime("2026-12-01T00:00:00Z");
    expect(result.ok).toBe(false);
    expect(result.output).toContain("Resource postcondition failed");
    expect(result.output.replace(/\s+/g, " ")).toContain("would auto-destroy before 2026-12-05T22:00:00Z");
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
