import { Lazy } from "cdktf";
import type { Construct, IConstruct } from "constructs";
import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { policyDocument, type PolicyCondition, type PolicyStatement } from "../security/policy-document";

/**
 * Access to a resource, granted by the resource: `queue.grantSendMessages(fn)`,
 * `cache.grantConnect(taskRole)`. The resource knows the actions and ARNs, and decides whether the
 * grantee's identity policy or its own resource policy changes; the grantee only says how
 * statements reach its identity policy ({@link IPrincipal}).
 */

/** A policy a grant creates for a principal that has none of its own to add to (a bare role). */
export interface InlinePolicy {
  /**
   * Construct the policy is created under: the resource's own policy on the role, which lives and
   * dies with the resource.
   * @default - the principal's side (its own policy, or a policy next to its role)
   */
  readonly scope?: Construct;
  /** Construct id (with `scope`), or the suffix of `<grantId>-<id>` next to the role. */
  readonly id: string;
  /** The policy's name on the role. */
  readonly name: string;
  /** Whether the policy names its role by `id` or by `name` (the same value in AWS). @default "id" */
  readonly roleBy?: "id" | "name";
}

/** How a resource policy names a principal (another account's roles). */
export interface PolicyPrincipal {
  readonly account: string;
  readonly principals: NonNullable<PolicyStatement["principals"]>;
  readonly conditions?: PolicyCondition;
}

/** Who a grant is for. */
export interface IPrincipal {
  /** Names the principal among a resource's grantees, e.g. in the id of a policy created for it (`connect-<grantId>`). */
  readonly grantId: string;
  /** How a resource policy names the principal, when it can only be granted there. @default - identity policy only */
  readonly policyPrincipal?: PolicyPrincipal;
  /**
   * Adds statements to the principal's identity policy; `policy` is the inline policy to create for
   * them when the principal has no policy of its own. Returns false when the principal's identity
   * policies are not this app's to change (another account's roles).
   */
  addToPrincipalPolicy(statements: readonly PolicyStatement[], policy: InlinePolicy): boolean;
}

/** Something that can be granted access: a function, a role, another account. */
export interface IGrantable {
  readonly grantPrincipal: IPrincipal;
}

/** What a grant did. */
export class Grant {
  private constructor(
    /** Statements added to the grantee's identity policy. */
    readonly principalStatements: readonly PolicyStatement[],
    /** Statements added to the resource's policy (and its key's). */
    readonly resourceStatements: readonly PolicyStatement[],
  ) {}

  /** Grants `statements` through the grantee's identity policy; fails for a principal whose policies are not this app's. */
  static addToPrincipal(options: {
    readonly grantee: IGrantable;
    readonly statements: readonly PolicyStatement[];
    readonly policy: InlinePolicy;
    /** The resource granting, for messages. */
    readonly resource: IConstruct;
  }): Grant {
    const principal = options.grantee.grantPrincipal;
    if (!principal.addToPrincipalPolicy(options.statements, options.policy)) {
      throw new Error(
        `${options.resource.node.path}: cannot grant ${principal.grantId} through its identity policy (another account's principal), and this resource has no resource-policy grant; grant a principal of this app`,
      );
    }
    return new Grant(options.statements, []);
  }

  /**
   * Grants through the grantee's identity policy where it can; otherwise through the resource:
   * `addToResourcePolicy` writes the resource-policy statements naming the principal.
   */
  static addToPrincipalOrResource(options: {
    readonly grantee: IGrantable;
    readonly statements: readonly PolicyStatement[];
    readonly policy: InlinePolicy;
    readonly resource: IConstruct;
    readonly addToResourcePolicy: (principal: PolicyPrincipal) => readonly PolicyStatement[];
  }): Grant {
    const principal = options.grantee.grantPrincipal;
    if (principal.addToPrincipalPolicy(options.statements, options.policy)) return new Grant(options.statements, []);
    if (!principal.policyPrincipal) {
      throw new Error(`${options.resource.node.path}: ${principal.grantId} can be granted neither through an identity policy nor by name in a resource policy`);
    }
    return new Grant([], options.addToResourcePolicy(principal.policyPrincipal));
  }
}

