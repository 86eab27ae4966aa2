import type { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { EcsCluster } from "../modules/compute/ecs-cluster";
import { FargateService } from "../modules/compute/fargate-service";
import { Peer, Port } from "../modules/core/connections";
import { RolePrincipal } from "../modules/core/grant";
import { NodeFunction, type FunctionCode } from "../modules/compute/node-function";
import { AuroraMysql } from "../modules/data/aurora-mysql";
import { DmsMonitoring } from "../modules/data/dms-monitoring";
import { DMS_SOURCE_USER, DmsReplication } from "../modules/data/dms-replication";
import { sourceSchemasOf } from "../modules/data/dms-table-mappings";
import { LogDeliveryStream } from "../modules/data/log-delivery-stream";
import { Redis } from "../modules/data/redis";
import { SqsQueue } from "../modules/data/sqs-queue";
import { AliasRecords } from "../modules/edge/alias-records";
import { ApplicationLoadBalancer } from "../modules/edge/application-load-balancer";
import { DeadLetterQueue } from "../modules/messaging/dead-letter-queue";
import { Network } from "../modules/network/network";
import { VpcPeering } from "../modules/network/vpc-peering";
import { KmsKey } from "../modules/security/kms-key";
import { serviceTrustPolicy } from "../modules/security/policy-document";
import type { Config, ResolvedEvent } from "../src/config";
import type { EventServiceConfig } from "../src/config/event-workloads-schema";
import { serviceCapacityPlans, type ServiceCapacityPlan } from "../src/config/capacity";
import { eventResourceNames, type EventResourceNames } from "../src/config/event-resources";
import { AwsStack } from "./base/aws-stack";
import { lambdaBundles } from "../src/lifecycle/bundle";
import { dataCheckEnvironment, dataCheckPolicyStatements, postApplyEnvironment, postApplyPolicyStatements } from "../src/lifecycle/post-apply-config";
import { DEFAULT_LIFECYCLE_SETTINGS } from "../src/lifecycle/settings";
import { suppress } from "../src/policy/suppress";
import type { EventEdgeStack } from "./event-edge-stack";
import type { PlatformStack } from "./platform-stack";

export interface EventStackProps {
  readonly config: Config;
  /** The calendar entry this stack serves. */
  readonly event: ResolvedEvent;
  /**
   * The platform that receives the event's data (`events.platform.syncTo`): the peering and DMS
   * read its VPC, route table, database security group and DMS credentials through cross-stack
   * references.
   */
  readonly syncTarget: PlatformStack;
  /**
   * The permanent event edge: this event's origin secret, the regional certificate, the
   * repositories, the database key, the log buckets and the alerts topic, by cross-stack reference.
   */
  readonly edge: EventEdgeStack;
  /** The bundled post-apply handler. @default lambdaBundles().postApply */
  readonly postApplyCode?: FunctionCode;
  /** The bundled data-check handler. @default lambdaBundles().dataCheck */
  readonly dataCheckCode?: FunctionCode;
}

/** Retention of the event's CloudWatch log groups: their events are archived in S3 through Firehose. */
const EVENT_LOG_RETENTION_DAYS = 30;

/**
 * One sale's environment, `event-<slug>`: applied before it opens, destroyed after it closes once
 * DMS has copied its orders into `syncTo` and the copy is verified.
 *
 * CloudFront (event-edge) -> ALB (`origin-<slug>.<domain>`, CloudFront only) -> Fargate services ->
 * Aurora MySQL (binlog for CDC), Redis (waiting room), SQS (orders); DMS copies the event tables
 * into the prod writer through the peering; Firehose archives every log group in event-edge's
 * bucket; the post-apply function sets binlog retention, writes the DMS source user and starts the
 * task. Nothing that must outlive the event lives here: the database's storage key, the log
 * buckets and the alerts topic are event-edge's.
 */
export class EventStack extends AwsStack {
  readonly event: ResolvedEvent;
  /** Names the lifecycle finds this stack's resources by. */
  readonly names: EventResourceNames;
  readonly network: Network;
  /**
   * Key for what lives and dies with the event: queues, topics, log groups, cache, DMS, the
   * function. Never for data that must outlive the stack (the final database snapshot, log
   * archives): the key is scheduled for deletion when the stack is destroyed.
   */
  readonly eventKey: KmsKey;
  readonly cluster: EcsCluster;
  readonly orders: SqsQueue;
  readonly peering: VpcPeering;
  readonly alb: ApplicationLoadBalancer;
  readonly aurora: AuroraMysql;
  readonly redis: Redis;
  readonly logs: LogDeliveryStream;
  readonly services: Readonly<Record<string, FargateService>>;
  readonly dms: DmsReplication;
  readonly dmsMonitoring: DmsMonitoring;
  readonly postApply: NodeFunction;
  /** Key-block check and reconciliation, in the data subnets (the only ones peered with prod). */
  readonly dataCheck: NodeFunction;
  /** Pre-warm size, request-count target and schedule per configured service, for this event. */
  readonly capacity: Readonly<Record<string, ServiceCapacityPlan>>;

  constructor(scope: Construct, props: EventStackProps) {
    const platform = props.config.events.platform;
    super(scope, {
      config: props.config,
      stackId: props.event.stackId,
      environment: "event",
      event: props.event.slug,
      target: platform,
    });
    this.event = props.event;
    this.names = eventResourceNames(props.config, props.event);
    const { naming, names } = this;
    const prod = props.syncTarget;
    const edge = props.edge;
    const sale = edge.saleOf(props.event.slug);
    const account = platform.account;
    const region = platform.region;

    this.network = new Network(this, "network", {
      availabilityZones: platform.availabilityZones,
      cidr: props.event.cidr,
      ...platform.network,
    });
    const vpcId = this.network.vpc.id;

    this.eventKey = new KmsKey(this, "event-key", {
      alias: naming.name("event"),
      description: `Encrypts the short-lived data of ${naming.workspace} (queues, topics, logs, cache, DMS)`,
      // The minimum: nothing encrypted with this key outlives the event.
      deletionWindowInDays: 7,
    });

    // ---- Logs: every log group of the event is archived in event-edge's bucket ----
    const archive = edge.logArchiveTarget;
    this.logs = new LogDeliveryStream(this, "logs", {
      component: "logs",
      bucket: { arn: archive.bucketArn },
      bucketKey: { arn: archive.keyArn },
      prefix: sale.archivePrefix,
      kmsKey: this.eventKey,
      bufferingIntervalSeconds: platform.firehose.bufferingIntervalSeconds,
      bufferingSizeMb: platform.firehose.bufferingSizeMb,
      errorLogRetentionDays: platform.firehose.errorLogRetentionDays,
    });

    this.cluster = new EcsCluster(this, "ecs", { name: names.ecsClusterName });
    this.capacity = serviceCapacityPlans(platform, props.event);

    this.orders = new SqsQueue(this, "orders", {
      queueName: names.ordersQueueName,
      kmsKey: this.eventKey,
      maxReceiveCount: platform.queue.maxReceiveCount,
      messageRetentionSeconds: platform.queue.retentionHours * 3600,
      deadLetterRetentionSeconds: platform.queue.deadLetterRetentionHours * 3600,
      visibilityTimeoutSeconds: platform.queue.visibilityTimeoutSeconds,
    });

    // ---- Peering: event data subnets <-> prod data subnets only; DMS is the one thing that crosses ----
    const crossAccount = prod.env.account !== account;
    const crossRegion = prod.env.region !== region;
    const accepterProvider = crossAccount
      ? this.crossAccountProvider("accepter", { account: prod.env.account, region: prod.env.region, roleArn: platform.peering.accepterRoleArn! })
      : crossRegion
        ? this.aliasedProvider("accepter", prod.env.region)
        : undefined;
    const prodDataCidrs = prod.network.subnets.data.map((s) => s.cidr);
    this.peering = new VpcPeering(this, "peering", {
      component: `to-${prod.environmentId}`,
      requester: {
        vpcId,
        routeTableIds: [this.network.dataRouteTable.id],
        cidrs: this.network.subnets.data.map((s) => s.cidr),
      },
      accepter: {
        vpcId: prod.network.vpc.id,
        accountId: prod.env.account,
        region: prod.env.region,
        routeTableIds: [prod.network.dataRouteTable.id],
        cidrs: prodDataCidrs,
        provider: accepterProvider,
      },
    });

    // ---- Edge: the ALB behind this event's distribution, reachable from CloudFront only ----
    const http = httpServicesInRuleOrder(platform.services);
    this.alb = new ApplicationLoadBalancer(this, "alb", {
      placement: this.network.placement("public"),
      cloudFrontPrefixListId: platform.edge.originFacingPrefixListId,
      // `*.<domain>`, validated in event-edge: no certificate on the spin-up path.
      certificateArn: edge.originCertificateArn,
      originVerifyHeader: sale.originVerifyHeader,
      services: http.map(([name, s]) => ({ name, port: s.port!, healthCheckPath: s.healthCheckPath!, pathPatterns: s.pathPatterns ?? ["/*"] })),
      // In event-edge: the access logs outlive the event, and that bucket's policy already admits ELB.
      accessLogsBucket: { bucketName: edge.accessLogsBucketName },
      accessLogsPrefix: sale.albLogPrefix,
      // Deletion protection off, on purpose: the stack is destroyed after every sale, and a
      // protected load balancer would stop the destroy run half-way.
      deletionProtection: false,
    });
    new AliasRecords(this, "origin-dns", { zoneId: platform.hostedZone.id, names: [names.originHostname], target: this.alb, ipv6: false });

    // ---- Data: the event database (CDC source), the waiting-room cache ----
    const sizing = platform.aurora.sizing;
    this.aurora = new AuroraMysql(this, "aurora", {
      identifier: names.auroraClusterId,
      placement: this.network.placement("data"),
      availabilityZones: platform.availabilityZones,
      engineVersion: platform.aurora.engineVersion,
      ...(sizing.type === "serverless-v2"
        ? { serverless: { minCapacity: sizing.minCapacity, maxCapacity: sizing.maxCapacity } }
        : { instanceClass: sizing.instanceClass }),
      readers: platform.aurora.instances - 1,
      // Storage (and so the final snapshot) under event-edge's permanent key: a key of this stack
      // would be deleted at teardown and take the snapshot's readability with it.
      kmsKey: { arn: edge.databaseKeyArn },
      logKey: this.eventKey,
      backupRetentionDays: platform.aurora.backupRetentionDays,
      // No prevent_destroy: the database is destroyed at teardown. Deletion protection stays on
      // until then: the verified teardown (data reconciled in prod, snapshot taken) turns it off
      // through the RDS API right before its destroy run, and Terraform ignores the change. Any
      // other destroy (a manual run, the workspace's auto-destroy) fails at the database. The final
      // snapshot (below, the name the lifecycle checks) is taken either way.
      permanent: false,
      deletionProtectionReleasedOutOfBand: true,
      finalSnapshotIdentifier: names.finalSnapshotId,
      // CDC: DMS reads full row images from the binlog, without checksums. Static parameters, in
      // effect from the first boot since the cluster is created with this group.
      parameters: { binlog_format: "ROW", binlog_row_image: "FULL", binlog_checksum: "NONE" },
      logRetentionDays: EVENT_LOG_RETENTION_DAYS,
      // The cluster lives a day: a change is wanted now, not in next week's maintenance window.
      applyImmediately: true,
    });
    for (const [type, group] of Object.entries(this.aurora.logGroups)) {
      if (group) this.logs.subscribe(`db-${type}`, group.name);
    }

    this.redis = new Redis(this, "redis", {
      replicationGroupId: naming.name("redis", 40),
      placement: this.network.placement("data"),
      availabilityZones: platform.availabilityZones,
      nodeType: platform.redis.nodeType,
      engineVersion: platform.redis.engineVersion,
      replicas: platform.redis.replicasPerShard,
      multiAz: platform.redis.replicasPerShard > 0,
      kmsKey: this.eventKey,
      snapshotRetentionDays: platform.redis.snapshotRetentionDays,
      applyImmediately: true,
    });

    // ---- Services ----
    const services: Record<string, FargateService> = {};
    for (const [name, service] of Object.entries(platform.services)) {
      services[name] = this.service(name, service, edge);
    }
    this.services = services;

    // ---- DMS: the event tables into the prod writer ----
    const dmsConfig = platform.dms;
    const prodDmsSecret = prod.dmsTargetSecret;
    if (!prodDmsSecret) throw new Error(`${prod.environmentId} has no DMS target secret; it must be events.platform.syncTo`);
    const dataSubnets = this.network.subnets.data.map((s) => ({ id: s.id, cidr: s.cidr }));
    this.dms = new DmsReplication(this, "dms", {
      replicationInstanceId: names.dmsReplicationInstanceId,
      replicationTaskId: names.dmsTaskId,
      vpcId,
      vpcCidr: props.event.cidr,
      subnets: dataSubnets,
      instanceClass: dmsConfig.instanceClass,
      engineVersion: dmsConfig.engineVersion,
      multiAz: dmsConfig.multiAz,
      allocatedStorageGb: dmsConfig.allocatedStorageGb,
      kmsKey: this.eventKey,
      target: {
        secretArn: prodDmsSecret.arn,
        secretKmsKeyArn: prod.dataKey.arn,
        cidrs: prodDataCidrs,
        port: prod.aurora.port,
        // The one rule this stack writes into prod: the DMS security group exists only while the
        // event does, so the rule lives and dies with it here rather than in prod's stack. It
        // admits DMS only (not the event VPC) on the database port.
        securityGroup: {
          id: prod.aurora.securityGroupId,
          provider: accepterProvider,
          referenceBy: crossAccount || crossRegion ? "cidrs" : "security-group",
        },
      },
      tableMappings: dmsConfig.tableMappings,
      settings: {
        lobMode: dmsConfig.lobMode,
        lobMaxSizeKb: dmsConfig.lobMaxSizeKb,
        lobChunkSizeKb: dmsConfig.lobChunkSizeKb,
        validationFailureMaxCount: dmsConfig.validationFailureMaxCount,
        validationThreadCount: dmsConfig.validationThreadCount,
      },
    });
    this.aurora.connections.allowDefaultPortFrom(this.dms, {
      ingress: { description: "DMS replication instance (CDC source)" },
      egress: { id: "to-source", description: "MySQL to the event database (source)" },
    });
    suppress(
      this.dms.sourceSecret,
      "SECRET-RECOVERY-WINDOW",
      "the DMS source credentials are written by the post-apply step at every spin-up and live only as long as the event; a recovery window would only block re-creating the stack",
    );
    suppress(this.dms.sourceSecret, "SECRET-ROTATION", "issued by the post-apply step at spin-up; the secret and the MySQL user it names are gone at teardown, a day later");
    this.dmsMonitoring = new DmsMonitoring(this, "dms-monitoring", {
      replication: this.dms,
      // Permanent, in event-edge: its e-mail and Slack subscriptions are confirmed once, not per event.
      topic: { arn: edge.alertsTopicArn },
      cdcLatencyThresholdSeconds: dmsConfig.cdcLatencyAlarmSeconds,
    });

    // ---- Post-apply step: SQL the lifecycle runs after each apply (binlog retention, DMS source user, task start) ----
    const dlq = new DeadLetterQueue(this, "post-apply-dlq", { name: naming.name("post-apply-dlq", 80), key: this.eventKey });
    dlq.alarmWhenNotEmpty(edge.alertsTopicArn);
    this.postApply = new NodeFunction(this, "post-apply", {
      component: "post-apply",
      description: `Post-apply step of ${naming.workspace}: binlog retention, DMS source user, first start of the DMS task`,
      code: props.postApplyCode ?? lambdaBundles().postApply,
      key: this.eventKey,
      deadLetterQueue: dlq,
      // One run at a time: the steps are idempotent but not meant to race.
      reservedConcurrency: 1,
      timeoutSeconds: 120,
      logRetentionDays: EVENT_LOG_RETENTION_DAYS,
      // In the VPC, to reach the event database; AWS APIs through NAT and the Secrets Manager endpoint.
      vpc: this.network.placement("private"),
      environment: postApplyEnvironment({
        clusterIdentifier: names.auroraClusterId,
        masterSecretArn: this.aurora.masterUserSecretArn,
        binlogRetentionHours: dmsConfig.binlogRetentionHours,
        dmsSource: { secretArn: this.dms.sourceSecret.arn, username: DMS_SOURCE_USER, schemas: sourceSchemasOf(dmsConfig.tableMappings) },
        dmsTaskArn: this.dms.taskArn,
      }),
    });
    if (this.postApply.name !== names.postApplyFunctionName) {
      throw new Error(`post-apply function "${this.postApply.name}" differs from the name the lifecycle invokes, "${names.postApplyFunctionName}"`);
    }
    this.postApply.addToPolicy(
      ...postApplyPolicyStatements({
        accountId: account,
        region,
        clusterIdentifier: names.auroraClusterId,
        masterSecretArn: this.aurora.masterUserSecretArn,
        masterSecretKmsKeyArn: edge.databaseKeyArn,
        dmsSourceSecretArn: this.dms.sourceSecret.arn,
        dmsSourceSecretKmsKeyArn: this.eventKey.arn,
        dmsTaskArn: this.dms.taskArn,
      }),
    );
    this.aurora.connections.allowDefaultPortFrom(this.postApply, {
      ingress: { description: "Post-apply function" },
      egress: { id: "egress-db", description: "MySQL to the event database (binlog retention, DMS source user)" },
    });
    this.logs.subscribe("post-apply", this.postApply.logGroup.name);

    // ---- Data checks: key block at spin-up, reconciliation by key at teardown; both databases, read-only on prod ----
    const prodReader = prod.verifyReaderSecret;
    if (!prodReader) throw new Error(`${prod.environmentId} has no verification reader secret; it must be events.platform.syncTo`);
    const dataCheckDlq = new DeadLetterQueue(this, "data-check-dlq", { name: naming.name("data-check-dlq", 80), key: this.eventKey });
    dataCheckDlq.alarmWhenNotEmpty(edge.alertsTopicArn);
    this.dataCheck = new NodeFunction(this, "data-check", {
      component: "data-check",
      description: `Data checks of ${naming.workspace}: prod free of the event's key block at spin-up, the event's rows in prod reconciled by key at teardown`,
      code: props.dataCheckCode ?? lambdaBundles().dataCheck,
      key: this.eventKey,
      deadLetterQueue: dataCheckDlq,
      reservedConcurrency: 1,
      // Each reconciliation call spends at most a minute (the lifecycle's budget) and returns its cursor.
      timeoutSeconds: 180,
      logRetentionDays: EVENT_LOG_RETENTION_DAYS,
      // The data subnets are the only ones routed to prod through the peering; Secrets Manager through its endpoint.
      vpc: this.network.placement("data"),
      environment: {
        ...dataCheckEnvironment({
          writer: { host: this.aurora.endpoint, port: this.aurora.port },
          masterSecretArn: this.aurora.masterUserSecretArn,
          dmsSourceSecretArn: this.dms.sourceSecret.arn,
          prodReaderSecretArn: prodReader.arn,
          keyBlock: props.event.keyBlock,
          tables: dmsConfig.tableMappings.map((m) => ({ source: m.source, target: m.target, key: "id" })),
        }),
        RECONCILE_BUDGET_SECONDS: String(DEFAULT_LIFECYCLE_SETTINGS.reconcileBudgetSeconds),
      },
    });
    if (this.dataCheck.name !== names.dataCheckFunctionName) {
      throw new Error(`data-check function "${this.dataCheck.name}" differs from the name the lifecycle invokes, "${names.dataCheckFunctionName}"`);
    }
    this.dataCheck.addToPolicy(
      ...dataCheckPolicyStatements({
        region,
        secretArns: [this.aurora.masterUserSecretArn, this.dms.sourceSecret.arn, prodReader.arn],
        keyArns: [edge.databaseKeyArn, this.eventKey.arn, prod.dataKey.arn],
      }),
    );
    this.aurora.connections.allowDefaultPortFrom(this.dataCheck, {
      ingress: { description: "Data-check function" },
      egress: { id: "egress-db", description: "MySQL to the event database (key block, reconciliation)" },
    });
    this.dataCheck.connections.allowTo(Peer.ipv4List(prodDataCidrs), Port.tcp(prod.aurora.port), {
      egress: { id: "egress-prod-db", description: "MySQL to the prod database through the peering (read-only verification user)" },
    });
    if (!(crossAccount || crossRegion)) {
      // Across accounts or regions prod admits the event's data subnets by CIDR already (the DMS rule).
      // The rule on prod's group lives and dies with this stack.
      prod.aurora.connections.allowDefaultPortFrom(this.dataCheck, {
        ingress: { scope: this, id: "prod-db-from-data-check", description: `Data checks of ${naming.workspace} reading the event's rows (read-only user)` },
        egress: { coveredBy: "egress-prod-db" },
      });
    }
    this.logs.subscribe("data-check", this.dataCheck.logGroup.name);
  }

  /** One Fargate service with its task role, scaling, pre-warm and network grants. */
  private service(name: string, service: EventServiceConfig, edge: EventEdgeStack): FargateService {
    const platform = this.config.events.platform;
    const plan = this.capacity[name]!;
    const repository = edge.repository(service.image.repository);

    // What the application code may do: http services send orders, workers consume them; every
    // service may sign in to the waiting-room cache (Redis, IAM authentication).
    const taskRole = new IamRole(this, `${name}-task-role`, {
      name: this.naming.name(`${name}-task`),
      description: `Application permissions of the ${name} tasks of ${this.naming.workspace}`,
      assumeRolePolicy: serviceTrustPolicy("ecs-tasks.amazonaws.com", platform.account),
    });
    // The role's own policy holds what the queue grants; the cache grants in a policy of its own.
    const tasks = new RolePrincipal(taskRole, { grantId: name, policy: { id: `${name}-task-policy`, name: "orders-queue" } });
    if (service.kind === "http") this.orders.grantSendMessages(tasks);
    else this.orders.grantConsumeMessages(tasks);
    this.redis.grantConnect(tasks);

    const loadBalanced = service.kind === "http";
    const targetGroup = loadBalanced ? this.alb.targetGroups[name] : undefined;
    const masterSecret = this.aurora.masterUserSecretArn;
    const fargate = new FargateService(this, `svc-${name}`, {
      serviceName: name,
      cluster: this.cluster,
      placement: this.network.placement("private"),
      image: { repositoryUrl: repository.url, repositoryArn: repository.arn, tag: service.image.tag, digest: service.image.digest },
      cpu: service.cpu,
      memory: service.memory,
      containerPort: loadBalanced ? service.port : undefined,
      targetGroupArn: targetGroup?.arn,
      environment: {
        EVENT_SLUG: this.event.slug,
        DB_HOST: this.aurora.endpoint,
        DB_PORT: String(this.aurora.port),
        REDIS_HOST: this.redis.primaryEndpoint,
        REDIS_PORT: String(this.redis.port),
        REDIS_USER: this.redis.userNames[0]!,
        ORDER_QUEUE_URL: this.orders.url,
      },
      // The RDS-managed master credentials, injected by ECS at task start; never in the task definition.
      secrets: { DB_USERNAME: { secretArn: masterSecret, jsonKey: "username" }, DB_PASSWORD: { secretArn: masterSecret, jsonKey: "password" } },
      secretKmsKeyArns: [edge.databaseKeyArn],
      taskRoleArn: taskRole.arn,
      logKey: this.eventKey,
      logRetentionDays: EVENT_LOG_RETENTION_DAYS,
      scaling: {
        minTasks: service.minTasks,
        maxTasks: service.maxTasks,
        cpuTargetPercent: service.cpuTargetPercent,
        requestCount:
          targetGroup && plan.requestCountTargetPerMinute !== undefined
            ? { resourceLabel: `${this.alb.arnSuffix}/${targetGroup.arnSuffix}`, targetPerMinute: plan.requestCountTargetPerMinute }
            : undefined,
        prewarm: {
          tasks: plan.prewarm.tasks,
          raiseSchedule: plan.window.raiseExpression,
          lowerSchedule: plan.window.lowerExpression,
          timezone: plan.window.zone,
        },
      },
    });
    if (loadBalanced) {
      fargate.connections.allowDefaultPortFrom(this.alb, {
        ingress: { id: "ingress", description: "Requests and health checks from the load balancer" },
        egress: { id: `to-${name}`, description: `Requests and health checks to the ${name} tasks on ${service.port}` },
      });
    }
    this.aurora.connections.allowDefaultPortFrom(fargate, {
      ingress: { description: `${name} tasks` },
      egress: { id: "egress-db", description: "MySQL to the event database" },
    });
    this.redis.connections.allowDefaultPortFrom(fargate, {
      ingress: { description: `${name} tasks` },
      egress: { id: "egress-redis", description: "Redis (TLS) to the waiting-room cache" },
    });
    this.logs.subscribe(`svc-${name}`, fargate.logGroup.name);
    return fargate;
  }
}

/**
 * The http services in listener-rule order: those with their own paths first, the catch-all
 * (no `pathPatterns`, or `/*`) last, so it never shadows them.
 */
export function httpServicesInRuleOrder(services: Readonly<Record<string, EventServiceConfig>>): [string, EventServiceConfig][] {
  const http = Object.entries(services).filter(([, s]) => s.kind === "http");
  const catchAll = ([, s]: [string, EventServiceConfig]) => s.pathPatterns === undefined || s.pathPatterns.includes("/*");
  return [...http.filter((e) => !catchAll(e)), ...http.filter(catchAll)];
}
