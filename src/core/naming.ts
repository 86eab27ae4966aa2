import { createHash } from "node:crypto";

const EVENT_STACK_PREFIX = "event-";
const ADDONS_STACK_SUFFIX = "-addons";
/** Ids of the stacks that are neither an environment's nor an event's. */
const SHARED_STACK_IDS = { tfc: "tfc", eventEdge: "event-edge", control: "control" } as const;

/**
 * Stack ids, which are also the suffixes of the Terraform Cloud workspaces ({@link Naming.workspace}):
 * the one place each is spelled out. The stack catalog lists which of them a configuration produces.
 */
export const StackIds = {
  ...SHARED_STACK_IDS,
  /** An environment's platform stack: the environment id itself. */
  platform: (environmentId: string): string => environmentId,
  /** The Kubernetes add-ons of an environment, `<env>-addons`. */
  addons: (environmentId: string): string => `${environmentId}${ADDONS_STACK_SUFFIX}`,
  /** A calendar event's stack, `event-<slug>`. */
  event: (slug: string): string => `${EVENT_STACK_PREFIX}${slug}`,
  /** Whether an environment id would clash with another stack's id: `tfc`, `control`, `event-edge`, `event-*` or `*-addons`. */
  takenByOtherStacks: (environmentId: string): boolean =>
    (Object.values(SHARED_STACK_IDS) as string[]).includes(environmentId) ||
    environmentId.startsWith(EVENT_STACK_PREFIX) ||
    environmentId.endsWith(ADDONS_STACK_SUFFIX),
} as const;

/**
 * Name suffixes of the two Terraform Cloud run roles of a workspace, `<workspace>-tfc-plan` and
 * `<workspace>-tfc-apply`; the apply roles' Deny statements and the policy pack match run roles by them.
 */
export const RunRoleSuffix = { plan: "tfc-plan", apply: "tfc-apply" } as const;

/**
 * The one naming scheme: `{project}-{stack}-{component}`, lowercase, '-' separated.
 *
 * AWS caps some names (ALB and target group 32, IAM role 64, RDS identifiers 63). When a name is
 * too long it is cut and ends in a short hash of the full name, so it stays unique and stable.
 */
export class Naming {
  constructor(
    /** Project prefix from config. */
    readonly project: string,
    /** Stack id: `prod`, `dev`, `event-<slug>`, ... */
    readonly stack: string,
  ) {}

  /** Terraform Cloud workspace of a stack: `{project}-{stack}`. */
  static workspace(project: string, stack: string): string {
    return `${project}-${stack}`;
  }

  get workspace(): string {
    return Naming.workspace(this.project, this.stack);
  }

  /** `{project}-{stack}-{component}`, at most `maxLength` characters (default 64). */
  name(component: string, maxLength = 64): string {
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(component)) {
      throw new Error(`component "${component}" must be lowercase letters, digits and '-'`);
    }
    return fit(`${this.project}-${this.stack}-${component}`, maxLength);
  }

  /** The same name with a different separator, for services that reject '-' (e.g. some metric namespaces). */
  pathName(component: string): string {
    return `/${this.project}/${this.stack}/${component}`;
  }
}

/** Cuts `name` to `max` characters, replacing the tail with a 6-character hash of the whole name. */
export function fit(name: string, max: number): string {
  if (name.length <= max) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 6);
  return `${name.slice(0, max - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}
