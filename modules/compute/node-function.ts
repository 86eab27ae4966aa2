import { TerraformAsset, AssetType } from "cdktf";
import type { Construct } from "constructs";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { ModuleConstruct } from "../core/environment";
import type { SubnetPlacement } from "../network/placement";
import { Connections, Peer, Port, type IConnectable } from "../core/connections";
import { PolicyStatements, type IGrantable, type IPrincipal } from "../core/grant";
import type { DeadLetterQueue } from "../messaging/dead-letter-queue";
import type { KmsKey } from "../security/kms-key";
import { policyDocument, type PolicyStatement } from "../security/policy-document";
import { LAMBDA_NODE_RUNTIME } from "./lambda-runtime";

/** A bundled handler: a zip holding `index.js`. */
export interface FunctionCode {
  /** Absolute path of the zip. */
  readonly zipPath: string;
  /** base64 SHA-256 of the zip (`source_code_hash`). */
  readonly sha256Base64: string;
  /** Short hash naming the asset folder. */
  readonly hash: string;
}

export interface NodeFunctionProps {
  /** Name component: the function is `{project}-{stack}-{component}`. */
  readonly component: string;
  readonly description: string;
  readonly code: FunctionCode;
  /** Key encrypting the log group and the environment variables. */
  readonly key: KmsKey;
  /** Where failed asynchronous invocations go. */
  readonly deadLetterQueue: DeadLetterQueue;
  /** @default - no variables */
  readonly environment?: Readonly<Record<string, string>>;
  /** @default 30 seconds */
  readonly timeoutSeconds?: number;
  /** @default 256 MB */
  readonly memoryMb?: number;
  /** @default 90 days */
  readonly logRetentionDays?: number;
  /**
   * Concurrent executions reserved for (and allowed to) this function.
   * @default 1 - one at a time; raise it for functions called by several executions at once
   */
  readonly reservedConcurrency?: number;
  /**
   * Runs the function in a VPC (to reach a database there): in `subnetIds` (private ones, with a
   * route to AWS APIs through NAT or endpoints), with a security group of its own that admits
   * nothing and sends only HTTPS until links through {@link NodeFunction.connections} open more. The role
   * gets the network-interface permissions Lambda needs.
   * @default - not in a VPC: the function reaches public endpoints and AWS APIs only
   */
  readonly vpc?: SubnetPlacement;
}

/**
 * A Node.js Lambda function ({@link LAMBDA_NODE_RUNTIME}) from a bundled zip, with its own role
 * (which starts with only its log group, X-Ray and its dead-letter queue; resources grant it more,
 * `queue.grantSend(fn)`, into its one policy, and {@link addToPolicy} adds what no resource of this
 * app grants), a KMS-encrypted log group with retention, active X-Ray tracing, a dead-letter queue
 * and reserved concurrency. Outside any VPC unless `vpc` is given: the lifecycle's functions call public
 * endpoints (Terraform Cloud, Slack, the sale's edge) and AWS APIs only; an event's post-apply
 * step runs in the event VPC to reach its database.
 */
export class NodeFunction extends ModuleConstruct implements IConnectable, IGrantable, IPrincipal {
  readonly grantPrincipal: IPrincipal = this;
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly name: string;
  /** The function's own security group, when it runs in a VPC. */
  readonly securityGroup?: SecurityGroup;
  private readonly vpcConnections?: Connections;
  /** The role's one policy ("least-privilege"), rendered at synth. */
  private readonly statements = new PolicyStatements();

