import { readFileSync } from "node:fs";
import { join } from "node:path";
import { App } from "cdktf";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { remoteStateReads } from "../../src/ci/catalog-drift";
import { listStacks } from "../../src/ci/terraform-harness";
import type { Config } from "../../src/config";
import { stackCatalog } from "../../src/topology/stack-catalog";
import { TfcStack } from "../../stacks/tfc-stack";
import { synthApp } from "../helpers/app";
import { configWith } from "../helpers/config";
import { listOf, resourcesOf, synthJson, type TerraformJson } from "../helpers/synth";
import { fixtureConfig } from "../helpers/fixture-config";

const config = fixtureConfig();
const catalog = stackCatalog(config);

function synthTfc(cfg: Config = config): TerraformJson {
  return synthJson(new TfcStack(new App(), { config: cfg }));
}

type Resource = Record<string, unknown>;

const json = synthTfc();
let appDir: string | undefined;
/** The whole app synthesized once for the tests that need the other stacks. */
const synthesizedApp = (): string => (appDir ??= synthApp(config));
const workspaces = resourcesOf(json, "tfe_workspace");
/** Workspace resource by workspace name. */
const workspaceNamed = (name: string): Resource => Object.values(workspaces).find((w) => w.name === name)!;
/** Workspace name a `${tfe_workspace.<id>.id}` reference points at. */
const workspaceOf = (ref: unknown): string => {
  const id = /^\$\{tfe_workspace\.([^.]+)\.id\}$/.exec(String(ref))?.[1];
  const ws = id ? workspaces[id] : undefined;
  if (!ws) throw new Error(`not a workspace reference: ${String(ref)}`);
  return ws.name as string;
};
const byWorkspace = (type: string): Map<string, Resource[]> => {
  const out = new Map<string, Resource[]>();
  for (const r of listOf(json, type)) {
    if (r.workspace_id === undefined) continue;
    const name = workspaceOf(r.workspace_id);
    out.set(name, [...(out.get(name) ?? []), r]);
  }
  return out;
};

