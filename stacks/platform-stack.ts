import type { Construct } from "constructs";
import { OffHours } from "../modules/compute/off-hours";
import { AuroraMysql } from "../modules/data/aurora-mysql";
import { Backup } from "../modules/data/backup";
import { Redis } from "../modules/data/redis";
import { AwsLoadBalancerControllerRole } from "../modules/compute/aws-load-balancer-controller-role";
import { EksCluster } from "../modules/compute/eks-cluster";
import { Port } from "../modules/core/connections";
import { AccountPrincipal } from "../modules/core/grant";
import { FluentBitRole } from "../modules/compute/fluent-bit-role";
import { EcrRegistryReplication } from "../modules/compute/ecr-registry-replication";
import { EcrRepository } from "../modules/compute/ecr-repository";
import { Karpenter } from "../modules/compute/karpenter";
import { S3Bucket } from "../modules/data/s3-bucket";
import { AliasRecords } from "../modules/edge/alias-records";
import { ApplicationLoadBalancer } from "../modules/edge/application-load-balancer";
import { CdnDistribution } from "../modules/edge/cdn-distribution";
import { CloudFrontWebAcl } from "../modules/edge/cloudfront-web-acl";
import { DnsValidatedCertificate } from "../modules/edge/dns-validated-certificate";
import { OriginVerifyHeader } from "../modules/edge/origin-verify-header";
import { Network } from "../modules/network/network";
import { AlertTopic } from "../modules/observability/alert-topic";
import { AlbAlarms } from "../modules/observability/alb-alarms";
import { AuroraAlarms } from "../modules/observability/aurora-alarms";
import { NatGatewayAlarms } from "../modules/observability/nat-gateway-alarms";
import { PlatformDashboard } from "../modules/observability/platform-dashboard";
import { RedisAlarms } from "../modules/observability/redis-alarms";
import { AuditTrail } from "../modules/security/audit-trail";
import { Bastion } from "../modules/security/bastion";
import { DmsAccountRoles } from "../modules/security/dms-account-roles";
import { stackCatalog } from "../src/topology/stack-catalog";
import { KmsKey } from "../modules/security/kms-key";
import { Secret } from "../modules/security/secret";
import type { TfcWorkloadIdentity } from "../modules/security/tfc-workload-identity";
import type { Config, EnvironmentConfig } from "../src/config";
import { ownsRegistryReplication, repositoryPrefix } from "../src/config/ecr-replication";
import { eventResourcePatterns } from "../src/config/event-resources";
import { ADDON_SERVICE_ACCOUNTS, GRAFANA_ADMIN_SECRET_KEYS } from "../modules/k8s/contract";
import type { AddonInputs } from "../src/config/addons-contract";
import { AwsStack } from "./base/aws-stack";
import { StackIds } from "../src/core/naming";
import { attachTfcWorkloadIdentity } from "./base/tfc-identity";

export interface PlatformStackProps {
  readonly config: Config;
  /** Key of `config.environments`; also the stack id (`prod`, `dev`, ...). */
  readonly environmentId: string;
}

const FLUENT_BIT_ARCHIVE_PREFIX = "eks-containers/";

/** A permanent platform (prod, dev, staging...): one per entry of `config.environments`. */
export class PlatformStack extends AwsStack {
  readonly environmentId: string;
  readonly env: EnvironmentConfig;
  readonly network: Network;
  /** Customer-managed key for the platform's data at rest (databases, caches, buckets, queues, topics). */
  readonly dataKey: KmsKey;
  /**
   * The environment's log bucket (SSE-S3, because ALB and S3 access-log delivery cannot use a
   * customer key): ALB and CloudFront logs and every other bucket's server access logs.
   */
  readonly logsBucket: S3Bucket;
  /**
   * What the `<env>-addons` stack needs from this platform (cluster, Pod Identity roles, Karpenter
   * queue, target groups, log destinations, alerting secrets), as references into this stack.
   */
  readonly addonInputs: AddonInputs;
  /** Grafana's admin credentials (JSON), read in-cluster by External Secrets; value set outside Terraform. */
  readonly grafanaAdminSecret: Secret;
  /** Alertmanager's Slack incoming-webhook URL, read in-cluster by External Secrets; value set outside Terraform. */
  readonly alertmanagerSlackSecret: Secret;

