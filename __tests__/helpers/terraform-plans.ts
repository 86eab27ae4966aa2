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
import { findProviderMirror, writeCliConfig } from "../../src/ci/terraform-harness";

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

/** cdktf-style metadata, so the fixture's resources have construct paths like a synthesized stack's. */
const meta = (path: string) => ({ "//": { metadata: { path, uniqueId: path.split("/").slice(1).join("_") } } });

const SG_PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]';

function securityGroupState(name: string, id: string, description: string, ingress: Json[]): Json {
  const tags = { Name: name };
  return {
    schema_version: 1,
    attributes: {
      arn: `arn:aws:ec2:ap-northeast-2:123456789012:security-group/${id}`,
      description,
      egress: [],
      id,
      ingress,
      name,
      name_prefix: "",
      owner_id: "123456789012",
      revoke_rules_on_delete: false,
      tags,
      tags_all: tags,
      timeouts: null,
      vpc_id: "vpc-0a1b2c3d",
    },
    sensitive_attributes: [],
  };
}

const httpsRule = (cidrs: string[]) => ({
  cidr_blocks: cidrs,
  description: "https",
  from_port: 443,
  ipv6_cidr_blocks: [],
  prefix_list_ids: [],
  protocol: "tcp",
  security_groups: [],
  self: false,
  to_port: 443,
});

/**
 * A plan of the aws provider (5.100.0, from the local mirror) against a hand-written prior state,
 * planned offline like the harness does: an update inside a nested block (one CIDR of a security
 * group's ingress rule), a replacement forced by a renamed security group, a delete (a group the
 * configuration dropped), a create (a NAT gateway), an update of a sensitive value (a
 * `terraform_data` holding a password) and two output changes, one of them sensitive.
 * Returns the plan and the configuration, whose `//` metadata carries construct paths.
 */
export function attributePlan(terraform: string): { plan: Json; config: Json } {
  const dir = mkdtempSync(join(tmpdir(), "flashcrowd-plan-attributes-"));
  const config = {
    terraform: { required_providers: { aws: { source: "hashicorp/aws", version: "5.100.0" } } },
    provider: {
      aws: [
        { region: "ap-northeast-2", skip_credentials_validation: true, skip_requesting_account_id: true, skip_metadata_api_check: "true", skip_region_validation: true },
      ],
    },
    variable: { db_password: { type: "string", sensitive: true } },
    resource: {
      aws_security_group: {
        web: { ...meta("shop/web/sg"), name: "shop-web", description: "web tier", vpc_id: "vpc-0a1b2c3d", ingress: [httpsRule(["10.0.0.0/16", "10.2.0.0/16"])], tags: { Name: "shop-web" } },
        db: { ...meta("shop/database/sg"), name: "shop-db-v2", description: "database tier", vpc_id: "vpc-0a1b2c3d", tags: { Name: "shop-db" } },
      },
      aws_nat_gateway: { nat_c: { ...meta("shop/network/nat-c"), subnet_id: "subnet-0c0c0c0c", allocation_id: "eipalloc-0c0c0c0c" } },
      terraform_data: { db_credentials: { ...meta("shop/database/credentials"), input: { user: "admin", password: "${var.db_password}" } } },
    },
    output: { web_sg: { value: "${aws_security_group.web.name}" }, db_password: { value: "${var.db_password}", sensitive: true } },
  };
  writeConfig(dir, config);
  writeFileSync(join(dir, "terraform.tfvars.json"), JSON.stringify({ db_password: "new-secret-value" }));
  const credentials = { password: "old-secret-value", user: "admin" };
  const credentialsType = ["object", { password: "string", user: "string" }];
  const secretPath = (attr: string) => [{ type: "get_attr", value: attr }, { type: "get_attr", value: "password" }];
  writeFileSync(
    join(dir, "terraform.tfstate"),
    JSON.stringify({
      version: 4,
      terraform_version: "1.11.4",
      serial: 3,
      lineage: "0b7c2a4e-1111-4c2d-9e8f-000000000001",
      outputs: { web_sg: { value: "shop-web-old", type: "string" }, db_password: { value: "old-secret-value", type: "string", sensitive: true } },
      resources: [
        { mode: "managed", type: "aws_security_group", name: "web", provider: SG_PROVIDER, instances: [securityGroupState("shop-web", "sg-0aaa1111bbbb2222c", "web tier", [httpsRule(["10.0.0.0/16", "10.1.0.0/16"])])] },
        { mode: "managed", type: "aws_security_group", name: "db", provider: SG_PROVIDER, instances: [securityGroupState("shop-db", "sg-0ddd3333eeee4444f", "database tier", [])] },
        { mode: "managed", type: "aws_security_group", name: "legacy", provider: SG_PROVIDER, instances: [securityGroupState("shop-legacy", "sg-0fff5555aaaa6666b", "old admin access", [])] },
        {
          mode: "managed",
          type: "terraform_data",
          name: "db_credentials",
          provider: 'provider["terraform.io/builtin/terraform"]',
          instances: [
            {
              schema_version: 0,
              attributes: {
                id: "7d3e0c55-0000-4000-8000-00000000c0de",
                input: { value: credentials, type: credentialsType },
                output: { value: credentials, type: credentialsType },
                triggers_replace: null,
              },
              sensitive_attributes: [secretPath("input"), secretPath("output")],
            },
          ],
        },
      ],
      check_results: null,
    }),
  );
  const env = awsOfflineEnv(dir);
  const run = (args: string[]) => execFileSync(terraform, args, { cwd: dir, env, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  run(["init", "-input=false", "-no-color"]);
  run(["plan", "-input=false", "-no-color", "-refresh=false", "-out=plan.tfplan"]);
  return { plan: JSON.parse(run(["show", "-json", "plan.tfplan"])) as Json, config };
}

/** The harness's own CLI config (provider mirror when there is one) and fake credentials. */
function awsOfflineEnv(dir: string): NodeJS.ProcessEnv {
  const env = terraformEnv(dir);
  return {
    ...env,
    TF_CLI_CONFIG_FILE: writeCliConfig(dir, findProviderMirror()),
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}
