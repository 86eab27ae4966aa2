import { Aspects, CloudBackend, NamedCloudWorkspace, TerraformStack } from "cdktf";
import type { Construct } from "constructs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { provideEnvironment } from "../../modules/core/environment";
import type { Config } from "../../src/config";
import { Naming } from "../../src/core/naming";
import { PermissionsBoundaryAspect } from "./permissions-boundary";
import { cdktfWorkaroundsEnabled, PreparedResolution } from "../../src/core/cdktf-workarounds";
import { boundaryPolicyArn } from "../../src/topology/run-role-policies";
import { LaunchedResourceTagging } from "./tagging";

/** Where a stack's AWS resources live. */
export interface AwsTarget {
  /** The only account the providers may act in (`allowed_account_ids`). */
  readonly account: string;
  readonly region: string;
  /** Region for cross-region copies. */
  readonly secondaryRegion: string;
  readonly availabilityZones: readonly string[];
}

export interface AwsStackProps {
  readonly config: Config;
  /** Stack id; also the workspace suffix. */
  readonly stackId: string;
  /** Value of the Environment tag: the environment id, or `event` for event stacks. */
  readonly environment: string;
  readonly target: AwsTarget;
  /** Event slug, for the Event tag of event stacks. */
  readonly event?: string;
}

/**
 * Base of every stack that talks to AWS. Gives the stack its Terraform Cloud workspace
 * (`CloudBackend` + `NamedCloudWorkspace`, named by {@link Naming}), its AWS providers (each with
 * `allowed_account_ids` and the standard `default_tags`), its naming helper, and the tagging Aspect
 * for what `default_tags` misses.
 */
export abstract class AwsStack extends TerraformStack {
  readonly naming: Naming;
  readonly config: Config;
  readonly target: AwsTarget;
  /** Tags every AWS resource of this stack carries. */
  readonly tags: Readonly<Record<string, string>>;
  /** Provider of the stack's home region. */
  readonly provider: AwsProvider;
  /** Puts the account's permissions boundary on every IAM role of the stack (see PermissionsBoundaryAspect). */
  readonly permissionsBoundary: PermissionsBoundaryAspect;
  private readonly providers = new Map<string, AwsProvider>();
  private readonly resolution = new PreparedResolution(this);

  constructor(scope: Construct, props: AwsStackProps) {
    super(scope, props.stackId);
    this.config = props.config;
    this.target = props.target;
    this.naming = new Naming(props.config.project.name, props.stackId);
    // The modules of this stack act in its account and region, and name things with its naming.
    provideEnvironment(this, { account: props.target.account, region: props.target.region, naming: this.naming });
    this.tags = {
      Project: props.config.project.name,
      Environment: props.environment,
      Stack: props.stackId,
      ManagedBy: "cdktf/flashcrowd-infra",
      ...(props.event ? { Event: props.event } : {}),
      ...props.config.project.tags,
    };

    const tfc = props.config.project.terraformCloud;
    new CloudBackend(this, {
      hostname: tfc.hostname,
      organization: tfc.organization,
      workspaces: new NamedCloudWorkspace(this.naming.workspace, tfc.project),
    });

    this.provider = this.newProvider("aws", undefined, props.target.region);
    Aspects.of(this).add(new LaunchedResourceTagging(this.tags));
    this.permissionsBoundary = new PermissionsBoundaryAspect(boundaryPolicyArn(props.config.project.name, props.target.account));
    Aspects.of(this).add(this.permissionsBoundary);
  }

  /** cdktf's preparing pass, keeping what it resolved (a cdktf workaround: see cdktf-workarounds/prepared-resolution.ts). */
  override prepareStack(): void {
    if (cdktfWorkaroundsEnabled()) this.resolution.prepare();
    else super.prepareStack();
  }

  /** cdktf's synthesis, reusing what the preparing pass resolved (a cdktf workaround: see cdktf-workarounds/prepared-resolution.ts). */
  override toTerraform(): unknown {
    return cdktfWorkaroundsEnabled() ? this.resolution.toTerraform() : super.toTerraform();
  }

  /** Provider for the secondary region (alias `secondary`), created on first use. */
  get secondaryProvider(): AwsProvider {
    return this.aliasedProvider("secondary", this.target.secondaryRegion);
  }

  /** Provider for us-east-1 (CloudFront certificates, WAF for CloudFront), created on first use. */
  get usEast1Provider(): AwsProvider {
    return this.target.region === "us-east-1" ? this.provider : this.aliasedProvider("us_east_1", "us-east-1");
  }

  /** An aliased provider in another region of the same account, created once per alias. */
  aliasedProvider(alias: string, region: string): AwsProvider {
    const existing = this.providers.get(alias);
    if (existing) {
      if (existing.region !== region) throw new Error(`provider alias "${alias}" already points at ${existing.region}`);
      return existing;
    }
    const provider = this.newProvider(`aws-${alias}`, alias, region);
    this.providers.set(alias, provider);
    return provider;
  }

  /**
   * A provider acting in another account through a role there (e.g. the accepter side of a
   * cross-account VPC peering), locked to that account, created once per alias.
   */
  crossAccountProvider(alias: string, target: { readonly account: string; readonly region: string; readonly roleArn: string }): AwsProvider {
    const existing = this.providers.get(alias);
    if (existing) {
      if (existing.region !== target.region) throw new Error(`provider alias "${alias}" already points at ${existing.region}`);
      return existing;
    }
    const provider = this.newProvider(`aws-${alias}`, alias, target.region, target.account, target.roleArn);
    this.providers.set(alias, provider);
    return provider;
  }

  private newProvider(id: string, alias: string | undefined, region: string, account = this.target.account, roleArn?: string): AwsProvider {
    return new AwsProvider(this, id, {
      alias,
      region,
      allowedAccountIds: [account],
      ...(roleArn ? { assumeRole: [{ roleArn, sessionName: this.naming.workspace.slice(0, 64) }] } : {}),
      defaultTags: [{ tags: { ...this.tags } }],
    });
  }
}
