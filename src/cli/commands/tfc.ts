import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { stackCatalog } from "../../topology/stack-catalog";
import { UsageError, type CommandModule, type Io } from "../command";
import { loadConfig, type Config } from "../../config";
import { Naming } from "../../core/naming";
import { TfcClient } from "../../tfc/client";
import { TfcApiError, TfcConnectionError, TfcTimeoutError } from "../../tfc/errors";
import { classifyRun, recordUploadedConfiguration, runMarker, startRun, waitForRun } from "../../tfc/runs";
import { packDirectory } from "../../tfc/tarball";
import { renderProblems } from "../../policy/report";
import { runPolicy } from "../../policy/run";
import { policyInputs } from "../../topology/policy-context";
import { synthFolder } from "../synth-folder";

/** What the command needs from outside; tests replace the clock and the app. */
export interface TfcCommandDeps {
  /** Stack ids of the configured app. @default every stack of the stack catalog */
  readonly stackIds?: (config: Config) => string[];
  /** Synthesizes the app into `outdir`. @default `buildApp(config, { outdir }).app.synth()` */
  readonly synth?: (config: Config, outdir: string) => void;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly clock?: () => number;
  /** Poll interval while following a run. @default 5 s */
  readonly pollIntervalMs?: number;
}

/** `flashcrowd tfc` with its outside world replaced (tests); usage and summary in the registry (../index.ts). */
export function createTfcCommand(deps: TfcCommandDeps = {}): CommandModule {
  return {
    async run(args, io) {
      const [sub, ...rest] = args;
      if (sub !== "upload" && sub !== "run" && sub !== "status") {
        throw new UsageError(`flashcrowd tfc: ${sub ? `unknown subcommand "${sub}"` : "missing subcommand"}`);
      }
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        strict: true,
        options: {
          "synth-dir": { type: "string" },
          destroy: { type: "boolean", default: false },
          "auto-apply": { type: "boolean", default: false },
          message: { type: "string" },
          "no-wait": { type: "boolean", default: false },
          timeout: { type: "string", default: "3600" },
        },
      });
      const allowed: Record<typeof sub, string[]> = {
        upload: ["synth-dir"],
        run: ["destroy", "auto-apply", "message", "no-wait", "timeout"],
        status: [],
      };
      const given = Object.keys(values).filter((k) => rest.some((a) => a === `--${k}` || a.startsWith(`--${k}=`)));
      const misplaced = given.filter((k) => !allowed[sub].includes(k));
      if (misplaced.length > 0 || positionals.length !== 1) {
        throw new UsageError(`flashcrowd tfc ${sub}: ${misplaced.length > 0 ? `--${misplaced[0]} does not apply here` : "expects exactly one <stack>"}`);
      }
      const stack = positionals[0]!;
      const timeoutSeconds = Number(values.timeout);
      if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) {
        io.err(`flashcrowd tfc run: --timeout must be a whole number of seconds > 0, got "${values.timeout}"`);
        return 2;
      }

      const config = loadConfig(io.env);
      const hostname = config.project.terraformCloud.hostname;
      const token = io.env.TFC_TOKEN || io.env[`TF_TOKEN_${hostname.replace(/\./g, "_").replace(/-/g, "__")}`];
      if (!token) {
        io.err(`flashcrowd tfc: no Terraform Cloud token; set TFC_TOKEN (or TF_TOKEN_${hostname.replace(/\./g, "_")})`);
        return 2;
      }
      const stacks = (deps.stackIds ?? appStackIds)(config);
      if (!stacks.includes(stack)) {
        io.err(`flashcrowd tfc: unknown stack "${stack}"; stacks are: ${stacks.join(", ")}`);
        return 2;
      }

      const organization = config.project.terraformCloud.organization;
      const workspace = Naming.workspace(config.project.name, stack);
      const client = new TfcClient({
        address: io.env.TFC_ADDRESS || `https://${hostname}`,
        token,
        sleep: deps.sleep,
        clock: deps.clock,
        pollIntervalMs: deps.pollIntervalMs,
        onRetry: (n) => io.err(`retrying ${n.method} ${n.path} in ${(n.delayMs / 1000).toFixed(1)} s (${n.reason})`),
      });
      const ctx: Context = { io, client, organization, workspace, stack, config, deps };
      try {
        if (sub === "upload") return await upload(ctx, values["synth-dir"]);
        if (sub === "status") return await status(ctx);
        return await startAndFollow(ctx, {
          destroy: values.destroy,
          autoApply: values["auto-apply"],
          message: values.message,
          wait: !values["no-wait"],
          timeoutSeconds,
        });
      } catch (error) {
        if (error instanceof TfcApiError && error.status === 404 && error.path.includes("/workspaces/")) {
          io.err(`flashcrowd tfc: workspace ${workspace} not found in organization ${organization} (create it with the tfc stack, or check TFC_ORG and the token's access)`);
          return 1;
        }
        if (error instanceof TfcApiError || error instanceof TfcConnectionError || error instanceof TfcTimeoutError) {
          io.err(`flashcrowd tfc ${sub}: ${error.message}`);
          return 1;
        }
        throw error;
      }
    },
  };
}

