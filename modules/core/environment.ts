import { Construct, type IConstruct } from "constructs";
import type { Naming } from "../../src/core/naming";

/**
 * Where a module's resources live and how they are named: the account and region its stack acts
 * in, and the stack's naming scheme (`{project}-{stack}-{component}`).
 */
export interface ModuleEnvironment {
  readonly account: string;
  readonly region: string;
  readonly naming: Naming;
}

/**
 * The part of the environment a module may set for itself, when it legitimately acts outside its
 * stack's account or region (e.g. CloudFront's web ACL, which lives in us-east-1).
 */
export type EnvironmentOverride = Partial<Pick<ModuleEnvironment, "account" | "region">>;

const providers = new WeakMap<IConstruct, ModuleEnvironment>();

/**
 * Makes `scope` provide `environment` to every construct under it. The stack base (`AwsStack`)
 * registers itself this way; a test registers its bare stack. A scope provides one environment.
 */
export function provideEnvironment(scope: IConstruct, environment: ModuleEnvironment): void {
  if (providers.has(scope)) throw new Error(`${pathOf(scope)}: already provides a module environment`);
  providers.set(scope, environment);
}

/**
 * The environment of `scope`: the one of the nearest scope above it (or itself) that provides one,
 * normally its stack. Throws when there is none, naming the construct and the fix.
 */
export function environmentOf(scope: IConstruct): ModuleEnvironment {
  for (let s: IConstruct | undefined = scope; s; s = s.node.scope) {
    const environment = providers.get(s);
    if (environment) return environment;
  }
  throw new Error(
    `${pathOf(scope)}: no stack above this construct provides a module environment (account, region, naming); ` +
      "create it inside an AwsStack, or register the stack's environment with provideEnvironment(stack, { account, region, naming })",
  );
}

/**
 * Base of the modules that act in an account and region or name their resources: `account`,
 * `region` and `naming` come from the enclosing stack ({@link environmentOf}). A module acting
 * elsewhere passes an {@link EnvironmentOverride}, which then holds for the constructs under it too.
 */
export abstract class ModuleConstruct extends Construct {
  /** The environment this module's resources live in. */
  readonly environment: ModuleEnvironment;

  constructor(scope: Construct, id: string, override: EnvironmentOverride = {}) {
    super(scope, id);
    const inherited = environmentOf(this);
    const account = override.account ?? inherited.account;
    const region = override.region ?? inherited.region;
    if (account === inherited.account && region === inherited.region) {
      this.environment = inherited;
    } else {
      this.environment = { account, region, naming: inherited.naming };
      provideEnvironment(this, this.environment);
    }
  }

  /** Account the module's resources live in. */
  get account(): string {
    return this.environment.account;
  }

  /** Region the module's resources live in. */
  get region(): string {
    return this.environment.region;
  }

  /** The stack's naming scheme. */
  get naming(): Naming {
    return this.environment.naming;
  }
}

function pathOf(scope: IConstruct): string {
  return scope.node.path || "(the app)";
}