  // ---- Data, audit, backup, monitoring, access ----
  /** AWS Backup vault and plan; resources tagged with `backup.tags` are backed up. */
  readonly backup: Backup;
  /** The platform database. */
  readonly aurora: AuroraMysql;
  /** The platform cache. */
  readonly redis: Redis;
  /** Multi-region CloudTrail to S3 and CloudWatch Logs. */
  readonly auditTrail: AuditTrail;
  /** Where every alarm of the environment goes (e-mail, Slack). */
  readonly alerts: AlertTopic;
  readonly dashboard: PlatformDashboard;
  /** SSM-only bastion, when `bastion` is configured. */
  readonly bastion?: Bastion;
  /** The account-wide DMS roles, only in the environment events synchronize into. */
  readonly dmsAccountRoles?: DmsAccountRoles;
  /**
   * Credentials of the DMS user on this environment's writer, which the event stacks' DMS target
   * endpoints read; only in the environment events synchronize into (`events.platform.syncTo`).
   * The value is set outside Terraform (docs/operations.md, "Once, before the first sale").
   */
  readonly dmsTargetSecret?: Secret;
  /**
   * Credentials of the read-only verification user on this environment's writer (SELECT on the
   * event target tables only): the event stacks' data checks read prod with it, at spin-up (key
   * block) and at teardown (reconciliation). Only in `events.platform.syncTo`; the value is set
   * outside Terraform like the DMS target's.
   */
  readonly verifyReaderSecret?: Secret;
  /** Off-hours stop/start, when `offHours` is configured. */
  readonly offHours?: OffHours;
  // ---- end: data, audit, backup, monitoring, access ----
  /** Terraform Cloud OIDC provider and run roles, on the first environment of each AWS account. */
  readonly tfcIdentity?: TfcWorkloadIdentity;
  // --- Kubernetes, edge and images (EKS, ALB, CloudFront + WAF, ECR) ---
  readonly eks: EksCluster;
  readonly karpenter: Karpenter;
  readonly loadBalancerController: AwsLoadBalancerControllerRole;
  readonly fluentBit: FluentBitRole;
  readonly alb: ApplicationLoadBalancer;
  readonly webAcl: CloudFrontWebAcl;
  readonly staticBucket: S3Bucket;
  readonly cdn: CdnDistribution;
  /** Repositories by configured name. */
  readonly repositories: Readonly<Record<string, EcrRepository>>;