describe("the tfc stack", () => {
  it("creates one workspace per stack of the catalog, and only those", () => {
    expect(listOf(json, "tfe_workspace").map((w) => w.name).sort()).toEqual(catalog.stacks.map((s) => s.workspace).sort());
  });

  it("puts every workspace in the project it creates", () => {
    const [project] = listOf(json, "tfe_project");
    expect(project).toMatchObject({ name: "flashcrowd", organization: "flashcrowd", lifecycle: { prevent_destroy: true } });
    for (const ws of listOf(json, "tfe_workspace")) expect(ws.project_id).toBe("${tfe_project.project.id}");
  });

  it("pins every workspace to the configured Terraform version", () => {
    const versions = new Set(listOf(json, "tfe_workspace").map((w) => w.terraform_version));
    expect([...versions]).toEqual([config.project.terraformCloud.terraformVersion]);
  });

  it("runs every workspace remotely and shares no state organization-wide", () => {
    const settings = listOf(json, "tfe_workspace_settings");
    expect(settings).toHaveLength(catalog.stacks.length);
    for (const s of settings) expect(s).toMatchObject({ execution_mode: "remote", global_remote_state: false });
  });

  it("tags every workspace with its environment, kind and stack", () => {
    expect(workspaceNamed("flashcrowd-prod").tags).toEqual({ environment: "prod", kind: "permanent", stack: "prod" });
    expect(workspaceNamed("flashcrowd-dev-addons").tags).toEqual({ environment: "dev", kind: "permanent", stack: "dev-addons" });
    expect(workspaceNamed("flashcrowd-event-xmas-mega-sale").tags).toEqual({
      environment: "event",
      kind: "ephemeral",
      stack: "event-xmas-mega-sale",
    });
  });

  it.each([
    ["flashcrowd-prod", false],
    ["flashcrowd-prod-addons", false],
    ["flashcrowd-dev", true],
    ["flashcrowd-dev-addons", true],
    ["flashcrowd-tfc", true],
  ])("sets auto-apply of %s to %s as configured", (name, autoApply) => {
    expect(workspaceNamed(name).auto_apply).toBe(autoApply);
  });

  it("allows destroy plans on event workspaces only", () => {
    for (const stack of catalog.stacks) {
      expect(workspaceNamed(stack.workspace).allow_destroy_plan, stack.id).toBe(stack.kind === "ephemeral");
    }
  });

  it("protects every permanent workspace from deletion and never force-deletes", () => {
    for (const stack of catalog.stacks) {
      const ws = workspaceNamed(stack.workspace);
      expect(ws.force_delete, stack.id).toBe(false);
      expect((ws.lifecycle as Resource | undefined)?.prevent_destroy === true, stack.id).toBe(stack.kind === "permanent");
    }
  });

  it("sets auto_destroy_at on event workspaces only", () => {
    const withAutoDestroy = listOf(json, "tfe_workspace").filter((w) => w.auto_destroy_at !== undefined).map((w) => w.name);
    expect(withAutoDestroy.sort()).toEqual(["flashcrowd-event-stadium-show-tickets", "flashcrowd-event-xmas-mega-sale"]);
  });

  it.each(config.events.calendar.map((e) => [e.stackId, e] as const))(
    "destroys %s some hours after its planned teardown, as an RFC 3339 UTC time",
    (_id, event) => {
      const at = workspaceNamed(`flashcrowd-${event.stackId}`).auto_destroy_at as string;
      expect(at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      const hours = DateTime.fromISO(at).diff(event.teardownAt, "hours").hours;
      expect(hours).toBe(6);
    },
  );

  it("ignores changes to auto_destroy_at made outside the stack, with nothing that could fail the plan", () => {
    const ws = workspaceNamed("flashcrowd-event-xmas-mega-sale");
    expect(ws.lifecycle).toEqual({ ignore_changes: ["auto_destroy_at"] });
  });

  it("warns through a check block (never an error) when a recorded auto-destroy time is earlier than the event's", () => {
    const checks = json.check as Record<string, { assert: { condition: string; error_message: string }[] }>;
    expect(Object.keys(checks).sort()).toEqual(["auto-destroy-event-stadium-show-tickets", "auto-destroy-event-xmas-mega-sale"]);
    const [assertion] = checks["auto-destroy-event-xmas-mega-sale"]!.assert;
    const recorded = `tfe_workspace.${Object.entries(resourcesOf(json, "tfe_workspace")).find(([, w]) => w.name === "flashcrowd-event-xmas-mega-sale")![0]}.auto_destroy_at`;
    expect(assertion!.condition).toBe(`\${${recorded} == null ? true : timecmp(${recorded}, "2031-12-05T22:00:00Z") >= 0}`);
    expect(assertion!.error_message).toContain("set the workspace's auto-destroy time to 2031-12-05T22:00:00Z");
  });

  it("sets no auto_destroy_at, ignores nothing and checks nothing when the safety net is off", () => {
    // GIVEN an organization without HCP Terraform Plus
    const off = synthTfc(configWith((c) => (c.project.terraformCloud.eventAutoDestroyDelay = false)));
    // THEN no workspace gets an auto-destroy time, and event workspaces carry no lifecycle at all
    const events = listOf(off, "tfe_workspace").filter((w) => String(w.name).startsWith("flashcrowd-event-") && w.name !== "flashcrowd-event-edge");
    expect(events.map((w) => w.name).sort()).toEqual(["flashcrowd-event-stadium-show-tickets", "flashcrowd-event-xmas-mega-sale"]);
    for (const w of listOf(off, "tfe_workspace")) expect(w.auto_destroy_at, String(w.name)).toBeUndefined();
    for (const w of events) expect(w.lifecycle, String(w.name)).toBeUndefined();
    expect(off.check).toBeUndefined();
  });

  it("keeps a retired event's workspace, deletable only when empty, with its run roles and state access", () => {
    // GIVEN the December sale retired a week after its teardown
    const retired = synthTfc(configWith((c) => (c.events!.calendar![0]!.retired = true), DateTime.fromISO("2031-12-12T00:00:00Z")));
    // THEN its workspace is still managed as before: no deletion is attempted on the next deploy
    const [ws] = Object.entries(resourcesOf(retired, "tfe_workspace")).filter(([, w]) => w.name === "flashcrowd-event-xmas-mega-sale");
    expect(ws?.[1]).toMatchObject({ allow_destroy_plan: true, force_delete: false });
    const ref = `\${tfe_workspace.${ws![0]}.id}`;
    expect(listOf(retired, "tfe_variable").filter((v) => v.workspace_id === ref).map((v) => v.key).sort()).toEqual(["TFC_AWS_APPLY_ROLE_ARN", "TFC_AWS_PLAN_ROLE_ARN"]);
    const edgeSettings = listOf(retired, "tfe_workspace_settings").find((st) => JSON.stringify(st.remote_state_consumer_ids).includes(ws![0]));
    expect(edgeSettings, "event-edge still shares its state with the retired event").toBeDefined();
  });

  it("shares each workspace's state with exactly the consumers the catalog lists", () => {
    for (const settings of listOf(json, "tfe_workspace_settings")) {
      const producer = workspaceOf(settings.workspace_id);
      const stack = catalog.stacks.find((s) => s.workspace === producer)!;
      const consumers = (settings.remote_state_consumer_ids as string[]).map(workspaceOf).sort();
      expect(consumers, producer).toEqual(catalog.consumersOf(stack.id).map((id) => catalog.get(id).workspace).sort());
    }
  });

  it("lets every stack of the app read the state its cross-stack references need", () => {
    // GIVEN the synthesized app, WHEN a stack reads a producer through terraform_remote_state,
    // THEN the producer's workspace lists the consumer.
    const dir = synthesizedApp();
    const consumersOf = new Map(
      listOf(json, "tfe_workspace_settings").map((s) => [workspaceOf(s.workspace_id), (s.remote_state_consumer_ids as string[]).map(workspaceOf)]),
    );
    let checked = 0;
    for (const id of listStacks(dir)) {
      const stackJson = JSON.parse(readFileSync(join(dir, "stacks", id, "cdk.tf.json"), "utf8")) as TerraformJson;
      for (const producer of remoteStateReads(stackJson)) {
        expect(consumersOf.get(catalog.get(producer).workspace), `${producer} -> ${id}`).toContain(catalog.get(id).workspace);
        checked++;
      }
    }
    console.log(`cross-stack reads in the app checked against consumers: ${checked}`);
  });

  it("gives the tfc and platform workspaces no consumers but the ones that read them", () => {
    const settingsOf = (name: string) => listOf(json, "tfe_workspace_settings").find((s) => workspaceOf(s.workspace_id) === name)!;
    expect(settingsOf("flashcrowd-tfc").remote_state_consumer_ids).toEqual([]);
    expect((settingsOf("flashcrowd-prod").remote_state_consumer_ids as string[]).map(workspaceOf)).toEqual([
      "flashcrowd-prod-addons",
      "flashcrowd-event-xmas-mega-sale",
      "flashcrowd-event-stadium-show-tickets",
    ]);
  });

  it("adopts its own workspace through an import block instead of creating it", () => {
    const tfcId = Object.entries(workspaces).find(([, w]) => w.name === "flashcrowd-tfc")![0];
    expect(json.import).toEqual([{ id: "flashcrowd/flashcrowd-tfc", to: `tfe_workspace.${tfcId}` }]);
    expect(workspaceNamed("flashcrowd-tfc").lifecycle).toEqual({ prevent_destroy: true });
  });

  it("imports its workspace from the organization TFC_ORG names", () => {
    const other = synthTfc(fixtureConfig({ TFC_ORG: "acme-retail" }));
    expect((other.import as { id: string }[])[0]!.id).toBe("acme-retail/flashcrowd-tfc");
  });

  it("keeps its own state in the tfc workspace, outside any project until its first apply moves it", () => {
    expect(json.terraform?.cloud).toEqual({ hostname: "app.terraform.io", organization: "flashcrowd", workspaces: { name: "flashcrowd-tfc" } });
  });

  it("uses only the pinned tfe provider", () => {
    expect(json.terraform?.required_providers).toEqual({ tfe: { source: "hashicorp/tfe", version: "0.71.0" } });
    expect(json.provider).toEqual({ tfe: [{ hostname: "app.terraform.io", organization: "flashcrowd" }] });
  });
});

describe("dynamic AWS credentials in the tfc stack", () => {
  const [variableSet] = listOf(json, "tfe_variable_set");
  const setVariables = listOf(json, "tfe_variable").filter((v) => v.variable_set_id !== undefined);
  const awsStacks = catalog.stacks.filter((s) => s.runRole);

  it("holds TFC_AWS_PROVIDER_AUTH=true in a project variable set", () => {
    expect(variableSet).toMatchObject({ name: "flashcrowd-tfc-aws-dynamic-credentials", parent_project_id: "${tfe_project.project.id}" });
    expect(variableSet!.global).toBeUndefined();
    expect(setVariables).toEqual([expect.objectContaining({ key: "TFC_AWS_PROVIDER_AUTH", value: "true", category: "env" })]);
  });

  it("attaches the variable set to every workspace that uses AWS and not to the tfc workspace", () => {
    const attached = listOf(json, "tfe_workspace_variable_set").map((a) => workspaceOf(a.workspace_id)).sort();
    expect(attached).toEqual(awsStacks.map((s) => s.workspace).sort());
    expect(attached).not.toContain("flashcrowd-tfc");
  });

  it("sets TFC_AWS_PLAN_ROLE_ARN and TFC_AWS_APPLY_ROLE_ARN on each AWS workspace to the roles computed for it", () => {
    const roleArns = byWorkspace("tfe_variable");
    for (const stack of awsStacks) {
      expect(roleArns.get(stack.workspace), stack.id).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ key: "TFC_AWS_PLAN_ROLE_ARN", value: stack.runRole!.plan.arn, category: "env" }),
          expect.objectContaining({ key: "TFC_AWS_APPLY_ROLE_ARN", value: stack.runRole!.apply.arn, category: "env" }),
        ]),
      );
      expect(roleArns.get(stack.workspace), stack.id).toHaveLength(2);
    }
    expect(roleArns.get("flashcrowd-tfc")).toBeUndefined();
  });

  it("sets no single run role for both phases any more", () => {
    expect(listOf(json, "tfe_variable").filter((v) => v.key === "TFC_AWS_RUN_ROLE_ARN")).toEqual([]);
  });

  it("points each workspace at roles its account's platform stack creates", () => {
    const dir = synthesizedApp();
    const rolesIn = (stack: string) => {
      const stackJson = JSON.parse(readFileSync(join(dir, "stacks", stack, "cdk.tf.json"), "utf8")) as TerraformJson;
      const account = (stackJson.provider!.aws![0]!.allowed_account_ids as string[])[0];
      return listOf(stackJson, "aws_iam_role").map((r) => `arn:aws:iam::${account}:role/${String(r.name)}`);
    };
    const created = [...rolesIn("prod"), ...rolesIn("dev")];
    const roleVariables = listOf(json, "tfe_variable").filter((v) => v.key === "TFC_AWS_PLAN_ROLE_ARN" || v.key === "TFC_AWS_APPLY_ROLE_ARN");
    expect(roleVariables).toHaveLength(awsStacks.length * 2);
    for (const v of roleVariables) {
      expect(created, workspaceOf(v.workspace_id)).toContain(v.value);
    }
  });

  it("holds no static AWS keys anywhere", () => {
    const keys = listOf(json, "tfe_variable").map((v) => String(v.key));
    expect(keys.filter((k) => /^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN)$/.test(k))).toEqual([]);
  });
});

