/**
 * The topology: the one list of stacks (= Terraform Cloud workspaces) the configuration produces,
 * in deploy order, with what each needs: its kind, environment, AWS account, providers, the stacks
 * whose state it reads, and the AWS role it runs as.
 *
 * `buildApp` constructs exactly these stacks; the `tfc` stack builds its workspaces and
 * `remote_state_consumer_ids` from it, the platform stacks the Terraform Cloud run roles, the CLI
 * lists, plans, estimates and runs stacks from it, and the workflows apply stacks in its order. A
 * test compares the reads and providers it declares with the cross-stack references and providers
 * of the synthesized stacks.
 */
import { fit, Naming, RunRoleSuffix, StackIds } from "../core/naming";
import type { RunRoleKind } from "../config/schema";
import { parseDuration } from "../config/time";
import type { Config, ResolvedEvent } from "../config/validate";

/** Permanent stacks live as long as the product; ephemeral ones exist around one event. */
export type StackKind = "permanent" | "ephemeral";

/** What a stack is for; decides its providers, dependencies and run-role permissions. */
export type StackType = "tfc" | "platform" | "addons" | "event-edge" | "control" | "event";

/** Terraform providers a stack may use (local names in `required_providers`). */
export type ProviderName = "aws" | "helm" | "kubernetes" | "tfe";

/** One IAM role, by name and computed ARN. */
export interface RoleRef {
  /** Role name, `{project}-{stack}-tfc-plan` / `-tfc-apply` (the stack part cut with a hash when the name would pass IAM's 64 characters). */
  readonly name: string;
  /** `arn:aws:iam::<account>:role/<name>`: computed, so the `tfc` stack needs no cross-stack reference. */
  readonly arn: string;
}

/**
 * The AWS roles a workspace runs as through Terraform Cloud dynamic credentials: a read-only one
 * for plans (`TFC_AWS_PLAN_ROLE_ARN`) and a bounded one for applies (`TFC_AWS_APPLY_ROLE_ARN`).
 */
export interface RunRole {
  readonly account: string;
  /** Kind of stack: decides the apply role's services (src/topology/run-role-scope.ts). */
  readonly kind: RunRoleKind;
  readonly plan: RoleRef;
  readonly apply: RoleRef;
  /** Extra managed policies attached to the apply role (config `project.terraformCloud.runRolePolicyArns`). */
  readonly policyArns: readonly string[];
}

export interface CatalogStack {
  /** Stack id and workspace suffix: `prod`, `prod-addons`, `event-<slug>`, ... */
  readonly id: string;
  readonly type: StackType;
  readonly kind: StackKind;
  /** Environment the stack belongs to: the environment id, `event` for the event stacks, `shared` for `tfc`. */
  readonly environment: string;
  /** Terraform Cloud workspace, `{project}-{id}`. */
  readonly workspace: string;
  /** Where its AWS resources live; undefined for stacks that do not use AWS. */
  readonly aws?: { readonly account: string; readonly region: string };
  /** Providers the stack uses, sorted. */
  readonly providers: readonly ProviderName[];
  /** Stacks whose state this one reads (cross-stack references); each must list it as a consumer. */
  readonly reads: readonly string[];
  /** Whether its workspace applies a successful plan without confirmation. */
  readonly autoApply: boolean;
  /** AWS role its runs assume; undefined for stacks that do not use AWS. */
  readonly runRole?: RunRole;
  /** For event stacks: the calendar entry. */
  readonly event?: ResolvedEvent;
  /**
   * For event stacks: the workspace's `auto_destroy_at` safety net (RFC 3339, UTC), the event's
   * teardown plus `project.terraformCloud.eventAutoDestroyDelay`; undefined when that is off.
   */
  readonly autoDestroyAt?: string;
}

export class StackCatalog {
  /** Every stack, in deploy order: tfc, each environment then its addons, event-edge, control, the events. */
  readonly stacks: readonly CatalogStack[];
  private readonly byId: ReadonlyMap<string, CatalogStack>;

  constructor(readonly config: Config) {
    this.stacks = buildStacks(config);
    this.byId = new Map(this.stacks.map((s) => [s.id, s]));
  }

  /** The stack with this id; throws naming the known ids when there is none. */
  get(id: string): CatalogStack {
    const stack = this.byId.get(id);
    if (!stack) throw new Error(`unknown stack "${id}"; stacks are: ${this.ids().join(", ")}`);
    return stack;
  }

  find(id: string): CatalogStack | undefined {
    return this.byId.get(id);
  }

  ids(): string[] {
    return this.stacks.map((s) => s.id);
  }

  /** The stacks of one type, in deploy order. */
  ofType(type: StackType): CatalogStack[] {
    return this.stacks.filter((s) => s.type === type);
  }

  /** Permanent stacks in the order a merge applies them. */
  get deployOrder(): string[] {
    return this.stacks.filter((s) => s.kind === "permanent").map((s) => s.id);
  }

  /** Stacks that read `id`'s state: its workspace's remote state consumers. */
  consumersOf(id: string): string[] {
    return this.stacks.filter((s) => s.reads.includes(id)).map((s) => s.id);
  }

