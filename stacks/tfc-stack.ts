import { CloudBackend, NamedCloudWorkspace, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { NotificationConfiguration } from "@cdktf/provider-tfe/lib/notification-configuration";
import { Project } from "@cdktf/provider-tfe/lib/project";
import { TfeProvider } from "@cdktf/provider-tfe/lib/provider";
import { Variable } from "@cdktf/provider-tfe/lib/variable";
import { VariableSet } from "@cdktf/provider-tfe/lib/variable-set";
import { Workspace } from "@cdktf/provider-tfe/lib/workspace";
import { WorkspaceSettings } from "@cdktf/provider-tfe/lib/workspace-settings";
import { WorkspaceVariableSet } from "@cdktf/provider-tfe/lib/workspace-variable-set";
import type { Config } from "../src/config";
import { Naming, StackIds } from "../src/core/naming";
import { stackCatalog, type CatalogStack, type StackCatalog } from "../src/topology/stack-catalog";

export interface TfcStackProps {
  /** Validated config: the stack catalog, organization, Terraform version and notification settings come from it. */
  readonly config: Config;
}

/** Notification triggers of every workspace. Auto-destroy ones too: on a permanent workspace an auto-destroy can only have been set by hand, which someone must hear about. */
export const COMMON_TRIGGERS = [
  "run:needs_attention",
  "run:errored",
  "workspace:auto_destroy_reminder",
  "workspace:auto_destroy_run_results",
] as const;

/** Extra triggers of event workspaces: each spin-up and teardown is news for the sale's team. */
export const EVENT_TRIGGERS = ["run:completed"] as const;

/** Terraform variable of the `tfc` workspace holding the Slack webhook URL (sensitive, set by hand). */
export const SLACK_WEBHOOK_VARIABLE = "slack_webhook_url";

const DESCRIPTION: Record<CatalogStack["type"], string> = {
  tfc: "Terraform Cloud itself: the project, every workspace, their settings, variables and notifications",
  platform: "permanent platform",
  addons: "permanent cluster add-ons (Helm, Kubernetes) of the platform",
  "event-edge": "permanent event edge: CloudFront, WAF, certificates, the 'sale not open' page",
  control: "permanent event lifecycle: schedules, state machine, Terraform Cloud runs",
  event: "ephemeral event environment, applied before the sale and destroyed after it",
};

/**
 * The `tfc` stack: every stack's Terraform Cloud workspace as code, from the stack catalog.
 *
 * - a project; one workspace per stack (remote execution, pinned Terraform version, tags, auto-apply
 *   as configured, destroy plans only on event workspaces, deletion only when empty);
 * - state shared only with the stacks that read it (`remote_state_consumer_ids`);
 * - event workspaces carry `auto_destroy_at` some hours after their planned teardown as a safety net,
 *   when `project.terraformCloud.eventAutoDestroyDelay` turns it on (an HCP Terraform Plus feature);
 * - dynamic AWS credentials: a variable set with `TFC_AWS_PROVIDER_AUTH` on every AWS workspace and,
 *   per workspace, `TFC_AWS_PLAN_ROLE_ARN` (read-only) and `TFC_AWS_APPLY_ROLE_ARN` (bounded), so a
 *   plan never holds write permissions (the roles are created by the account's identity host);
 * - Slack notifications, the webhook URL coming from a sensitive variable of this workspace.
 *
 * Its own workspace exists before its first run (it is this stack's backend); the stack adopts it
 * with an import block instead of creating it.
 */
export class TfcStack extends TerraformStack {
  readonly catalog: StackCatalog;
  readonly naming: Naming;
  readonly project: Project;
  /** Workspaces by stack id. */
  readonly workspaces: Readonly<Record<string, Workspace>>;
  readonly settings: Readonly<Record<string, WorkspaceSettings>>;
  /** Variable set with `TFC_AWS_PROVIDER_AUTH`, attached to every workspace that uses AWS. */
  readonly awsCredentials: VariableSet;
  /** Sensitive input with the Slack webhook URL; undefined when notifications are off. */
  readonly slackWebhookUrl?: TerraformVariable;

  constructor(scope: Construct, props: TfcStackProps) {
    super(scope, StackIds.tfc);
    const config = props.config;
    const tfc = config.project.terraformCloud;
    const organization = tfc.organization;
    this.catalog = stackCatalog(config);
    this.naming = new Naming(config.project.name, StackIds.tfc);

    // No project in the cloud block: this workspace is created by the first `terraform init`,
    // before this stack has created the project, and is moved into the project by its first apply.
    new CloudBackend(this, {
      hostname: tfc.hostname,
      organization,
      workspaces: new NamedCloudWorkspace(this.naming.workspace),
    });
    // The token comes from the TFE_TOKEN environment variable of this workspace (set by hand).
    new TfeProvider(this, "tfe", { hostname: tfc.hostname, organization });

    this.project = new Project(this, "project", {
      name: tfc.project,
      organization,
      description: `${config.project.name}: every workspace of the flashcrowd-infra repository. Managed by its tfc stack.`,
      lifecycle: { preventDestroy: true },
    });

    if (tfc.slackNotifications) {
      this.slackWebhookUrl = new TerraformVariable(this, SLACK_WEBHOOK_VARIABLE, {
        type: "string",
        sensitive: true,
        nullable: false,
        description:
          "Slack incoming-webhook URL for workspace notifications. Set it once as a sensitive Terraform variable of this workspace; it is never in code or config.",
        validation: [
          {
            condition: `\${can(regex("^https://hooks\\\\.slack\\\\.com/", var.${SLACK_WEBHOOK_VARIABLE}))}`,
            errorMessage: "slack_webhook_url must be a Slack incoming-webhook URL (https://hooks.slack.com/...).",
          },
        ],
      });
    }

    this.awsCredentials = new VariableSet(this, "aws-dynamic-credentials", {
      name: this.naming.name("aws-dynamic-credentials", 128),
      organization,
      parentProjectId: this.project.id,
      description:
        "Terraform Cloud dynamic AWS credentials: plans assume the read-only role in TFC_AWS_PLAN_ROLE_ARN, applies the role in TFC_AWS_APPLY_ROLE_ARN (workspace variables), with an OIDC token. No static keys.",
    });
    new Variable(this, "aws-provider-auth", {
      variableSetId: this.awsCredentials.id,
      key: "TFC_AWS_PROVIDER_AUTH",
      value: "true",
      category: "env",
      description: "Use Terraform Cloud dynamic credentials for the AWS provider.",
    });

    const workspaces: Record<string, Workspace> = {};
    const settings: Record<string, WorkspaceSettings> = {};
    for (const stack of this.catalog.stacks) {
      const scopeOfStack = new Construct(this, stack.id);
      const workspace = new Workspace(scopeOfStack, "workspace", {
        name: stack.workspace,
        organization,
        projectId: this.project.id,
        description: `${config.project.name} ${stack.id}: ${DESCRIPTION[stack.type]}. Managed by the tfc stack; change it in code.`,
        terraformVersion: tfc.terraformVersion,
        autoApply: stack.autoApply,
        allowDestroyPlan: stack.kind === "ephemeral",
        // API- and CLI-driven workspaces: nothing runs until a configuration is uploaded on purpose.
        queueAllRuns: false,
        speculativeEnabled: true,
        // Safe delete: Terraform Cloud refuses to delete a workspace that still manages resources.
        forceDelete: false,
        tags: { environment: stack.environment, kind: stack.kind, stack: stack.id },
        ...(stack.autoDestroyAt ? { autoDestroyAt: stack.autoDestroyAt } : {}),
        lifecycle: stack.kind === "permanent" ? { preventDestroy: true } : stack.autoDestroyAt ? AUTO_DESTROY_LIFECYCLE : undefined,
      });
      if (stack.type === "tfc") workspace.importFrom(`${organization}/${stack.workspace}`);
      workspaces[stack.id] = workspace;
    }
    const checks = autoDestroyChecks(this, workspaces);
    if (Object.keys(checks).length > 0) this.addOverride("check", checks);

    for (const stack of this.catalog.stacks) {
      const scopeOfStack = this.node.findChild(stack.id);
      const workspaceId = workspaces[stack.id]!.id;
      settings[stack.id] = new WorkspaceSettings(scopeOfStack, "settings", {
        workspaceId,
        executionMode: "remote",
        // Least privilege: only the stacks that read this one's outputs may read its state.
        globalRemoteState: false,
        remoteStateConsumerIds: this.catalog.consumersOf(stack.id).map((consumer) => workspaces[consumer]!.id),
      });

      if (stack.runRole) {
        new WorkspaceVariableSet(scopeOfStack, "aws-dynamic-credentials", { workspaceId, variableSetId: this.awsCredentials.id });
        const host = this.catalog.identityHostOf(stack.runRole.account);
        // Terraform Cloud picks the role by run phase: speculative and regular plans get the
        // read-only one, applies (and destroys) the bounded one.
        new Variable(scopeOfStack, "aws-plan-role-arn", {
          workspaceId,
          key: "TFC_AWS_PLAN_ROLE_ARN",
          value: stack.runRole.plan.arn,
          category: "env",
          description: `Read-only AWS role this workspace's plans assume; created by the ${host} stack.`,
        });
        new Variable(scopeOfStack, "aws-apply-role-arn", {
          workspaceId,
          key: "TFC_AWS_APPLY_ROLE_ARN",
          value: stack.runRole.apply.arn,
          category: "env",
          description: `Bounded AWS role this workspace's applies assume; created by the ${host} stack.`,
        });
      }

      if (this.slackWebhookUrl) {
        new NotificationConfiguration(scopeOfStack, "slack", {
          workspaceId,
          name: "slack",
          destinationType: "slack",
          enabled: true,
          url: this.slackWebhookUrl.stringValue,
          triggers: [...COMMON_TRIGGERS, ...(stack.kind === "ephemeral" ? EVENT_TRIGGERS : [])],
        });
      }
    }
    this.workspaces = workspaces;
    this.settings = settings;
  }
}

/**
 * Lifecycle of an event workspace with a safety-net auto-destroy. Terraform Cloud manages
 * `auto_destroy_at` in part (it clears it once the auto-destroy has run) and the lifecycle moves it
 * later through the API while the event's data is not verified, so changes to it are ignored, as
 * the provider documentation advises; otherwise every plan would set the configured time again.
 */
const AUTO_DESTROY_LIFECYCLE = { ignoreChanges: ["auto_destroy_at"] };

/**
 * One check per event workspace whose recorded auto-destroy time is ignored: it warns when that
 * time is earlier than the safety-net time of the event's current teardown (the event was moved
 * later after its workspace was created). A check block never fails the plan, so a calendar edit
 * cannot stop the deploy before `control` applies the new schedules; and an auto-destroy that
 * fires too early removes compute only, since it fails at the event database (deletion protection).
 */
function autoDestroyChecks(stack: TfcStack, workspaces: Readonly<Record<string, Workspace>>): Record<string, unknown> {
  const checks: Record<string, unknown> = {};
  for (const entry of stack.catalog.stacks) {
    const wanted = entry.autoDestroyAt;
    if (entry.kind !== "ephemeral" || !wanted) continue;
    const recorded = `tfe_workspace.${stack.getLogicalId(workspaces[entry.id]!)}.auto_destroy_at`;
    checks[`auto-destroy-${entry.id}`] = {
      assert: [
        {
          condition: `\${${recorded} == null ? true : timecmp(${recorded}, "${wanted}") >= 0}`,
          error_message:
            `Workspace ${entry.workspace} would auto-destroy before ${wanted}, the safety-net time of its event's current teardown: ` +
            `the event was moved later after the workspace was created. The verified teardown moves the time later itself while the data is not verified, ` +
            `and an early auto-destroy fails at the event database (deletion protection), but it would stop the sale's services: set the workspace's ` +
            `auto-destroy time to ${wanted} (Settings > Destruction and Deletion, or PATCH /api/v2/workspaces/<id> with auto-destroy-at).`,
        },
      ],
    };
  }
  return checks;
}