export const { run } = createTfcCommand();

interface Context {
  readonly io: Io;
  readonly client: TfcClient;
  readonly organization: string;
  readonly workspace: string;
  readonly stack: string;
  readonly config: Config;
  readonly deps: TfcCommandDeps;
}

function appStackIds(config: Config): string[] {
  return stackCatalog(config).ids();
}

async function upload(ctx: Context, synthDirArg: string | undefined): Promise<number> {
  const { io, client } = ctx;
  const folder = synthFolder(ctx.config, synthDirArg, { scratchPrefix: "flashcrowd-upload-", synth: ctx.deps.synth });
  try {
    const stackDir = join(folder.dir, "stacks", ctx.stack);
    if (!existsSync(join(stackDir, "cdk.tf.json"))) {
      io.err(`flashcrowd tfc upload: ${stackDir}/cdk.tf.json not found; synthesize first or point --synth-dir at a cdktf.out folder`);
      return 2;
    }
    // What the scheduled spin-up will apply must pass the policy pack like any synthesis.
    const report = runPolicy({ synthDir: folder.dir, ...policyInputs(ctx.config), stacks: [ctx.stack] });
    if (!report.ok) {
      io.err(`${renderProblems(report)}\nflashcrowd tfc upload: ${ctx.stack} has unsuppressed policy errors; nothing was uploaded`);
      return 1;
    }
    const tarball = await packDirectory(stackDir);
    const ws = await client.workspace(ctx.organization, ctx.workspace);
    const cv = await client.createConfigurationVersion(ws.id, { autoQueueRuns: false });
    if (!cv.uploadUrl) throw new Error(`configuration version ${cv.id} has no upload URL`);
    await client.uploadConfiguration(cv.uploadUrl, tarball);
    await client.waitForConfigurationVersion(cv.id);
    await recordUploadedConfiguration(client, ws.id, cv.id);
    io.out(`${cv.id} uploaded to ${ctx.organization}/${ctx.workspace} (${tarball.length} bytes) and recorded for the lifecycle's runs; no run was started`);
    return 0;
  } finally {
    folder.dispose();
  }
}

interface RunOptions {
  readonly destroy: boolean;
  readonly autoApply: boolean;
  readonly message?: string;
  readonly wait: boolean;
  readonly timeoutSeconds: number;
}

async function startAndFollow(ctx: Context, options: RunOptions): Promise<number> {
  const { io, client } = ctx;
  const kind = options.destroy ? "destroy" : "apply";
  const ws = await client.workspace(ctx.organization, ctx.workspace);
  const started = await startRun(client, {
    workspaceId: ws.id,
    isDestroy: options.destroy,
    autoApply: options.autoApply ? true : undefined,
    message: options.message ?? `${kind === "destroy" ? "Destroy" : "Apply"} ${ctx.stack} (flashcrowd tfc run)`,
    marker: runMarker(ctx.workspace, kind),
  });
  const url = client.runUrl(ctx.organization, ctx.workspace, started.run.id);
  io.out(`${started.run.id} ${started.created ? "created" : "already under way for the same intent; following it"}`);
  io.out(url);
  if (!options.wait) return 0;

  try {
    const final = await waitForRun(client, started.run.id, {
      timeoutMs: options.timeoutSeconds * 1000,
      confirm: options.autoApply,
      pollIntervalMs: ctx.deps.pollIntervalMs,
      sleep: ctx.deps.sleep,
      clock: ctx.deps.clock,
      onStatus: (r) => io.out(`status: ${r.status}`),
      onNeedsConfirmation: () => io.out(`waiting for confirmation (apply it at ${url}, or pass --auto-apply)`),
    });
    if (classifyRun(final, kind) === "succeeded") {
      io.out(`${final.id} ended ${final.status}`);
      return 0;
    }
    io.err(`${final.id} ended ${final.status}: ${url}`);
    return 1;
  } catch (error) {
    if (error instanceof TfcTimeoutError) {
      io.err(`${started.run.id} timed out after ${options.timeoutSeconds} s, still ${error.lastStatus}: ${url}`);
      return 1;
    }
    throw error;
  }
}

async function status(ctx: Context): Promise<number> {
  const { io, client } = ctx;
  const ws = await client.workspace(ctx.organization, ctx.workspace);
  io.out(`workspace  ${ctx.organization}/${ws.name} (${ws.id})`);
  io.out(`locked     ${ws.locked ? "yes" : "no"}`);
  io.out(`resources  ${ws.resourceCount ?? "unknown"}`);
  io.out(`terraform  ${ws.terraformVersion ?? "unknown"}`);
  const runId = ws.currentRunId ?? ws.latestRunId;
  if (!runId) {
    io.out("latest run none");
    return 0;
  }
  const latest = await client.run(runId);
  io.out(`latest run ${latest.id} ${latest.status}${latest.isDestroy ? " (destroy)" : ""} ${latest.createdAt}`);
  io.out(`           ${latest.message}`);
  io.out(`           ${client.runUrl(ctx.organization, ctx.workspace, latest.id)}`);
  return 0;
}