  /**
   * The stack that creates the Terraform Cloud OIDC provider and the run roles of an AWS account:
   * the first permanent AWS stack of that account in deploy order (the first environment in it,
   * or `event-edge` for an events account that holds no environment). An OIDC provider for a
   * given URL can exist only once per account, hence one host.
   */
  identityHostOf(account: string): string {
    const host = this.stacks.find((s) => s.kind === "permanent" && s.aws?.account === account);
    if (!host) throw new Error(`no permanent stack runs in account ${account}`);
    return host.id;
  }

  /** Accounts with AWS stacks, in deploy order, each with the stack that hosts its workload identity. */
  identityHosts(): ReadonlyMap<string, string> {
    const hosts = new Map<string, string>();
    for (const s of this.stacks) if (s.aws && !hosts.has(s.aws.account)) hosts.set(s.aws.account, this.identityHostOf(s.aws.account));
    return hosts;
  }

  /** Stacks whose run role lives in `account`. */
  runRolesIn(account: string): CatalogStack[] {
    return this.stacks.filter((s) => s.runRole?.account === account);
  }
}

/** Catalog of a validated config. Cheap: plain data, no constructs. */
export function stackCatalog(config: Config): StackCatalog {
  return new StackCatalog(config);
}

const PROVIDERS: Record<StackType, readonly ProviderName[]> = {
  tfc: ["tfe"],
  platform: ["aws"],
  addons: ["aws", "helm", "kubernetes"],
  "event-edge": ["aws"],
  control: ["aws"],
  event: ["aws"],
};

const RUN_ROLE_KIND: Record<Exclude<StackType, "tfc">, RunRoleKind> = {
  platform: "platform",
  addons: "addons",
  "event-edge": "eventEdge",
  control: "control",
  event: "event",
};

function buildStacks(config: Config): CatalogStack[] {
  const project = config.project.name;
  const tfc = config.project.terraformCloud;
  const platform = config.events.platform;
  const delay = tfc.eventAutoDestroyDelay === false ? undefined : parseDuration(tfc.eventAutoDestroyDelay);

  const stack = (
    id: string,
    type: StackType,
    fields: Omit<CatalogStack, "id" | "type" | "workspace" | "providers" | "runRole">,
  ): CatalogStack => {
    const runRole =
      type === "tfc" || !fields.aws
        ? undefined
        : runRoleFor(project, id, fields.aws.account, RUN_ROLE_KIND[type], tfc.runRolePolicyArns[RUN_ROLE_KIND[type]]);
    return { id, type, workspace: Naming.workspace(project, id), providers: PROVIDERS[type], ...fields, ...(runRole ? { runRole } : {}) };
  };

  const stacks: CatalogStack[] = [
    stack(StackIds.tfc, "tfc", { kind: "permanent", environment: "shared", reads: [], autoApply: tfc.autoApply }),
  ];
  for (const [envId, env] of Object.entries(config.environments)) {
    const aws = { account: env.account, region: env.region };
    stacks.push(stack(StackIds.platform(envId), "platform", { kind: "permanent", environment: envId, aws, reads: [], autoApply: env.autoApply }));
    stacks.push(
      stack(StackIds.addons(envId), "addons", { kind: "permanent", environment: envId, aws, reads: [StackIds.platform(envId)], autoApply: env.autoApply }),
    );
  }
  const eventsAws = { account: platform.account, region: platform.region };
  stacks.push(stack(StackIds.eventEdge, "event-edge", { kind: "permanent", environment: "event", aws: eventsAws, reads: [], autoApply: platform.autoApply }));
  stacks.push(stack(StackIds.control, "control", { kind: "permanent", environment: "event", aws: eventsAws, reads: [], autoApply: platform.autoApply }));
  // Retired events keep their workspace: it may still hold resources, and Terraform Cloud refuses
  // to delete such a workspace, which would fail every deploy until someone emptied it.
  for (const event of config.events.withStacks) {
    stacks.push(
      stack(event.stackId, "event", {
        kind: "ephemeral",
        environment: "event",
        aws: eventsAws,
        reads: [StackIds.eventEdge, StackIds.platform(platform.syncTo)],
        autoApply: platform.autoApply,
        event,
        ...(delay ? { autoDestroyAt: event.teardownAt.plus(delay).toUTC().toISO({ suppressMilliseconds: true })! } : {}),
      }),
    );
  }
  return stacks;
}

/** The run roles of a stack: names and ARNs are derived, never looked up. */
export function runRoleFor(project: string, stackId: string, account: string, kind: RunRoleKind, policyArns: readonly string[]): RunRole {
  const role = (suffix: string): RoleRef => {
    // The suffix always survives the cut: the apply roles' Deny statements match run roles by it.
    const name = `${fit(Naming.workspace(project, stackId), 64 - suffix.length - 1)}-${suffix}`;
    return { name, arn: `arn:aws:iam::${account}:role/${name}` };
  };
  return { account, kind, plan: role(RunRoleSuffix.plan), apply: role(RunRoleSuffix.apply), policyArns };
}
