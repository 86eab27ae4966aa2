/**
 * Shapes shared by the policy pack: rules, their results, the per-stack context they read, and the
 * findings and suppressions a run reports.
 */
import type { TerraformJson } from "../core/terraform-json";
import type { RuleId } from "./ids";

export type { TerraformJson };
export type { RuleId };

/** `error` fails synthesis unless suppressed; `warning` is reported and never fatal. */
export type Severity = "error" | "warning";

/** What a rule says about one resource. */
export type RuleStatus = "compliant" | "non_compliant" | "not_applicable";

export interface RuleResult {
  /** Terraform address of the resource the result is about, e.g. `aws_rds_cluster.db_1A2B3C4D`. */
  readonly address: string;
  readonly status: RuleStatus;
  /** What was found: for a violation, exactly what is wrong. */
  readonly message: string;
}

/** What a rule may know about a stack beyond its Terraform JSON (src/topology/policy-context.ts builds it from config). */
export interface PolicyContext {
  readonly stackId: string;
  /**
   * `platform`: an environment of `config.environments` (or its `-addons` stack); `event`: a stack of
   * the event calendar; `shared`: any other stack (control, tfc, event-edge).
   */
  readonly kind: "platform" | "event" | "shared";
  /** Event stacks are destroyed after the sale; every other stack is permanent. */
  readonly lifetime: "permanent" | "ephemeral";
  /**
   * The stack holds the data of the environment events sync into (`events.platform.syncTo`,
   * normally prod): its data stores must carry `prevent_destroy`.
   */
  readonly prod: boolean;
  /** Stack id of the environment DMS tasks write event data into (`events.platform.syncTo`). */
  readonly syncTo: string;
  /** Config asks for data stores that survive the loss of an Availability Zone. */
  readonly highAvailability: boolean;
}

/**
 * A suppression for whole stacks rather than one resource (the configuration's
 * `policy.suppressions` conform to it): by stack id pattern and/or kind, optionally narrowed to
 * resource addresses. `*` in a pattern matches any characters.
 */
export interface StackSuppression {
  readonly rule: string;
  readonly stacks?: string;
  readonly kind?: PolicyContext["kind"];
  readonly resources?: string;
  /** Why the rule does not apply there; printed in every report. */
  readonly reason: string;
}

/** What a run knows beyond the synthesized JSON: each stack's context, and the suppressions for whole stacks. */
export interface PolicyInputs {
  readonly contextOf: (stackId: string) => PolicyContext;
  readonly suppressions: readonly StackSuppression[];
}

/** A rule: a pure function of one stack's synthesized Terraform JSON and its context. */
export type Rule = (json: TerraformJson, context: PolicyContext) => RuleResult[];

/** The scanner checks a rule corresponds to, so a finding can be looked up elsewhere. */
export interface RuleReference {
  /** cdk-nag rule ids, e.g. `AwsSolutions-RDS10`, `NIST.800.53.R5-VPCFlowLogsEnabled`. */
  readonly cdkNag?: readonly string[];
  /** checkov check ids, e.g. `CKV_AWS_139`. */
  readonly checkov?: readonly string[];
}

export type PolicyDomain = "network" | "compute" | "data" | "edge" | "operations" | "data-safety";

/** One entry of the pack: the policy around a rule. */
export interface PolicyDefinition {
  readonly id: RuleId;
  readonly domain: PolicyDomain;
  readonly severity: Severity;
  /** One line: what must hold. */
  readonly title: string;
  /** Why it matters. */
  readonly explanation: string;
  /** How to make a violating resource compliant. */
  readonly fix: string;
  readonly reference: RuleReference;
  readonly rule: Rule;
}

/** Where a suppression was declared. */
export type SuppressionSource = "resource" | "config";

/** A suppression that silenced a finding. */
export interface AppliedSuppression {
  readonly source: SuppressionSource;
  readonly reason: string;
  /** For config suppressions: the `policy.suppressions[i]` entry that matched. */
  readonly configIndex?: number;
}

/** A violation found by a rule (suppressed or not). */
export interface Finding {
  readonly stack: string;
  readonly rule: RuleId;
  readonly severity: Severity;
  readonly title: string;
  readonly resource: string;
  readonly message: string;
  readonly fix: string;
  readonly reference: RuleReference;
  /** Present when a suppression with a written reason silenced the finding. */
  readonly suppressed?: AppliedSuppression;
}

/** A suppression declared on a resource in code, as read back from the synthesized JSON. */
export interface ResourceSuppression {
  readonly rule: string;
  readonly reason: string;
}