  constructor(scope: Construct, id: string, props: NodeFunctionProps) {
    super(scope, id);
    const { naming, region } = this;
    this.name = naming.name(props.component, 64);
    const logGroupName = `/aws/lambda/${this.name}`;
    const logGroupArn = props.key.allowLogGroup(`Logs${props.component.replace(/[^a-zA-Z0-9]/g, "")}`, logGroupName);
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: logGroupName,
      retentionInDays: props.logRetentionDays ?? 90,
      kmsKeyId: props.key.arn,
    });

    this.statements.add(
      { sid: "WriteOwnLogs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${logGroupArn}:*`] },
      // X-Ray's write actions do not support resource-level permissions.
      { sid: "XRayTraces", actions: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], resources: ["*"] },
    );
    props.deadLetterQueue.grantSend(this);
    this.statements.add({
      sid: "DecryptEnvironment",
      actions: ["kms:Decrypt"],
      resources: [props.key.arn],
      conditions: { StringEquals: { "kms:ViaService": `lambda.${region}.amazonaws.com` } },
    });
    if (props.vpc) {
      this.securityGroup = new SecurityGroup(this, "sg", {
        name: naming.name(`${props.component}-fn`),
        description: `Function ${this.name}: no inbound; outbound HTTPS to AWS APIs and what allowEgressTo opens`,
        vpcId: props.vpc.vpcId,
        tags: { Name: naming.name(`${props.component}-fn`) },
      });
      this.vpcConnections = new Connections({ securityGroup: this.securityGroup });
      this.vpcConnections.allowTo(Peer.anyIpv4(), Port.tcp(443), {
        egress: { id: "egress-https", description: "HTTPS to AWS APIs through NAT or interface endpoints" },
      });
      // What Lambda does with the function's role to attach it to the subnets. These EC2 actions
      // have no resource-level permissions for the describe calls, and Lambda names no ENI in advance.
      this.statements.add({
        sid: "VpcNetworkInterfaces",
        actions: [
          "ec2:CreateNetworkInterface",
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSubnets",
          "ec2:DeleteNetworkInterface",
          "ec2:AssignPrivateIpAddresses",
          "ec2:UnassignPrivateIpAddresses",
        ],
        resources: ["*"],
      });
    }
    this.role = new IamRole(this, "role", {
      name: naming.name(`${props.component}-fn`, 64),
      description: `Runs ${this.name}`,
      // Lambda's trust policy takes no source conditions: the service does not send them for execution roles.
      assumeRolePolicy: policyDocument([{ principals: { type: "Service", identifiers: ["lambda.amazonaws.com"] }, actions: ["sts:AssumeRole"] }]),
    });
    const policy = new IamRolePolicy(this, "policy", {
      name: "least-privilege",
      role: this.role.id,
      policy: this.statements.document(),
    });

    const asset = new TerraformAsset(this, "code", { path: props.code.zipPath, type: AssetType.FILE, assetHash: props.code.hash });
    this.function = new LambdaFunction(this, "function", {
      functionName: this.name,
      description: props.description,
      role: this.role.arn,
      runtime: LAMBDA_NODE_RUNTIME.runtime,
      architectures: ["arm64"],
      handler: "index.handler",
      filename: asset.path,
      sourceCodeHash: props.code.sha256Base64,
      timeout: props.timeoutSeconds ?? 30,
      memorySize: props.memoryMb ?? 256,
      reservedConcurrentExecutions: props.reservedConcurrency ?? 1,
      kmsKeyArn: props.key.arn,
      environment: props.environment ? { variables: { ...props.environment } } : undefined,
      tracingConfig: { mode: "Active" },
      deadLetterConfig: { targetArn: props.deadLetterQueue.arn },
      loggingConfig: { logFormat: "JSON", logGroup: this.logGroup.name, applicationLogLevel: "INFO", systemLogLevel: "WARN" },
      ...(props.vpc && this.securityGroup
        ? {
            vpcConfig: { subnetIds: [...props.vpc.subnetIds], securityGroupIds: [this.securityGroup.id] },
            // Detach the function's group before deleting the function, so a destroy does not
            // wait for Lambda to release its network interfaces before deleting the group.
            replaceSecurityGroupsOnDestroy: true,
          }
        : {}),
      dependsOn: [this.logGroup, policy],
    });
  }

  get arn(): string {
    return this.function.arn;
  }

  /** The function's security group (a database links to it); only a function in a VPC has one. */
  get connections(): Connections {
    if (!this.vpcConnections) throw new Error(`${this.node.path}: only a function in a VPC (props.vpc) has a security group to connect`);
    return this.vpcConnections;
  }

  /** Adds what no resource of this app grants (its own API calls); the policy is rendered at synth. */
  addToPolicy(...statements: PolicyStatement[]): void {
    this.statements.add(...statements);
  }

  get grantId(): string {
    return this.node.id;
  }

  /** Grants land in the function's one policy. */
  addToPrincipalPolicy(statements: readonly PolicyStatement[]): boolean {
    this.statements.add(...statements);
    return true;
  }
}
