/**
 * Real Terraform JSON plans for the plan-comment tests, made with the builtin `terraform_data`
 * resource (no provider binary, no network): a state is created (by a real apply, or written by
 * hand when it must be large), the configuration is changed, and `terraform plan` +
 * `terraform show -json` give the plan Terraform itself would show.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

type Json = Record<string, unknown>;

function terraformEnv(dir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(AWS_|TF_|TFC_)/.test(key)) env[key] = value;
  }
  const cliConfig = join(dir, "terraformrc");
  writeFileSync(cliConfig, "");
  return { ...env, TF_CLI_CONFIG_FILE: cliConfig, TF_IN_AUTOMATION: "1", TF_INPUT: "0", CHECKPOINT_DISABLE: "1" };
}

function tf(terraform: string, dir: string, args: string[]): string {
  return execFileSync(terraform, args, { cwd: dir, env: terraformEnv(dir), encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
}

function writeConfig(dir: string, config: Json): void {
  writeFileSync(join(dir, "main.tf.json"), JSON.stringify(config, null, 2));
}

function planJson(terraform: string, dir: string, extra: string[] = []): Json {
  tf(terraform, dir, ["plan", "-input=false", "-no-color", "-refresh=false", ...extra, "-out=plan.tfplan"]);
  return JSON.parse(tf(terraform, dir, ["show", "-json", "plan.tfplan"])) as Json;
}

/**
 * Applies a small configuration, then changes it so the plan holds one of each action: an update,
 * a delete, a replace (and one with create_before_destroy), a create, a move and a forget, next to
 * unchanged resources. Also returns the plan of the unchanged configuration (no changes) and
 * its destroy plan (what an event's teardown preview looks like).
 */
export function changePlans(terraform: string): { changes: Json; noChanges: Json; destroy: Json } {
  const dir = mkdtempSync(join(tmpdir(), "flashcrowd-plan-changes-"));
  const data = (input: Json) => input;
  const before = {
    resource: {
      terraform_data: {
        unchanged: data({ input: "same" }),
        settings: data({ input: { size: "small", replicas: 2 } }),
        old_queue: data({ input: "queue" }),
        database: data({ input: "db", triggers_replace: ["engine-8.0"] }),
        certificate: data({ input: "cert", triggers_replace: ["example.com"], lifecycle: [{ create_before_destroy: true }] }),
        old_name: data({ input: "renamed later" }),
        kept_outside: data({ input: "handed over" }),
        shard: data({ for_each: '${toset(["a", "b \\"quoted\\""])}', input: "${each.key}" }),
      },
    },
  };
  writeConfig(dir, before);
  tf(terraform, dir, ["init", "-input=false", "-no-color"]);
  tf(terraform, dir, ["apply", "-input=false", "-no-color", "-auto-approve"]);
  const noChanges = planJson(terraform, dir);
  const destroy = planJson(terraform, dir, ["-destroy"]);

  const resources = before.resource.terraform_data as Record<string, Json>;
  const after = {
    resource: {
      terraform_data: {
        unchanged: resources.unchanged,
        settings: data({ input: { size: "large", replicas: 3 } }),
        database: data({ input: "db", triggers_replace: ["engine-8.4"] }),
        certificate: data({ input: "cert", triggers_replace: ["shop.example.com"], lifecycle: [{ create_before_destroy: true }] }),
        new_name: data({ input: "renamed later" }),
        new_cache: data({ input: "cache" }),
        shard: data({ for_each: '${toset(["a"])}', input: "${each.key}" }),
      },
    },
    moved: [{ from: "terraform_data.old_name", to: "terraform_data.new_name" }],
    removed: [{ from: "terraform_data.kept_outside", lifecycle: [{ destroy: false }] }],
  };
  writeConfig(dir, after);
  return { changes: planJson(terraform, dir), noChanges, destroy };
}

/**
 * A plan too large for one comment: `deletes` resources in a hand-written state that the
 * configuration no longer has, and `creates` new ones, all with long for_each keys.
 */
export function largePlan(terraform: string, deletes: number, creates: number): Json {
  const dir = mkdtempSync(join(tmpdir(), "flashcrowd-plan-large-"));
  const key = (prefix: string, i: number) =>
    `${prefix}-${String(i).padStart(5, "0")}-customer-order-partition-of-the-december-flash-sale-archive-in-ap-northeast-2-with-a-deliberately-long-key`;
  const oldKeys = Array.from({ length: deletes }, (_, i) => key("old", i));
  const newKeys = Array.from({ length: creates }, (_, i) => key("new", i));
  writeConfig(dir, {
    variable: { keys: { type: "list(string)" } },
    resource: { terraform_data: { partition: { for_each: "${toset(var.keys)}", input: "${each.key}" } } },
  });
  writeFileSync(join(dir, "terraform.tfvars.json"), JSON.stringify({ keys: newKeys }));
  const instance = (k: string) => ({
    index_key: k,
    schema_version: 0,
    attributes: { id: `00000000-0000-0000-0000-${String(oldKeys.indexOf(k)).padStart(12, "0")}`, input: { value: k, type: "string" }, output: { value: k, type: "string" }, triggers_replace: null },
    sensitive_attributes: [],
  });
  writeFileSync(
    join(dir, "terraform.tfstate"),
    JSON.stringify({
      version: 4,
      terraform_version: "1.11.4",
      serial: 1,
      lineage: "5d1d5c5e-0000-4000-8000-000000000000",
      outputs: {},
      resources: [
        {
          mode: "managed",
          type: "terraform_data",
          name: "partition",
          provider: 'provider["terraform.io/builtin/terraform"]',
          instances: oldKeys.map(instance),
        },
      ],
      check_results: null,
    }),
  );
  tf(terraform, dir, ["init", "-input=false", "-no-color"]);
  return planJson(terraform, dir);
}