describe("Slack notifications in the tfc stack", () => {
  it("read the webhook URL from a sensitive variable with no default", () => {
    const variable = json.variable as Record<string, Resource>;
    expect(variable.slack_webhook_url).toMatchObject({ type: "string", sensitive: true, nullable: false });
    expect(variable.slack_webhook_url!.default).toBeUndefined();
  });

  it("never hold a webhook URL literally", () => {
    expect(JSON.stringify(json)).not.toMatch(/https:\/\/hooks\.slack\.com\/services/);
  });

  it("notify Slack from every workspace, enabled, with errored runs and auto-destroy reminders", () => {
    const configs = byWorkspace("tfe_notification_configuration");
    expect([...configs.keys()].sort()).toEqual(catalog.stacks.map((s) => s.workspace).sort());
    for (const [name, [nc]] of configs) {
      expect(nc, name).toMatchObject({ destination_type: "slack", enabled: true, url: "${var.slack_webhook_url}" });
      expect(nc!.triggers, name).toEqual(expect.arrayContaining(["run:errored", "run:needs_attention", "workspace:auto_destroy_reminder"]));
    }
  });

  it("tell the sale's team when an event run completes", () => {
    const configs = byWorkspace("tfe_notification_configuration");
    expect(configs.get("flashcrowd-event-xmas-mega-sale")![0]!.triggers).toContain("run:completed");
    expect(configs.get("flashcrowd-prod")![0]!.triggers).not.toContain("run:completed");
  });

  it("are left out, with their variable, when switched off in config", () => {
    const off = synthTfc(configWith((c) => (c.project.terraformCloud.slackNotifications = false)));
    expect(listOf(off, "tfe_notification_configuration")).toEqual([]);
    expect(off.variable).toBeUndefined();
  });
});