  constructor(scope: Construct, props: PlatformStackProps) {
    const env = props.config.environments[props.environmentId];
    if (!env) throw new Error(`unknown environment "${props.environmentId}"`);
    super(scope, {
      config: props.config,
      stackId: props.environmentId,
      environment: props.environmentId,
      target: env,
    });
    this.environmentId = props.environmentId;
    this.env = env;

    const clusterName = this.naming.name("eks", 100);
    this.network = new Network(this, "network", {
      availabilityZones: env.availabilityZones,
      ...env.network,
      // Karpenter launches nodes into the subnets carrying its discovery tag.
      subnetTags: { private: { "karpenter.sh/discovery": clusterName } },
    });

    this.dataKey = new KmsKey(this, "data-key", {
      alias: this.naming.name("data"),
      description: `Encrypts data at rest of ${this.naming.workspace}`,
    });

    this.logsBucket = new S3Bucket(this, "logs-bucket", {
      bucketName: this.naming.name(`logs-${env.account}`, 63),
      encryption: "s3-managed",
      preventDestroy: true,
      // CloudFront standard logging still writes with ACLs.
      objectOwnership: "BucketOwnerPreferred",
      lifecycle: {
        transitionToGlacierDays: env.logs.transitionToGlacierDays,
        expireDays: env.logs.expireDays,
        noncurrentExpireDays: 30,
      },
    });
    this.logsBucket.allowServerAccessLogDelivery();

    // ---- Data, audit, backup, monitoring, access ----
    const naming = this.naming;
    const dataSubnets = this.network.placement("data");

    this.backup = new Backup(this, "backup", {
      kmsKey: this.dataKey,
      copyTo: env.backup.copyToSecondaryRegion ? { provider: this.secondaryProvider, region: env.secondaryRegion } : undefined,
      timeZone: env.backup.timeZone,
      dailyCron: env.backup.dailyCron,
      weeklyCron: env.backup.weeklyCron,
      dailyRetentionDays: env.backup.dailyRetentionDays,
      weeklyRetentionDays: env.backup.weeklyRetentionDays,
    });

    // The environment the events' DMS tasks write into.
    const syncTarget = props.config.events.platform.syncTo === props.environmentId;
    this.aurora = new AuroraMysql(this, "aurora", {
      identifier: naming.name("db", 63),
      placement: dataSubnets,
      availabilityZones: env.availabilityZones,
      engineVersion: env.aurora.engineVersion,
      instanceClass: env.aurora.instanceClass,
      serverless: env.aurora.serverless,
      readers: env.aurora.readers,
      kmsKey: this.dataKey,
      backupRetentionDays: env.aurora.backupRetentionDays,
      permanent: env.aurora.permanent,
      logRetentionDays: env.aurora.logRetentionDays,
      performanceInsightsRetentionDays: env.aurora.performanceInsightsRetentionDays,
      monitoringIntervalSeconds: env.aurora.monitoringIntervalSeconds,
      tags: this.backup.tags,
      // DMS loads a MySQL target with LOAD DATA LOCAL INFILE during the full load (dynamic: no reboot).
      parameters: syncTarget ? { local_infile: { value: "1", applyMethod: "immediate" } } : undefined,
    });

    this.redis = new Redis(this, "redis", {
      replicationGroupId: naming.name("redis", 40),
      placement: dataSubnets,
      availabilityZones: env.availabilityZones,
      nodeType: env.redis.nodeType,
      engineVersion: env.redis.engineVersion,
      replicas: env.redis.replicas,
      multiAz: env.redis.multiAz,
      kmsKey: this.dataKey,
      snapshotRetentionDays: env.redis.snapshotRetentionDays,
    });

    this.auditTrail = new AuditTrail(this, "audit", {
      accessLogsBucket: this.logsBucket,
      cloudWatchRetentionDays: env.audit.cloudWatchRetentionDays,
      transitionToGlacierDays: env.audit.transitionToGlacierDays,
      expireDays: env.audit.expireDays,
    });

    const monitoring = env.monitoring;
    this.alerts = new AlertTopic(this, "alerts", {
      kmsKey: this.dataKey,
      emails: monitoring.emails,
      slack: monitoring.slack
        ? {
            workspaceId: monitoring.slack.workspaceId,
            channelId: monitoring.slack.channelId,
            provider: this.aliasedProvider("chatbot", monitoring.slack.apiRegion),
          }
        : undefined,
    });
    const topicArns = [this.alerts.topicArn];
    const t = monitoring.thresholds;
    new AuroraAlarms(this, "aurora-alarms", {
      cluster: this.aurora,
      readers: env.aurora.readers,
      thresholds: {
        cpuPercent: t.auroraCpuPercent,
        connections: t.auroraConnections,
        replicaLagMs: t.auroraReplicaLagMs,
        freeableMemoryMiB: t.auroraFreeableMemoryMiB,
      },
      topicArns,
    });
    new RedisAlarms(this, "redis-alarms", {
      cache: this.redis,
      thresholds: { cpuPercent: t.redisCpuPercent, memoryPercent: t.redisMemoryPercent, evictions: t.redisEvictions },
      topicArns,
    });
    const natGateways = this.network.natGatewayMetrics();
    new NatGatewayAlarms(this, "nat-alarms", { natGateways, packetsDroppedThreshold: t.natPacketsDropped, topicArns });
    this.dashboard = new PlatformDashboard(this, "dashboard", {
      dashboardName: naming.workspace,
      aurora: this.aurora,
      redis: this.redis,
      natGateways,
    });

    if (env.bastion) {
      const bastion = new Bastion(this, "bastion", {
        placement: this.network.placement("private"),
        vpcCidr: env.network.cidr,
        instanceType: env.bastion.instanceType,
      });
      this.aurora.connections.allowDefaultPortFrom(bastion, { ingress: { description: "SSM bastion" }, egress: { description: "Aurora MySQL" } });
      this.redis.connections.allowDefaultPortFrom(bastion, { ingress: { description: "SSM bastion" }, egress: { description: "Redis" } });
      this.bastion = bastion;
    }

    // Account-wide roles exist once per account: the first permanent stack of the events'
    // account creates them (this environment, or event-edge for an events account of its own).
    if (stackCatalog(props.config).identityHostOf(props.config.events.platform.account) === props.environmentId) {
      this.dmsAccountRoles = new DmsAccountRoles(this, "dms-account-roles");
    }

    if (syncTarget) {
      this.dmsTargetSecret = new Secret(this, "dms-target-secret", {
        name: `${props.config.project.name}/${this.naming.stack}/dms-target`,
        description:
          `DMS target credentials on the writer of ${this.naming.workspace}, read by the event stacks' DMS tasks: JSON with username, password, host, port; ` +
          "set the value outside Terraform (docs/operations.md, Once, before the first sale)",
        key: this.dataKey,
        issuer:
          "the database administrators (a MySQL user they create on the writer with SQL, without DROP, ALTER or CREATE on the prod schema; they change its password and this value together)",
      });
      const events = props.config.events.platform;
      if (events.account !== env.account) {
        // The event stacks' DMS secrets-access roles run in the events account.
        this.dmsTargetSecret.grantRead(
          new AccountPrincipal(events.account, { principalArnLike: `arn:aws:iam::${events.account}:role/${eventResourcePatterns(props.config).dmsSecretsRoleName}` }),
        );
      }
      this.verifyReaderSecret = new Secret(this, "verify-reader-secret", {
        name: `${props.config.project.name}/${this.naming.stack}/verify-reader`,
        description:
          `Read-only verification user on the writer of ${this.naming.workspace} (SELECT on the event target tables), read by the event stacks' data checks: ` +
          "JSON with username, password, host, port; set the value outside Terraform (docs/operations.md, Once, before the first sale)",
        key: this.dataKey,
        issuer: "the database administrators (a MySQL user with SELECT on the event target tables only; they change its password and this value together)",
      });
      if (events.account !== env.account) {
        this.verifyReaderSecret.grantRead(
          new AccountPrincipal(events.account, { principalArnLike: `arn:aws:iam::${events.account}:role/${eventResourcePatterns(props.config).dataCheckRoleName}` }),
        );
      }
    }

    if (env.offHours) {
      this.offHours = new OffHours(this, "off-hours", {
        ...env.offHours,
      });
      this.offHours.addAuroraCluster(this.aurora.identifier);
    }
    // ---- end: data, audit, backup, monitoring, access ----
    // Terraform Cloud dynamic credentials: the OIDC provider and the run role of every workspace
    // that applies into this account, when this stack is the account's host (see StackCatalog).
    this.tfcIdentity = attachTfcWorkloadIdentity(this);
    // ------------------------------------------------------------------------------------------
    // Kubernetes: EKS with its system node group and core add-ons, Karpenter's AWS side, and the
    // Pod Identity roles of the add-ons the `<env>-addons` stack installs.
    // ------------------------------------------------------------------------------------------
    const addonsStack = stackCatalog(props.config).find(StackIds.addons(props.environmentId));
    const addonsRunRole = addonsStack?.runRole;
    // When this stack creates the add-ons roles, refer to them: EKS refuses an access entry for a
    // principal that does not exist yet, so the entries must wait for the roles.
    const addonsRoles = addonsStack ? this.tfcIdentity?.roles[addonsStack.workspace] : undefined;
    this.eks = new EksCluster(this, "eks", {
      clusterName,
      version: env.eks.version,
      placement: this.network.placement("private"),
      publicAccessCidrs: env.eks.endpoint.publicAccess ? env.eks.endpoint.publicAccessCidrs : [],
      // The add-ons workspace installs charts through the cluster API with its apply role; its
      // plans read the releases (Helm keeps them in Secrets) with its read-only plan role.
      adminPrincipalArns: [
        ...new Set(env.eks.adminPrincipalArns.filter((arn) => arn !== addonsRunRole?.apply.arn)),
        ...(addonsRunRole ? [addonsRoles?.apply.arn ?? addonsRunRole.apply.arn] : []),
      ],
      ...(addonsRunRole ? { viewPrincipalArns: [addonsRoles?.plan.arn ?? addonsRunRole.plan.arn] } : {}),
      systemNodeGroup: env.eks.systemNodeGroup,
      addonVersions: env.eks.addonVersions,
      logRetentionDays: env.eks.logRetentionDays,
    });
    this.karpenter = new Karpenter(this, "karpenter", {
      cluster: this.eks,
      namespace: ADDON_SERVICE_ACCOUNTS.karpenter.namespace,
      serviceAccount: ADDON_SERVICE_ACCOUNTS.karpenter.name,
    });
    const sa = ADDON_SERVICE_ACCOUNTS;
    this.loadBalancerController = new AwsLoadBalancerControllerRole(this, "aws-load-balancer-controller", {
      cluster: this.eks,
      namespace: sa.loadBalancerController.namespace,
      serviceAccount: sa.loadBalancerController.name,
    });
    this.fluentBit = new FluentBitRole(this, "fluent-bit", {
      cluster: this.eks,
      namespace: sa.fluentBit.namespace,
      serviceAccount: sa.fluentBit.name,
      logRetentionDays: env.eks.logRetentionDays,
      archive: { bucket: this.logsBucket, prefix: FLUENT_BIT_ARCHIVE_PREFIX },
    });

    // ------------------------------------------------------------------------------------------
    // Edge: CloudFront (WAF, us-east-1 certificate) in front of a CloudFront-only ALB whose `ip`
    // target groups the add-ons stack binds to services in EKS, and a private static bucket.
    // ------------------------------------------------------------------------------------------
    const edge = env.edge;
    const zoneId = edge.hostedZone.id;
    const originName = `origin.${edge.domain}`;
    const originHeader = new OriginVerifyHeader(this, "origin-verify");
    const originCertificate = new DnsValidatedCertificate(this, "origin-certificate", { domainName: originName, hostedZoneId: zoneId });
    this.alb = new ApplicationLoadBalancer(this, "alb", {
      placement: this.network.placement("public"),
      cloudFrontPrefixListId: edge.originFacingPrefixListId,
      certificateArn: originCertificate.certificateArn,
      originVerifyHeader: { name: originHeader.headerName, value: originHeader.value },
      services: env.alb.services,
      accessLogsBucket: this.logsBucket,
      deletionProtection: env.alb.deletionProtection,
      idleTimeoutSeconds: env.alb.idleTimeoutSeconds,
    });
    for (const port of new Set(env.alb.services.map((service) => service.port))) {
      this.eks.connections.allowFrom(this.alb, Port.tcp(port), {
        ingress: { id: `pods-from-alb-${port}`, description: `Load balancer to pods on ${port} (ip targets)` },
        egress: { id: `to-targets-${port}`, description: `Requests and health checks to pods on ${port}` },
      });
    }
    this.alb.grantTargetRegistration(this.loadBalancerController);
    new AliasRecords(this, "origin-dns", { zoneId, names: [originName], target: this.alb, ipv6: false });

    this.webAcl = new CloudFrontWebAcl(this, "waf", {
      usEast1Provider: this.usEast1Provider,
      rateLimit: edge.wafRateLimit,
      logRetentionDays: edge.wafLogRetentionDays,
    });
    const siteNames = [edge.domain, ...(edge.www ? [`www.${edge.domain}`] : []), ...edge.alternateNames];
    const siteCertificate = new DnsValidatedCertificate(this, "site-certificate", {
      domainName: edge.domain,
      subjectAlternativeNames: siteNames.slice(1),
      hostedZoneId: zoneId,
      provider: this.usEast1Provider,
    });
    const staticKey = new KmsKey(this, "static-key", {
      alias: this.naming.name("static"),
      description: `Encrypts the static assets of ${this.naming.workspace}`,
    });
    this.staticBucket = new S3Bucket(this, "static-bucket", {
      bucketName: this.naming.name(`static-${env.account}`, 63),
      kmsKey: staticKey,
      accessLogsBucket: this.logsBucket,
      preventDestroy: true,
      lifecycle: { noncurrentExpireDays: 30 },
    });
    this.cdn = new CdnDistribution(this, "cdn", {
      aliases: siteNames,
      certificateArn: siteCertificate.certificateArn,
      webAclArn: this.webAcl.arn,
      origins: [
        { kind: "https", id: "alb", domainName: originName, customHeaders: { [originHeader.headerName]: originHeader.value } },
        { kind: "s3", id: "static", bucket: this.staticBucket, kmsKey: staticKey },
      ],
      defaultBehavior: { targetOriginId: "alb", cache: "disabled" },
      behaviors: [{ pathPattern: "/static/*", targetOriginId: "static", cache: "optimized" }],
      logs: { bucket: this.logsBucket, prefix: "cloudfront/" },
      priceClass: edge.priceClass,
    });
    new AliasRecords(this, "site-dns", { zoneId, names: siteNames, target: { dnsName: this.cdn.domainName, hostedZoneId: this.cdn.hostedZoneId } });

    // ------------------------------------------------------------------------------------------
    // Images: ECR repositories, and the account's registry replication where this stack owns it.
    // ------------------------------------------------------------------------------------------
    const prefix = repositoryPrefix(props.config.project.name);
    this.repositories = Object.fromEntries(
      env.ecr.repositories.map((name) => [
        name,
        new EcrRepository(this, `ecr-${name.replace(/[^a-z0-9]+/g, "-")}`, {
          name: `${prefix}${this.naming.stack}/${name}`,
          kmsKey: this.dataKey,
          untaggedExpireDays: env.ecr.untaggedExpireDays,
          keepTaggedImages: env.ecr.keepTaggedImages,
        }),
      ]),
    );
    if (ownsRegistryReplication(props.config, this.naming.stack, env.account)) {
      new EcrRegistryReplication(this, "ecr-replication", {
        destinationRegion: env.secondaryRegion,
        destinationProvider: this.secondaryProvider,
        namespace: props.config.project.name,
        untaggedExpireDays: env.ecr.untaggedExpireDays,
        keepTaggedImages: env.ecr.keepTaggedImages,
      });
    }

    // ------------------------------------------------------------------------------------------
    // Between the blocks above: access is granted by the owner of each resource.
    // ------------------------------------------------------------------------------------------
    this.aurora.connections.allowDefaultPortFrom(this.eks, { ingress: { description: "EKS nodes and pods" } });
    this.redis.connections.allowDefaultPortFrom(this.eks, { ingress: { description: "EKS nodes and pods" } });
    if (this.bastion) {
      // The bastion already sends HTTPS anywhere inside the VPC (its endpoints rule); the API side admits it here.
      this.eks.apiConnections.allowDefaultPortFrom(this.bastion, {
        ingress: { id: "api-from-bastion", description: "SSM bastion to the private Kubernetes API" },
        egress: { coveredBy: "egress-endpoints" },
      });
    }
    new AlbAlarms(this, "alb-alarms", {
      loadBalancer: this.alb,
      fiveXxPerMinute: t.alb5xxPerMinute,
      latencyP99Seconds: t.albLatencyP99Seconds,
      topicArns,
    });
    this.dashboard.addLoadBalancer(this.alb);
    if (this.offHours) {
      const group = env.eks.systemNodeGroup;
      this.offHours.addEksNodeGroup({
        id: "system-nodes",
        clusterName,
        nodeGroupName: this.eks.systemNodeGroupName,
        minSize: group.minSize,
        maxSize: group.maxSize,
        desiredSize: group.desiredSize,
      });
    }

    // ------------------------------------------------------------------------------------------
    // What the `<env>-addons` stack reads from this one (cross-stack references).
    // ------------------------------------------------------------------------------------------
    this.grafanaAdminSecret = new Secret(this, "grafana-admin-secret", {
      name: `${props.config.project.name}/${this.naming.stack}/grafana-admin`,
      description: `Grafana admin credentials of ${this.naming.workspace} as JSON (keys ${Object.values(GRAFANA_ADMIN_SECRET_KEYS).join(", ")}); set the value outside Terraform (docs/kubernetes-addons.md, How secrets reach Grafana and Alertmanager)`,
      key: this.dataKey,
      issuer: "the platform team (a credential chosen by people; change it in Secrets Manager and External Secrets syncs it)",
    });
    this.alertmanagerSlackSecret = new Secret(this, "alertmanager-slack-secret", {
      name: `${props.config.project.name}/${this.naming.stack}/alertmanager-slack-webhook`,
      description: `Slack incoming-webhook URL Alertmanager of ${this.naming.workspace} posts to; set the value outside Terraform (docs/kubernetes-addons.md, How secrets reach Grafana and Alertmanager)`,
      key: this.dataKey,
      issuer: "Slack (an incoming-webhook URL; regenerate it in the Slack app's settings and put the new value here)",
    });
    this.addonInputs = {
      clusterName: this.eks.cluster.name,
      clusterArn: this.eks.clusterArn,
      clusterEndpoint: this.eks.endpoint,
      clusterCertificateAuthorityData: this.eks.certificateAuthorityData,
      vpcId: this.network.vpc.id,
      podIdentityRoleArns: {
        loadBalancerController: this.loadBalancerController.roleArn,
        karpenterController: this.karpenter.controllerRoleArn,
        fluentBit: this.fluentBit.roleArn,
      },
      karpenter: {
        interruptionQueueName: this.karpenter.queueName,
        nodeIdentity: { instanceProfile: this.karpenter.instanceProfileName },
      },
      targetGroupArns: Object.fromEntries(Object.entries(this.alb.targetGroups).map(([name, tg]) => [name, tg.arn])),
      containerLogs: {
        logGroupName: this.fluentBit.logGroupName,
        archiveBucketName: this.logsBucket.bucketName,
        archivePrefix: FLUENT_BIT_ARCHIVE_PREFIX,
      },
      alertingSecrets: {
        grafanaAdminSecretArn: this.grafanaAdminSecret.arn,
        slackWebhookSecretArn: this.alertmanagerSlackSecret.arn,
        kmsKeyArn: this.dataKey.arn,
      },
      volumeKmsKeyArn: this.eks.nodeVolumeKey.arn,
    };
  }
}