/**
 * Statements collected into one inline policy, rendered when the stack is synthesized; repeated
 * Sids are numbered (`Sid`, `Sid2`, ...) since a policy needs them unique.
 */
export class PolicyStatements {
  private readonly statements: PolicyStatement[] = [];

  add(...statements: readonly PolicyStatement[]): void {
    this.statements.push(...statements);
  }

  get length(): number {
    return this.statements.length;
  }

  /** The policy document, produced at synth (so later grants are included). */
  document(): string {
    return Lazy.stringValue({ produce: () => policyDocument(uniqueSids(this.statements)) });
  }
}

/** Statement ids must be unique within a policy: number repeats. */
function uniqueSids(statements: readonly PolicyStatement[]): PolicyStatement[] {
  const seen = new Map<string, number>();
  return statements.map((s) => {
    if (!s.sid) return s;
    const n = (seen.get(s.sid) ?? 0) + 1;
    seen.set(s.sid, n);
    return n === 1 ? s : { ...s, sid: `${s.sid}${n}` };
  });
}

export interface RolePrincipalOptions {
  /** @default the role's construct id */
  readonly grantId?: string;
  /**
   * The role's own policy, which grants that do not bring a policy of their own add to (created at
   * the first such grant).
   * @default - none: each such grant creates a policy `<grantId>-<id>` next to the role
   */
  readonly policy?: { readonly scope?: Construct; readonly id: string; readonly name: string };
}

/**
 * An IAM role as a grantee (an ECS task role, a Pod Identity role): a grant whose resource owns the
 * policy creates it in the resource; any other adds to the role's own policy, or creates one next
 * to the role.
 */
export class RolePrincipal implements IPrincipal, IGrantable {
  readonly grantPrincipal: IPrincipal = this;
  readonly grantId: string;
  private own?: PolicyStatements;

  constructor(
    readonly role: IamRole,
    private readonly options: RolePrincipalOptions = {},
  ) {
    this.grantId = options.grantId ?? role.node.id;
  }

  addToPrincipalPolicy(statements: readonly PolicyStatement[], policy: InlinePolicy): boolean {
    const roleScope = this.role.node.scope!;
    if (!policy.scope && this.options.policy) {
      if (!this.own) {
        const own = this.options.policy;
        this.own = new PolicyStatements();
        new IamRolePolicy(own.scope ?? roleScope, own.id, { role: this.role.id, name: own.name, policy: this.own.document() });
      }
      this.own.add(...statements);
      return true;
    }
    const [scope, id] = policy.scope ? [policy.scope, policy.id] : [roleScope, `${this.grantId}-${policy.id}`];
    new IamRolePolicy(scope, id, {
      role: policy.roleBy === "name" ? this.role.name : this.role.id,
      name: policy.name,
      policy: policyDocument(statements),
    });
    return true;
  }
}

export interface AccountPrincipalOptions {
  /** Only the account's principals whose ARN matches (e.g. `arn:aws:iam::<account>:role/<project>-event-*`). @default - any principal the account allows */
  readonly principalArnLike?: string;
}

/**
 * Principals of another account: granted by the resource's policy only (the other account's
 * identity policies must allow the access too, and are not this app's).
 */
export class AccountPrincipal implements IPrincipal, IGrantable {
  readonly grantPrincipal: IPrincipal = this;
  readonly grantId: string;
  readonly policyPrincipal: PolicyPrincipal;

  constructor(
    readonly accountId: string,
    options: AccountPrincipalOptions = {},
  ) {
    this.grantId = `account-${accountId}`;
    this.policyPrincipal = {
      account: accountId,
      principals: { type: "AWS", identifiers: [`arn:aws:iam::${accountId}:root`] },
      conditions: options.principalArnLike ? { ArnLike: { "aws:PrincipalArn": options.principalArnLike } } : undefined,
    };
  }

  addToPrincipalPolicy(): boolean {
    return false;
  }
}
