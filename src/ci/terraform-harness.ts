/**
 * Offline Terraform checks: `terraform validate` and `terraform plan` of synthesized stacks with no
 * credentials, no backend and no network (beyond a provider mirror when one is on disk).
 *
 * Per stack it copies the synthesized folder, removes the `cloud` block, points the AWS providers at
 * fake credentials with the checks that would call AWS switched off, and rewrites cdktf's
 * cross-stack `terraform_remote_state` sources to local fixture states built from the producers'
 * outputs. Its own CLI config uses the local provider mirror and a shared plugin cache, so the
 * large provider binary is linked rather than copied for every stack.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import type { TerraformJson } from "../core/terraform-json";
import { fixtureStateFor, type FixtureContext } from "./remote-state-fixtures";

export interface HarnessOptions {
  /** Folder `cdktf synth` wrote (holds `stacks/<id>/cdk.tf.json`). */
  readonly synthDir: string;
  /** Scratch folder for per-stack working directories, the CLI config and the plugin cache. */
  readonly workDir: string;
  /** Stacks to check. @default every stack whose providers are all hashicorp/aws */
  readonly stacks?: readonly string[];
  /** Run `terraform plan` after validate. @default true */
  readonly plan?: boolean;
  /** Also write `plan.json` (`terraform show -json`) next to each plan. @default false */
  readonly planJson?: boolean;
  /** Stacks checked at once; each terraform process loads the ~700 MB provider. @default 2 */
  readonly concurrency?: number;
  /** Terraform binary. @default the one found by {@link findTerraform} */
  readonly terraform?: string;
  /** Folder holding `registry.terraform.io/...` to install providers from. @default {@link findProviderMirror} */
  readonly providerMirror?: string | null;
  /** Progress lines. @default silent */
  readonly log?: (line: string) => void;
}

export interface StackCheck {
  readonly stack: string;
  readonly validated: boolean;
  readonly planned: boolean;
  /** Resource changes in the plan, when planned. */
  readonly plannedResources?: number;
  /** Path of `plan.json` when asked for. */
  readonly planJsonPath?: string;
  /** Why the stack failed: the failing command and its output. */
  readonly error?: string;
  readonly seconds: number;
}

const AWS_SOURCES = new Set(["aws", "hashicorp/aws", "registry.terraform.io/hashicorp/aws"]);

/** The Terraform CLI on PATH (or `TERRAFORM_BIN`), if any. */
export function findTerraform(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.TERRAFORM_BIN && existsSync(env.TERRAFORM_BIN)) return env.TERRAFORM_BIN;
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, "terraform");
    if (dir && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/**
 * A local provider mirror holding hashicorp/aws: `TF_PROVIDER_MIRROR`, or the first of the usual
 * places that contains `registry.terraform.io/hashicorp/aws`. Undefined means: use the registry.
 */
export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    env.TF_PROVIDER_MIRROR,
    "/opt/tf-plugins",
    join(homedir(), ".terraform.d", "plugins"),
    join(homedir(), ".local", "share", "terraform", "plugins"),
    "/usr/local/share/terraform/plugins",
    "/usr/share/terraform/plugins",
  ];
  return candidates.find((dir) => dir && existsSync(join(dir, "registry.terraform.io", "hashicorp", "aws")));
}

/** Stack ids in a synth folder whose providers are all hashicorp/aws (so this machine can check them). */
export function awsOnlyStacks(synthDir: string): string[] {
  return listStacks(synthDir).filter((id) => isAwsOnly(readStack(synthDir, id)));
}

export function listStacks(synthDir: string): string[] {
  const dir = join(synthDir, "stacks");
  return readdirSync(dir)
    .filter((id) => existsSync(join(dir, id, "cdk.tf.json")))
    .sort();
}

export function isAwsOnly(json: TerraformJson): boolean {
  const required = (json.terraform?.required_providers ?? {}) as Record<string, { source?: string }>;
  const sources = Object.values(required).map((p) => p.source ?? "");
  return sources.length > 0 && sources.every((s) => AWS_SOURCES.has(s));
}

