import type { Construct } from "constructs";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingScheduledAction } from "@cdktf/provider-aws/lib/appautoscaling-scheduled-action";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { EcsService } from "@cdktf/provider-aws/lib/ecs-service";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { ModuleConstruct } from "../core/environment";
import type { SubnetPlacement } from "../network/placement";
import { Connections, Peer, Port, type IConnectable } from "../core/connections";
import type { KmsKey } from "../security/kms-key";
import { policyDocument, serviceTrustPolicy, type PolicyStatement } from "../security/policy-document";
import type { EcsCluster } from "./ecs-cluster";

/** The image a service runs: a repository plus exactly one of `tag` or `digest`. */
export interface ContainerImage {
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>` (from the ECR module). */
  readonly repositoryUrl: string;
  /** The repository's ARN; the execution role may pull from this repository only. */
  readonly repositoryArn: string;
  /** An immutable release tag (never `latest`). */
  readonly tag?: string;
  /** `sha256:<64 hex>`: pins the exact image. */
  readonly digest?: string;
}

/** A secret injected as an environment variable by ECS, never written into the task definition. */
export interface ContainerSecret {
  /** Secrets Manager secret ARN. */
  readonly secretArn: string;
  /** Key inside a JSON secret. @default - the whole secret string */
  readonly jsonKey?: string;
}

/** Autoscaling of the service's task count. */
export interface FargateServiceScaling {
  readonly minTasks: number;
  readonly maxTasks: number;
  /**
   * Average CPU utilisation the CPU target-tracking policy holds.
   * @default 60
   */
  readonly cpuTargetPercent?: number;
  /**
   * Target tracking on `ALBRequestCountPerTarget` (requests per target per minute).
   * @default - none; only http services behind a target group use it
   */
  readonly requestCount?: {
    /** `app/<alb name>/<id>/targetgroup/<tg name>/<id>` (the ALB module exposes it). */
    readonly resourceLabel: string;
    readonly targetPerMinute: number;
  };
  /**
   * Scheduled pre-warm: at `raiseSchedule` the minimum becomes `tasks`, at `lowerSchedule` it
   * returns to `minTasks`. Both are `at(...)` expressions in `timezone`.
   * @default - no scheduled actions; the service scales on load alone
   */
  readonly prewarm?: {
    readonly tasks: number;
    readonly raiseSchedule: string;
    readonly lowerSchedule: string;
    /** IANA zone of the `at(...)` expressions. */
    readonly timezone: string;
  };
}

export interface FargateServiceProps {
  /** Service name (`web`, `api`, `worker`), DNS-safe; resources are named `{project}-{stack}-{service}-...`. */
  readonly serviceName: string;
  readonly cluster: EcsCluster;
  /** Subnets the tasks run in: private ones (tasks never get a public IP). */
  readonly placement: SubnetPlacement;
  readonly image: ContainerImage;
  /** Task CPU units (a Fargate size: 256 ... 16384). */
  readonly cpu: number;
  /** Task memory in MiB (a valid pair with `cpu`). */
  readonly memory: number;
  /**
   * CPU architecture of the image.
   * @default "X86_64"
   */
  readonly cpuArchitecture?: "X86_64" | "ARM64";
  /**
   * Port the container listens on: the default port of {@link FargateService.connections}, which
   * admits only the peers linked to it (the load balancer).
   * @default - none: the service accepts no inbound connections (a queue worker)
   */
  readonly containerPort?: number;
  /**
   * Target group the service registers its tasks in (the ALB is another module's). Needs `containerPort`.
   * @default - not load balanced
   */
  readonly targetGroupArn?: string;
  /**
   * Seconds ECS ignores failing load balancer health checks after a task starts.
   * @default 60 when load balanced
   */
  readonly healthCheckGracePeriodSeconds?: number;
  /**
   * Plain configuration for the container. Never put secrets here: they would be readable in the
   * task definition by anyone who can describe it; use `secrets`.
   * @default - none
   */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Environment variables ECS fills from Secrets Manager at task start. The execution role may read
   * exactly these secrets.
   * @default - none
   */
  readonly secrets?: Readonly<Record<string, ContainerSecret>>;
  /**
   * KMS keys of `secrets`, for the execution role's `kms:Decrypt`.
   * @default - none; needed whenever a secret uses a customer-managed key
   */
  readonly secretKmsKeyArns?: readonly string[];
  /**
   * Role the application code runs as.
   * @default - none: the task has no AWS permissions
   */
  readonly taskRoleArn?: string;
  /** Key that encrypts the log group; it is granted to CloudWatch Logs for this log group only. */
  readonly logKey: KmsKey;
  /**
   * Retention of the container log group (days, a CloudWatch Logs retention value).
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Paths that stay writable although the root file system is read-only (an empty task volume each).
   * @default ["/tmp"]
   */
  readonly writablePaths?: readonly string[];
  readonly scaling: FargateServiceScaling;
}

/**
 * One ECS service on Fargate: task definition, log group, execution role, security group, service
 * and its autoscaling.
 *
 * Secure by default: read-only root file system, not privileged, all Linux capabilities dropped,
 * secrets only through `secrets`, an execution role that can pull from one repository, write one
 * log group and read only the listed secrets, tasks in private subnets without public IPs, a
 * security group that sends HTTPS to AWS APIs and admits and reaches only the peers linked through
 * {@link connections}, and deployments that roll back when the new tasks do not become healthy.
 */
export class FargateService extends ModuleConstruct implements IConnectable {
  readonly service: EcsService;
  readonly taskDefinition: EcsTaskDefinition;
  readonly securityGroup: SecurityGroup;
  /** The tasks' security group; its default port is the container port. */
  readonly connections: Connections;
  readonly executionRole: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly scalableTarget: AppautoscalingTarget;
  private readonly serviceName: string;

  constructor(scope: Construct, id: string, props: FargateServiceProps) {
    super(scope, id);
    const { naming, account: accountId, region } = this;
    const { serviceName: svc, scaling } = props;
    this.serviceName = svc;
    const fail = (message: string): never => {
      throw new Error(`${this.node.path}: ${message}`);
    };
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(svc)) fail(`service name "${svc}" must be DNS-safe`);
    if ((props.image.tag === undefined) === (props.image.digest === undefined)) {
      fail("image needs exactly one of tag or digest");
    }
    if (props.image.tag === "latest") fail('image tag "latest" is mutable; deploy an immutable release tag or a digest');
    if (props.image.digest !== undefined && !/^sha256:[a-f0-9]{64}$/.test(props.image.digest)) {
      fail(`image digest "${props.image.digest}" must look like sha256:<64 hex characters>`);
    }
    if (props.targetGroupArn !== undefined && props.containerPort === undefined) fail("a load-balanced service needs containerPort");
    if (scaling.minTasks > scaling.maxTasks) fail(`scaling.minTasks (${scaling.minTasks}) is greater than maxTasks (${scaling.maxTasks})`);
    if (scaling.prewarm && (scaling.prewarm.tasks < scaling.minTasks || scaling.prewarm.tasks > scaling.maxTasks)) {
      fail(`scaling.prewarm.tasks (${scaling.prewarm.tasks}) must lie within [minTasks, maxTasks] = [${scaling.minTasks}, ${scaling.maxTasks}]`);
    }
    if (scaling.requestCount && props.targetGroupArn === undefined) fail("scaling.requestCount needs a targetGroupArn");
    const envNames = new Set(Object.keys(props.environment ?? {}));
    const clash = Object.keys(props.secrets ?? {}).find((name) => envNames.has(name));
    if (clash) fail(`${clash} is both in environment and in secrets; keep it in secrets only`);

    // Logs.
    const logGroupName = `/${naming.project}/${naming.stack}/ecs/${svc}`;
    const logGroupArn = props.logKey.allowLogGroup(`CloudWatchLogsEcs${pascal(svc)}`, logGroupName);
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: logGroupName,
      retentionInDays: props.logRetentionDays ?? 30,
      kmsKeyId: props.logKey.arn,
    });

    // Execution role: what ECS itself needs to start the task, nothing more.
    this.executionRole = new IamRole(this, "execution-role", {
      name: naming.name(`${svc}-task-exec`),
      description: `Starts ${svc} tasks: pulls its image, writes its log group, reads its secrets`,
      assumeRolePolicy: serviceTrustPolicy("ecs-tasks.amazonaws.com", accountId),
    });
    const secretArns = [...new Set(Object.values(props.secrets ?? {}).map((s) => s.secretArn))];
    const statements: PolicyStatement[] = [
      // GetAuthorizationToken has no resource-level permissions.
      { sid: "EcrAuth", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
      {
        sid: "EcrPull",
        actions: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
        resources: [props.image.repositoryArn],
      },
      { sid: "Logs", actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [`${logGroupArn}:*`] },
    ];
    if (secretArns.length > 0) {
      statements.push({ sid: "Secrets", actions: ["secretsmanager:GetSecretValue"], resources: secretArns });
    }
    if (props.secretKmsKeyArns && props.secretKmsKeyArns.length > 0) {
      statements.push({
        sid: "SecretKeys",
        actions: ["kms:Decrypt"],
        resources: props.secretKmsKeyArns,
        conditions: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
      });
    }
    new IamRolePolicy(this, "execution-policy", {
      role: this.executionRole.id,
      name: "start-task",
      policy: policyDocument(statements),
    });

    // Task definition.
    const writable = props.writablePaths ?? ["/tmp"];
    const volumes = writable.map((path, i) => ({ name: `scratch-${i}`, path }));
    const image = props.image.digest
      ? `${props.image.repositoryUrl}@${props.image.digest}`
      : `${props.image.repositoryUrl}:${props.image.tag}`;
    const container = {
      name: svc,
      image,
      essential: true,
      readonlyRootFilesystem: true,
      privileged: false,
      linuxParameters: { initProcessEnabled: true, capabilities: { drop: ["ALL"] } },
      ...(props.containerPort !== undefined
        ? { portMappings: [{ containerPort: props.containerPort, protocol: "tcp" }] }
        : {}),
      environment: Object.entries(props.environment ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, value]) => ({ name, value })),
      secrets: Object.entries(props.secrets ?? {})
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, s]) => ({ name, valueFrom: s.jsonKey ? `${s.secretArn}:${s.jsonKey}::` : s.secretArn })),
      mountPoints: volumes.map((v) => ({ sourceVolume: v.name, containerPath: v.path, readOnly: false })),
      logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": logGroupName, "awslogs-region": region, "awslogs-stream-prefix": svc },
      },
    };
    this.taskDefinition = new EcsTaskDefinition(this, "task", {
      family: naming.name(svc, 255),
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(props.cpu),
      memory: String(props.memory),
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: props.cpuArchitecture ?? "X86_64" },
      executionRoleArn: this.executionRole.arn,
      taskRoleArn: props.taskRoleArn,
      volume: volumes.map((v) => ({ name: v.name })),
      containerDefinitions: JSON.stringify([container]),
      // The log group must exist before a task tries to write to it.
      dependsOn: [this.logGroup],
    });

    // Network.
    this.securityGroup = new SecurityGroup(this, "sg", {
      name: naming.name(`${svc}-tasks`),
      description: `${svc} tasks: inbound only from the load balancer on the container port`,
      vpcId: props.placement.vpcId,
      tags: { Name: naming.name(`${svc}-tasks`) },
    });
    this.connections = new Connections({
      securityGroup: this.securityGroup,
      defaultPort: props.containerPort === undefined ? undefined : Port.tcp(props.containerPort),
    });
    this.connections.allowTo(Peer.anyIpv4(), Port.tcp(443), {
      egress: { id: "egress-https", description: "HTTPS to AWS APIs (ECR, Secrets Manager, SQS, logs) through NAT or endpoints" },
    });

    // Service.
    const loadBalanced = props.targetGroupArn !== undefined;
    this.service = new EcsService(this, "service", {
      name: naming.name(svc, 255),
      cluster: props.cluster.arn,
      taskDefinition: this.taskDefinition.arn,
      launchType: "FARGATE",
      platformVersion: "1.4.0",
      desiredCount: scaling.minTasks,
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      networkConfiguration: {
        subnets: [...props.placement.subnetIds],
        securityGroups: [this.securityGroup.id],
        assignPublicIp: false,
      },
      ...(loadBalanced
        ? {
            loadBalancer: [{ targetGroupArn: props.targetGroupArn!, containerName: svc, containerPort: props.containerPort! }],
            healthCheckGracePeriodSeconds: props.healthCheckGracePeriodSeconds ?? 60,
          }
        : {}),
      enableEcsManagedTags: true,
      propagateTags: "SERVICE",
      enableExecuteCommand: false,
      // Autoscaling owns the task count once the service exists.
      lifecycle: { ignoreChanges: ["desired_count"] },
    });

    // Autoscaling.
    const resourceId = `service/${props.cluster.name}/${this.service.name}`;
    const dimension = { resourceId, scalableDimension: "ecs:service:DesiredCount", serviceNamespace: "ecs" };
    this.scalableTarget = new AppautoscalingTarget(this, "scaling-target", {
      ...dimension,
      minCapacity: scaling.minTasks,
      maxCapacity: scaling.maxTasks,
    });
    const target = { ...dimension, resourceId: this.scalableTarget.resourceId };
    new AppautoscalingPolicy(this, "scale-on-cpu", {
      ...target,
      name: naming.name(`${svc}-cpu`, 255),
      policyType: "TargetTrackingScaling",
      targetTrackingScalingPolicyConfiguration: {
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        targetValue: scaling.cpuTargetPercent ?? 60,
        scaleOutCooldown: 60,
        scaleInCooldown: 300,
      },
    });
    if (scaling.requestCount) {
      new AppautoscalingPolicy(this, "scale-on-requests", {
        ...target,
        name: naming.name(`${svc}-requests`, 255),
        policyType: "TargetTrackingScaling",
        targetTrackingScalingPolicyConfiguration: {
          predefinedMetricSpecification: {
            predefinedMetricType: "ALBRequestCountPerTarget",
            resourceLabel: scaling.requestCount.resourceLabel,
          },
          targetValue: scaling.requestCount.targetPerMinute,
          scaleOutCooldown: 60,
          scaleInCooldown: 300,
        },
      });
    }
    if (scaling.prewarm) {
      const raise = new AppautoscalingScheduledAction(this, "prewarm", {
        ...target,
        name: naming.name(`${svc}-prewarm`, 255),
        schedule: scaling.prewarm.raiseSchedule,
        timezone: scaling.prewarm.timezone,
        scalableTargetAction: { minCapacity: String(scaling.prewarm.tasks), maxCapacity: String(scaling.maxTasks) },
      });
      new AppautoscalingScheduledAction(this, "scale-down", {
        ...target,
        name: naming.name(`${svc}-scale-down`, 255),
        schedule: scaling.prewarm.lowerSchedule,
        timezone: scaling.prewarm.timezone,
        scalableTargetAction: { minCapacity: String(scaling.minTasks), maxCapacity: String(scaling.maxTasks) },
        // Scheduled actions on one target are written one at a time.
        dependsOn: [raise],
      });
    }
  }

  /** The service's short name (`web`), also its container's name. */
  get name(): string {
    return this.serviceName;
  }
}

function pascal(name: string): string {
  return name
    .split("-")
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join("");
}