/** Runs validate (and plan) for each stack; never throws for a failing stack, reports it instead. */
export async function runOfflineChecks(options: HarnessOptions): Promise<StackCheck[]> {
  const terraform = options.terraform ?? findTerraform();
  if (!terraform) throw new Error("no Terraform CLI found on PATH (or TERRAFORM_BIN)");
  const workDir = resolve(options.workDir);
  mkdirSync(workDir, { recursive: true });
  const mirror = options.providerMirror === null ? undefined : (options.providerMirror ?? findProviderMirror());
  const cliConfig = writeCliConfig(workDir, mirror);
  const stacks = options.stacks ?? awsOnlyStacks(options.synthDir);
  const log = options.log ?? (() => undefined);
  log(`terraform: ${terraform}; providers from ${mirror ? `mirror ${mirror}` : "the registry"}`);

  const env = offlineEnv(cliConfig);
  const results: StackCheck[] = [];
  const queue = [...stacks];
  const initOneAtATime = oneAtATime();
  const worker = async () => {
    for (let stack = queue.shift(); stack !== undefined; stack = queue.shift()) {
      const result = await checkStack(stack, terraform, env, options, workDir, initOneAtATime);
      log(
        `${stack}: ${result.error ? "FAILED" : "ok"} (validated: ${result.validated}, planned: ${result.planned}` +
          `${result.plannedResources !== undefined ? `, ${result.plannedResources} resources` : ""}, ${result.seconds.toFixed(1)} s)`,
      );
      results.push(result);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  return results.sort((a, b) => a.stack.localeCompare(b.stack));
}

/**
 * Runs the tasks it is given one after another, in the order given, whatever their outcome.
 * Terraform's plugin cache is not safe for concurrent installs: two `terraform init`s filling it at
 * once fail with "mkdir ...: file exists" (hashicorp/terraform#31964). So the inits of the stacks
 * take turns; validate and plan, which only read the installed providers, still run in parallel.
 */
export function oneAtATime(): <T>(task: () => Promise<T>) => Promise<T> {
  let turn: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const result = turn.then(task, task);
    turn = result.catch(() => undefined);
    return result;
  };
}

async function checkStack(
  stack: string,
  terraform: string,
  env: NodeJS.ProcessEnv,
  options: HarnessOptions,
  workDir: string,
  initOneAtATime: ReturnType<typeof oneAtATime>,
): Promise<StackCheck> {
  const started = Date.now();
  const dir = join(workDir, "stacks", stack);
  const seconds = () => (Date.now() - started) / 1000;
  let validated = false;
  try {
    prepareStack(options.synthDir, stack, dir);
    await initOneAtATime(() => run(terraform, ["init", "-input=false", "-no-color"], dir, env));
    await run(terraform, ["validate", "-no-color"], dir, env);
    validated = true;
    if (options.plan === false) return { stack, validated, planned: false, seconds: seconds() };
    const planOut = await run(
      terraform,
      ["plan", "-input=false", "-lock=false", "-refresh=false", "-no-color", "-out=plan.tfplan"],
      dir,
      env,
    );
    // "Plan: 53 to add, 0 to change, 0 to destroy." (no line at all when nothing changes)
    const counts = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(planOut);
    const plannedResources = counts ? counts.slice(1, 4).reduce((sum, n) => sum + Number(n), 0) : 0;
    let planJsonPath: string | undefined;
    if (options.planJson) {
      planJsonPath = join(dir, "plan.json");
      writeFileSync(planJsonPath, await run(terraform, ["show", "-json", "plan.tfplan"], dir, env));
    }
    return { stack, validated, planned: true, plannedResources, planJsonPath, seconds: seconds() };
  } catch (error) {
    return { stack, validated, planned: false, error: (error as Error).message, seconds: seconds() };
  }
}

/**
 * Copies a synthesized stack into `dir` and rewrites it for an offline run. Exported for tests
 * and for the plan-comment fixtures.
 */
export function prepareStack(synthDir: string, stack: string, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const source = join(synthDir, "stacks", stack);
  for (const entry of readdirSync(source)) {
    if (entry === "cdk.tf.json" || entry === ".terraform" || entry.startsWith("plan")) continue;
    cpSync(join(source, entry), join(dir, entry), { recursive: true });
  }
  const json = readStack(synthDir, stack);
  const terraformBlock = { ...(json.terraform ?? {}) };
  delete terraformBlock.cloud;
  delete terraformBlock.backend;
  json.terraform = terraformBlock;

  for (const config of json.provider?.aws ?? []) {
    // With no credentials the provider cannot learn the account, so the account guard would
    // reject every plan; the synthesized stacks keep it (unit tests assert it is there).
    delete config.allowed_account_ids;
    Object.assign(config, {
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: "true",
      skip_region_validation: true,
    });
  }

  const remoteStates = json.data?.terraform_remote_state ?? {};
  for (const [name, source] of Object.entries(remoteStates)) {
    const producer = /^cross-stack-reference-input-(.+)$/.exec(name)?.[1];
    if (!producer || source.backend !== "remote") continue;
    const producerJson = readStack(synthDir, producer);
    const statePath = join(dir, `fixture-${producer}.tfstate`);
    writeFileSync(statePath, JSON.stringify(fixtureStateFor(producerJson, contextOf(producerJson)), null, 2));
    remoteStates[name] = { ...source, backend: "local", config: { path: statePath } };
  }
  writeFileSync(join(dir, "cdk.tf.json"), JSON.stringify(json, null, 2));

  // Variables without a default (set in the workspace in real runs, often sensitive) get a
  // placeholder of their type so the plan does not stop to ask.
  const variables = (json.variable ?? {}) as Record<string, { default?: unknown; type?: string }>;
  const placeholders = Object.fromEntries(
    Object.entries(variables)
      .filter(([, v]) => v.default === undefined)
      .map(([name, v]) => [name, placeholderFor(name, v.type)]),
  );
  if (Object.keys(placeholders).length > 0) {
    writeFileSync(join(dir, "fixture.auto.tfvars.json"), JSON.stringify(placeholders, null, 2));
  }
}

function placeholderFor(name: string, type: string | undefined): unknown {
  const t = (type ?? "string").replace(/\s/g, "");
  if (t === "number") return 1;
  if (t === "bool") return false;
  if (t.startsWith("list") || t.startsWith("set") || t.startsWith("tuple")) return [];
  if (t.startsWith("map") || t.startsWith("object")) return {};
  return `fixture-${name}`;
}

function contextOf(json: TerraformJson): FixtureContext {
  const primary = (json.provider?.aws ?? []).find((p) => p.alias === undefined) ?? {};
  const accounts = primary.allowed_account_ids as string[] | undefined;
  return { account: accounts?.[0] ?? "123456789012", region: (primary.region as string | undefined) ?? "us-east-1" };
}

function readStack(synthDir: string, stack: string): TerraformJson {
  const path = join(synthDir, "stacks", stack, "cdk.tf.json");
  if (!existsSync(path)) throw new Error(`no synthesized stack "${stack}" in ${synthDir}`);
  return JSON.parse(readFileSync(path, "utf8")) as TerraformJson;
}

/** Writes the harness's own CLI config: local mirror for hashicorp/aws when there is one, shared plugin cache. */
export function writeCliConfig(workDir: string, mirror: string | undefined): string {
  const cache = join(workDir, "plugin-cache");
  mkdirSync(cache, { recursive: true });
  const lines = [`plugin_cache_dir = ${JSON.stringify(cache)}`, "plugin_cache_may_break_dependency_lock_file = true"];
  if (mirror) {
    lines.push(
      "provider_installation {",
      `  filesystem_mirror {`,
      `    path    = ${JSON.stringify(mirror)}`,
      `    include = ["registry.terraform.io/hashicorp/aws"]`,
      "  }",
      "  direct {",
      `    exclude = ["registry.terraform.io/hashicorp/aws"]`,
      "  }",
      "}",
    );
  }
  const path = join(workDir, "terraformrc");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
}

/** Environment for terraform: own CLI config, fake credentials, no telemetry, no real tokens. */
function offlineEnv(cliConfig: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(AWS_|TF_TOKEN_|TFC_|TF_VAR_|TF_CLI_ARGS)/.test(key)) continue;
    env[key] = value;
  }
  return {
    ...env,
    TF_CLI_CONFIG_FILE: cliConfig,
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    AWS_EC2_METADATA_DISABLED: "true",
  };
}

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(cmd, args, { cwd, env, maxBuffer: 512 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const output = `${stderr}\n${stdout}`.trim().split("\n").slice(-60).join("\n");
        reject(new Error(`terraform ${args[0]} failed in ${cwd}:\n${output}`));
      } else {
        resolvePromise(stdout);
      }
    });
  });
}
