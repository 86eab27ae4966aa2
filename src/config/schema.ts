/**
 * The shape of the configuration, field by field. Single-field rules live here; rules that relate
 * fields to each other (overlapping CIDRs, AZs of a region, dates) live in validate.ts.
 *
 * Objects are strict: an unknown key is an error, so a typo cannot silently fall back to a default.
 */
import { z } from "zod";
import { INTERFACE_ENDPOINT_SERVICES } from "../../modules/network/interface-endpoints";
import type { NetworkProps } from "../../modules/network/network";
import type { SubnetPrefixLength as NetworkSubnetPrefixLength } from "../../modules/network/subnet-plan";
import { addonsSchema } from "./addons-schema";
import type { Conforms } from "./conforms";
import type { StackSuppression } from "../policy/types";
import { eventWorkloadsFields } from "./event-workloads-schema";

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** Commercial-partition regions only: ARNs are written with the `aws` partition. */
const REGION = /^(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d$/;

const dnsLabel = (what: string, max: number) =>
  z
    .string()
    .max(max, { message: `${what} must be at most ${max} characters; shorten it` })
    .regex(DNS_LABEL, {
      message: `${what} must be DNS-safe: lowercase letters, digits and '-', not starting or ending with '-'`,
    });

const region = z.string().regex(REGION, { message: "must be a commercial AWS region code like ap-northeast-2 (China and GovCloud are not supported)" });

const accountId = z
  .string()
  .regex(/^\d{12}$/, { message: "must be a 12-digit AWS account id as a string, e.g. \"123456789012\"" });

const cidr = z.string().min(1, { message: "must be an IPv4 CIDR block like 10.0.0.0/16" });

/** ISO-8601 duration such as PT2H or PT30M; range-checked in validate.ts. */
const isoDuration = z
  .string()
  .regex(/^P(?!$)(\d+D)?(T(?=\d)(\d+H)?(\d+M)?)?$/, {
    message: "must be an ISO-8601 duration in days, hours and minutes, e.g. PT2H, PT30M or P1DT6H",
  });

/** Kinds of stack that run in AWS, each with its own Terraform Cloud run-role permissions. */
export const RUN_ROLE_KINDS = ["platform", "addons", "eventEdge", "control", "event"] as const;

const managedPolicyArns = z.array(
  z.string().regex(/^arn:aws:iam::(aws|\d{12}):policy\/[\w+=,.@/-]+$/, {
    message: "must be an IAM managed policy ARN like arn:aws:iam::123456789012:policy/my-extra-permissions",
  }),
);

const prefixLength = z
  .number()
  .int({ message: "must be a whole prefix length" })
  .min(16, { message: "must be between 16 and 28 (AWS subnet limits)" })
  .max(28, { message: "must be between 16 and 28 (AWS subnet limits)" });

export const subnetPrefixLengthSchema = z.strictObject({
  /** Prefix length of each public subnet (ALB, NAT gateways). */
  public: prefixLength,
  /** Prefix length of each private subnet (workloads, pods: make it the largest). */
  private: prefixLength,
  /** Prefix length of each data subnet (Aurora, Redis, DMS). */
  data: prefixLength,
});

const networkFields = {
  /** `per-az`: a NAT gateway in every AZ (no cross-AZ dependency); `single`: one, cheaper. */
  natGateways: z.enum(["per-az", "single"], { message: "must be \"per-az\" or \"single\"" }),
  /** Size of each subnet, per tier (16-28). */
  subnetPrefixLength: subnetPrefixLengthSchema,
  /**
   * Address space reserved per tier for this many AZs, so that adding an AZ later does not move
   * existing subnets. Must be at least the number of configured AZs.
   */
  azSlots: z.number().int().min(2).max(6).default(4),
  /** Retention of the VPC flow-log group (a CloudWatch Logs retention value). */
  flowLogRetentionDays: z
    .number()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      message: `must be a CloudWatch Logs retention period: one of ${LOG_RETENTION_DAYS.join(", ")}`,
    })
    .default(365),
  /** Interface endpoints in the private subnets; without one, traffic to that service leaves through NAT. */
  interfaceEndpoints: z
    .array(
      z.enum(INTERFACE_ENDPOINT_SERVICES, {
        message: `must be one of ${INTERFACE_ENDPOINT_SERVICES.join(", ")}`,
      }),
    )
    .default([]),
};

export const networkSchema = z.strictObject({
  /** The VPC's IPv4 block. Must not overlap any other environment, the event pool or an event. */
  cidr,
  ...networkFields,
});

/** Smallest key block of an event: room for a large sale's rows in every table. */
export const MIN_KEY_BLOCK_SIZE = 1_000_000;

/**
 * A primary-key value: a whole number from 1 that JavaScript holds exactly. Number.MAX_SAFE_INTEGER
 * (2^53 - 1) is far below MySQL's signed BIGINT maximum (2^63 - 1), so both limits hold.
 */
const keyInteger = z
  .number()
  .int({ message: "must be a whole number" })
  .min(1, { message: "must be at least 1" })
  .max(Number.MAX_SAFE_INTEGER, { message: `must be at most ${Number.MAX_SAFE_INTEGER} (Number.MAX_SAFE_INTEGER, below signed BIGINT's maximum)` });

/** Event VPCs take their CIDR from the calendar entry; the rest of the network settings are shared. */
export const eventNetworkSchema = z.strictObject(networkFields);

const awsTargetFields = {
  /** The only AWS account this workspace may apply into (provider `allowed_account_ids`). */
  account: accountId,
  /** Home region (commercial partition). */
  region,
  /** Region for copies: ECR replication, backup copies. Must differ from `region`. */
  secondaryRegion: region,
  /** Explicit AZ names (no lookup at plan time), at least two, all in `region`. */
  availabilityZones: z
    .array(z.string())
    .min(2, { message: "needs at least two availability zones (Aurora and ALB need two)" }),
};

export const logsSchema = z.strictObject({
  /** Days before log objects (ALB, CloudFront, S3 access logs) move to Glacier. */
  transitionToGlacierDays: z.number().int().min(1).default(30),
  /** Days before log objects are deleted; must exceed the Glacier transition. */
  expireDays: z.number().int().min(2).default(400),
});

/**
 * Data stores must survive the loss of an Availability Zone (Aurora writer + reader in another AZ,
 * Redis with automatic failover); the policy pack holds the stack to it. Needs per-AZ NAT gateways.
 */
const highAvailability = z.boolean().default(true);

// ---- Platform data, audit, backup, monitoring, access -------------------------------------------

/** Regions that serve the AWS Chatbot API (the Slack channel configuration itself is global). */
export const CHATBOT_API_REGIONS = ["us-east-2", "us-west-2", "eu-west-1", "ap-southeast-1"] as const;

/** Enhanced Monitoring intervals RDS accepts (seconds). */
export const RDS_MONITORING_INTERVALS = [1, 5, 10, 15, 30, 60] as const;
const DNS_NAME = /^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/;
const dnsName = z.string().regex(DNS_NAME, { message: "must be a lowercase DNS name like shop.example.com" });

const logRetention = z.number().refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
  message: `must be a CloudWatch Logs retention period: one of ${LOG_RETENTION_DAYS.join(", ")}`,
});

/** Aurora Serverless v2 capacity in ACUs: 0.5 to 256 in steps of 0.5. */
const acu = z
  .number()
  .min(0.5, { message: "must be at least 0.5 ACU" })
  .max(256, { message: "must be at most 256 ACU" })
  .refine((v) => Number.isInteger(v * 2), { message: "must be a multiple of 0.5 ACU" });

/** AWS cron expression; checked field by field in validate.ts. */
const awsCron = z.string().startsWith("cron(", { message: "must be an AWS cron expression like cron(0 21 ? * MON-FRI *)" });

export const auroraSchema = z.strictObject({
  /** Aurora MySQL 3 engine version (MySQL 8.0 compatible), e.g. 8.0.mysql_aurora.3.08.2. */
  engineVersion: z.string().regex(/^8\.0\.mysql_aurora\.3\.\d{2}\.\d+$/, {
    message: "must be an Aurora MySQL 3 version like 8.0.mysql_aurora.3.08.2",
  }),
  /** Provisioned instance class of every instance (db.r7g.large). Exactly one of this and `serverless`. */
  instanceClass: z
    .string()
    .refine((c) => c !== "db.serverless", { message: "db.serverless is set through serverless: { minCapacity, maxCapacity }, not instanceClass", abort: true })
    .regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { message: "must be an RDS instance class like db.r7g.large" })
    .optional(),
  /** Serverless v2 capacity range in ACUs. Exactly one of this and `instanceClass`. */
  serverless: z.strictObject({ minCapacity: acu, maxCapacity: acu }).optional(),
  /** Reader instances, each in another AZ than the writer; at most the number of AZs minus one. */
  readers: z.number().int({ message: "must be a whole number" }).min(0).max(15).default(0),
  /** Days of automated backups (point-in-time recovery window), 1-35. */
  backupRetentionDays: z.number().int().min(1, { message: "must be between 1 and 35" }).max(35, { message: "must be between 1 and 35" }).default(14),
  /** Deletion protection plus Terraform `prevent_destroy`. A final snapshot is taken either way. */
  permanent: z.boolean().default(true),
  /** Retention of the exported audit, error and slow-query logs. */
  logRetentionDays: logRetention.default(365),
  /** Performance Insights retention: 7 (free tier), a multiple of 31 up to 713, or 731 days. */
  performanceInsightsRetentionDays: z
    .number()
    .int()
    .refine((d) => d === 7 || d === 731 || (d % 31 === 0 && d >= 31 && d <= 713), {
      message: "must be 7, a multiple of 31 up to 713, or 731 (Performance Insights retention periods)",
    })
    .default(7),
  /** Enhanced Monitoring granularity in seconds. */
  monitoringIntervalSeconds: z
    .number()
    .refine((s) => (RDS_MONITORING_INTERVALS as readonly number[]).includes(s), {
      message: `must be one of ${RDS_MONITORING_INTERVALS.join(", ")} seconds`,
    })
    .default(60),
});

export const redisSchema = z.strictObject({
  /** Redis OSS engine version; 7.0 or later (IAM authentication needs it). */
  engineVersion: z.string().regex(/^7\.\d+$/, { message: "must be Redis OSS 7.x (IAM authentication needs 7.0 or later), e.g. 7.1" }).default("7.1"),
  /** Node type of every node (cache.r7g.large, cache.t4g.small). */
  nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, { message: "must be an ElastiCache node type like cache.r7g.large" }),
  /** Read replicas besides the primary, 0-5. */
  replicas: z.number().int().min(0, { message: "must be between 0 and 5" }).max(5, { message: "must be between 0 and 5" }).default(1),
  /** Multi-AZ with automatic failover to a replica in another AZ; needs `replicas` >= 1. */
  multiAz: z.boolean().default(true),
  /** Days of daily snapshots kept, 0-35 (0 turns snapshots off). */
  snapshotRetentionDays: z.number().int().min(0).max(35).default(7),
});

export const alarmThresholdsSchema = z.strictObject({
  /** Aurora CPUUtilization (%), average over 5 minutes, per cluster. */
  auroraCpuPercent: z.number().min(1).max(100).default(80),
  /** Aurora DatabaseConnections, maximum over 5 minutes. */
  auroraConnections: z.number().int().min(1).default(1000),
  /** Aurora AuroraReplicaLagMaximum in milliseconds (only with readers). */
  auroraReplicaLagMs: z.number().min(1).default(1000),
  /** Aurora FreeableMemory floor in MiB, minimum over 5 minutes. */
  auroraFreeableMemoryMiB: z.number().min(1).default(256),
  /** Redis EngineCPUUtilization (%) per node. */
  redisCpuPercent: z.number().min(1).max(100).default(75),
  /** Redis DatabaseMemoryUsagePercentage per node. */
  redisMemoryPercent: z.number().min(1).max(100).default(80),
  /** Redis Evictions per node summed over 5 minutes; above this alarms. */
  redisEvictions: z.number().int().min(0).default(0),
  /** NAT gateway PacketsDropCount summed over 5 minutes; above this alarms (ErrorPortAllocation alarms on any). */
  natPacketsDropped: z.number().int().min(0).default(100),
  /** ALB 5xx responses (load balancer + targets) per minute; above this alarms. */
  alb5xxPerMinute: z.number().int().min(0).default(10),
  /** ALB TargetResponseTime p99 in seconds. */
  albLatencyP99Seconds: z.number().positive().default(2),
});

export const monitoringSchema = z.strictObject({
  /** Addresses subscribed to the alarm topic (each must confirm the subscription once). */
  emails: z.array(z.email({ message: "must be an e-mail address" })).default([]),
  /** Slack channel that gets alarms through AWS Chatbot; the workspace must be authorized in the console once. */
  slack: z
    .strictObject({
      /** Slack workspace (team) id, e.g. T07EA123LEP. */
      workspaceId: z.string().regex(/^[A-Z0-9]+$/, { message: "must be a Slack workspace id like T07EA123LEP" }),
      /** Slack channel id, e.g. C07EZ1ABC23. */
      channelId: z.string().regex(/^[A-Z0-9]+$/, { message: "must be a Slack channel id like C07EZ1ABC23" }),
      /** Region whose Chatbot API endpoint manages the configuration. */
      apiRegion: z.enum(CHATBOT_API_REGIONS, { message: `must be one of ${CHATBOT_API_REGIONS.join(", ")} (regions with a Chatbot API)` }).default("ap-southeast-1"),
    })
    .optional(),
  /** When the platform's alarms fire. */
  thresholds: alarmThresholdsSchema.prefault({}),
});

export const backupSchema = z.strictObject({
  /** IANA time zone of the backup schedules. */
  timeZone: z.string().default("UTC"),
  /** When the daily backup starts (AWS cron). */
  dailyCron: awsCron.default("cron(0 3 * * ? *)"),
  /** When the weekly backup starts (AWS cron). */
  weeklyCron: awsCron.default("cron(0 4 ? * SUN *)"),
  /** Days daily recovery points (and their copies) are kept. */
  dailyRetentionDays: z.number().int().min(1).default(35),
  /** Days weekly recovery points (and their copies) are kept. */
  weeklyRetentionDays: z.number().int().min(1).default(90),
  /** Copy every recovery point to a vault in `secondaryRegion`. */
  copyToSecondaryRegion: z.boolean().default(true),
});

export const auditSchema = z.strictObject({
  /** Retention of the CloudTrail log group in CloudWatch Logs. */
  cloudWatchRetentionDays: logRetention.default(365),
  /** Days before trail files in S3 move to Glacier. */
  transitionToGlacierDays: z.number().int().min(1).default(90),
  /** Days before trail files in S3 are deleted (7 years by default). */
  expireDays: z.number().int().min(2).default(2557),
});

export const bastionSchema = z.strictObject({
  /** x86_64 instance type (the AMI is Amazon Linux 2023 x86_64). */
  instanceType: z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: "must be an EC2 instance type like t3.micro" }).default("t3.micro"),
});

export const offHoursSchema = z.strictObject({
  /** IANA time zone the cron expressions are read in (daylight saving followed). */
  timeZone: z.string(),
  /** When to stop (AWS cron), e.g. cron(0 21 ? * MON-FRI *). */
  stopCron: awsCron,
  /** When to start again (AWS cron), e.g. cron(0 8 ? * MON-FRI *). */
  startCron: awsCron,
});

/** An EKS add-on version as `aws eks describe-addon-versions` prints it. */
const addonVersion = z.string().regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, {
  message: "must be an EKS add-on version like v1.19.5-eksbuild.1 (aws eks describe-addon-versions)",
});

/** AMI types of managed node groups this project supports (AL2023; the root device is /dev/xvda). */
export const NODE_AMI_TYPES = ["AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD"] as const;

const nodeCount = z.number().int({ message: "must be a whole number of nodes" }).min(0, { message: "must be 0 or more" });

export const eksSchema = z.strictObject({
  /** Kubernetes minor version of the control plane, e.g. "1.33". */
  version: z.string().regex(/^1\.\d{2}$/, { message: "must be a Kubernetes minor version like \"1.33\"" }),
  /**
   * The API endpoint is always reachable privately from the VPC. `publicAccess` adds a public
   * endpoint, reachable only from `publicAccessCidrs`.
   */
  endpoint: z
    .strictObject({
      /** Add a public endpoint, reachable only from `publicAccessCidrs`. */
      publicAccess: z.boolean().default(false),
      /** Networks allowed to the public endpoint; required with `publicAccess`, no `/0`. */
      publicAccessCidrs: z.array(cidr).default([]),
    })
    .default({ publicAccess: false, publicAccessCidrs: [] }),
  /**
   * IAM roles or users given cluster-admin through access entries (authentication mode API: the
   * creator gets no implicit access). Include the Terraform Cloud role that applies the add-ons stack.
   */
  adminPrincipalArns: z
    .array(
      z.string().regex(/^arn:aws:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/, {
        message: "must be an IAM role or user ARN like arn:aws:iam::123456789012:role/platform-admin",
      }),
    )
    .min(1, { message: "needs at least one principal: with authentication mode API nobody could administer the cluster otherwise" }),
  /** The managed node group for cluster-critical pods (CoreDNS, Karpenter, controllers). */
  systemNodeGroup: z.strictObject({
    /** Instance types of the group; their family must match the AMI's architecture. */
    instanceTypes: z
      .array(z.string().regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { message: "must be an EC2 instance type like m7i.large" }))
      .min(1, { message: "needs at least one instance type" }),
    /** AMI type (AL2023, x86_64 or ARM). */
    amiType: z.enum(NODE_AMI_TYPES, { message: `must be one of ${NODE_AMI_TYPES.join(", ")}` }).default("AL2023_x86_64_STANDARD"),
    /** On-demand or spot nodes. */
    capacityType: z.enum(["ON_DEMAND", "SPOT"], { message: "must be \"ON_DEMAND\" or \"SPOT\"" }).default("ON_DEMAND"),
    /** Fewest nodes; at most `desiredSize`. */
    minSize: nodeCount,
    /** Most nodes, at least 1. */
    maxSize: nodeCount,
    /** Nodes at creation; later changes are left to autoscaling and off-hours schedules. */
    desiredSize: nodeCount,
    /** Root volume (gp3, encrypted) size in GiB. */
    diskSizeGiB: z.number().int().min(20, { message: "must be at least 20 GiB" }).max(1000).default(50),
  }),
  /** Versions of the EKS-managed add-ons; must be published for `version`. */
  addonVersions: z.strictObject({
    vpcCni: addonVersion,
    coredns: addonVersion,
    kubeProxy: addonVersion,
    podIdentityAgent: addonVersion,
  }),
  /** Retention of the control-plane and container log groups. */
  logRetentionDays: logRetention.default(90),
});

export const CLOUDFRONT_PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;

export const edgeSchema = z.strictObject({
  /** The site's name, served by CloudFront (e.g. flashcrowd.example); must be in `hostedZone`. */
  domain: dnsName,
  /** The existing public Route 53 zone that holds `domain` (no lookup at plan time). */
  hostedZone: z.strictObject({
    /** The zone's id, e.g. Z0123456789ABCDEFGHIJ. */
    id: z.string().regex(/^Z[A-Z0-9]{4,32}$/, { message: "must be a Route 53 hosted zone id like Z0123456789ABCDEFGHIJ" }),
    /** The zone's name, e.g. flashcrowd.example. */
    name: dnsName,
  }),
  /** Also serve `www.<domain>`. */
  www: z.boolean().default(true),
  /** More names CloudFront serves (each in `hostedZone`). */
  alternateNames: z.array(dnsName).default([]),
  /** CloudFront price class: which edge locations serve the site. */
  priceClass: z.enum(CLOUDFRONT_PRICE_CLASSES, { message: `must be one of ${CLOUDFRONT_PRICE_CLASSES.join(", ")}` }).default("PriceClass_200"),
  /** Requests per client IP per 5 minutes before the WAF rate rule blocks it. */
  wafRateLimit: z
    .number()
    .int()
    .min(10, { message: "must be at least 10 (the WAF minimum)" })
    .max(2_000_000_000, { message: "must be at most 2000000000 (the WAF maximum)" })
    .default(2000),
  /** Retention of the WAF log group (us-east-1). */
  wafLogRetentionDays: logRetention.default(90),
  /**
   * Id of the managed prefix list `com.amazonaws.global.cloudfront.origin-facing` in `region`
   * (it differs per region; pl-22a6434b in ap-northeast-2). The ALB admits only these addresses.
   */
  originFacingPrefixListId: z.string().regex(/^pl-[0-9a-f]{8,17}$/, { message: "must be a prefix list id like pl-22a6434b" }),
});

export const albServiceSchema = z.strictObject({
  /** Service name; names its target group (`{project}-{stack}-tg-{name}`, 32 characters at most). */
  name: dnsLabel("service name", 20),
  /** Port the pods listen on (the `ip` target group sends traffic there). */
  port: z.number().int().min(1).max(65535),
  /** HTTP path the ALB health-checks. */
  healthCheckPath: z.string().regex(/^\/[\x21-\x7e]*$/, { message: "must be an absolute path like /healthz" }),
  /**
   * Paths routed to this service. The origin-header check takes one of the five condition values
   * an ALB rule allows, so at most four.
   */
  pathPatterns: z
    .array(z.string().min(1).max(128))
    .min(1, { message: "needs at least one path pattern, e.g. /*" })
    .max(4, { message: "may have at most 4 path patterns (an ALB rule allows 5 condition values; the origin header takes one)" })
    .default(["/*"]),
});

export const albSchema = z.strictObject({
  /** Refuse to delete the load balancer while this is on. */
  deletionProtection: z.boolean().default(true),
  /** Seconds an idle connection stays open. */
  idleTimeoutSeconds: z.number().int().min(1).max(4000).default(60),
  /** Services in EKS the ALB routes to, in rule order (the first matching path wins). */
  services: z.array(albServiceSchema).min(1, { message: "needs at least one service" }),
});

export const ecrSchema = z.strictObject({
  /** Repository names; each becomes `{project}/{stack}/{name}`. */
  repositories: z
    .array(
      z.string().regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/, {
        message: "must be an ECR repository name: lowercase letters, digits, '.', '_', '-' and '/'",
      }),
    )
    .default([]),
  /** Untagged images are deleted this many days after push. */
  untaggedExpireDays: z.number().int().min(1).default(14),
  /** Tagged images beyond this many (newest first) are deleted. */
  keepTaggedImages: z.number().int().min(1).max(10000).default(50),
  /**
   * This stack owns the account's registry-wide replication configuration (one per account and
   * region): it replicates every `{project}/` repository of the account to `secondaryRegion`.
   * Exactly one environment per account sets it.
   */
  ownsRegistryReplication: z.boolean().default(false),
});

export const environmentSchema = z.strictObject({
  ...awsTargetFields,
  highAvailability,
  /** The VPC: CIDR, NAT gateways, subnet sizes, flow logs, interface endpoints. */
  network: networkSchema,
  /** The environment's log bucket. */
  logs: logsSchema.default({ transitionToGlacierDays: 30, expireDays: 400 }),
  /** The platform database. */
  aurora: auroraSchema,
  /** The platform cache. */
  redis: redisSchema,
  /** Alarm destinations and thresholds. */
  monitoring: monitoringSchema,
  /** AWS Backup plan. */
  backup: backupSchema.prefault({}),
  /** CloudTrail retention. */
  audit: auditSchema.prefault({}),
  /** SSM-only bastion for reaching the databases; omit for none. */
  bastion: bastionSchema.optional(),
  /** Stop the database and the EKS system node group outside working hours; omit to run always. */
  offHours: offHoursSchema.optional(),
  /**
   * Whether the environment's workspaces (`<env>` and `<env>-addons`) apply a successful plan
   * without confirmation in Terraform Cloud. @default false: every run waits for a person to confirm
   */
  autoApply: z.boolean().default(false),
  /** The EKS cluster, its system node group and add-on versions. */
  eks: eksSchema,
  /** CloudFront, WAF, certificates and DNS. */
  edge: edgeSchema,
  /** The CloudFront-only application load balancer and its target groups. */
  alb: albSchema,
  /** Container repositories and their lifecycle. */
  ecr: ecrSchema,
  /** What runs inside the environment's EKS cluster: the `<env>-addons` stack. */
  addons: addonsSchema,
});

export const projectSchema = z.strictObject({
  /** Prefix of every name: `{project}-{stack}-{component}`. Short, because AWS caps many names at 32. */
  name: dnsLabel("project name", 16),
  /** Terraform Cloud: organization, host, project, Terraform version and workspace settings. */
  terraformCloud: z.strictObject({
    /** Organization that owns the workspaces. `TFC_ORG` overrides it. */
    organization: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, {
        message: "must be a Terraform Cloud organization name (letters, digits, '-' and '_')",
      }),
    /** Terraform Cloud / Enterprise host. */
    hostname: z.string().default("app.terraform.io"),
    /** Terraform Cloud project the workspaces belong to. @default the project name */
    project: z.string().optional(),
    /** Terraform version every workspace runs: an exact version, so runs are reproducible. */
    terraformVersion: z
      .string()
      .regex(/^\d+\.\d+\.\d+$/, { message: "must be an exact Terraform version like 1.11.4 (no constraint operators); pin it" })
      .default("1.11.4"),
    /** Whether the `tfc` workspace applies a successful plan without confirmation. @default false */
    autoApply: z.boolean().default(false),
    /**
     * Safety net: each event workspace gets `auto_destroy_at` this long after the event's planned
     * teardown (`closes + grace`), in case the verified teardown never happens. 1 hour to 7 days,
     * or `false` for none. `auto_destroy_at` is an HCP Terraform Plus feature. When on, an
     * auto-destroy that was not preceded by the verified teardown fails at the event database
     * (deletion protection), so it removes compute, never data.
     * @default false - no `auto_destroy_at`: organizations without Plus cannot set it, and the
     * verified teardown plus the database's deletion protection do not depend on it
     */
    eventAutoDestroyDelay: z.union([isoDuration, z.literal(false)], { message: "must be an ISO-8601 duration like PT6H, or false for no auto-destroy" }).default(false),
    /**
     * Slack notifications on every workspace (errored runs, runs needing attention, auto-destroy
     * reminders). The webhook URL is the sensitive variable `slack_webhook_url` of the `tfc`
     * workspace, set once by hand; it is never in code or config. @default true
     */
    slackNotifications: z.boolean().default(true),
    /**
     * Extra managed policies attached to the apply role of each kind of stack, on top of the
     * bounded policy derived from what the kind creates (docs/least-privilege.md): the escape
     * hatch for a service the project does not know yet. AdministratorAccess here fails the policy
     * rule IAM-RUN-ROLE-NOT-ADMIN unless `policy.suppressions` suppresses it with a reason.
     * @default none for every kind
     */
    runRolePolicyArns: z
      .strictObject({
        /** Extra policies of the `<env>` apply roles. */
        platform: managedPolicyArns.default([]),
        /** Extra policies of the `<env>-addons` apply roles. */
        addons: managedPolicyArns.default([]),
        /** Extra policies of the `event-edge` apply role. */
        eventEdge: managedPolicyArns.default([]),
        /** Extra policies of the `control` apply role. */
        control: managedPolicyArns.default([]),
        /** Extra policies of the `event-<slug>` apply roles. */
        event: managedPolicyArns.default([]),
      })
      .prefault({}),
  }),
  /** Extra tags put on every AWS resource, after the standard ones. */
  tags: z.record(z.string(), z.string()).default({}),
});

export const eventSchema = z.strictObject({
  /** DNS-safe id: the stack is `event-<slug>`; it appears in names and hostnames. */
  slug: dnsLabel("slug", 24),
  /** Human name for notifications. */
  name: z.string().min(1, { message: "must not be empty" }),
  /** Sale opens: ISO-8601 local time with an offset (2026-12-04T20:00:00+09:00) or without one plus `timeZone`. */
  opens: z.string(),
  /** Sale closes, same format as `opens`. */
  closes: z.string(),
  /** IANA time zone the schedules run in (Asia/Seoul). Required when `opens`/`closes` carry no offset. */
  timeZone: z.string().optional(),
  /** How long before `opens` the environment is applied. @default events.platform.leadTime */
  leadTime: isoDuration.optional(),
  /** How long after `closes` teardown starts (late orders, DMS catch-up). @default events.platform.grace */
  grace: isoDuration.optional(),
  /** Expected peak requests per second; sizes the pre-warm. */
  expectedPeakRps: z
    .number()
    .int({ message: "must be a whole number of requests per second" })
    .positive({ message: "must be greater than 0" }),
  /** The event VPC's block, inside `events.platform.cidrPool`, overlapping no other VPC. */
  cidr,
  /** Slack channel (or other address) of the team that owns the sale, for lifecycle notifications. */
  ownerChannel: z.string().optional(),
  /**
   * Primary-key values this event's database hands out (`first` to `first + size - 1`): disjoint
   * from every other event's block and far above prod's own keys, so rows copied into prod can
   * never collide with prod's or another event's. Required (validation names the next free block
   * when it is missing); never reuse a block.
   */
  keyBlock: z
    .strictObject({
    /** First key of the block, at least 1. */
    first: keyInteger,
    /** Number of keys in the block, at least {@link MIN_KEY_BLOCK_SIZE}. */
    size: keyInteger.refine((n) => n >= MIN_KEY_BLOCK_SIZE, {
      message: `must be at least ${MIN_KEY_BLOCK_SIZE.toLocaleString("en-US")} keys (a sale's orders, items and payments must fit)`,
    }),
    })
    .optional(),
  /**
   * The event is over and will not run again: it keeps its stack, workspace and edge (whatever its
   * workspace still holds can be destroyed as before) but gets no schedules. Allowed once its
   * teardown started at least a day ago; see "Retiring and removing an event" in docs/operations.md.
   * @default false
   */
  retired: z.boolean().default(false),
});

/** CloudFront and WAF settings of the event edge, shaped like an environment's `edge`. */
export const eventEdgeSchema = edgeSchema.pick({ priceClass: true, wafRateLimit: true, wafLogRetentionDays: true, originFacingPrefixListId: true });

/** The event repositories in `event-edge`, shaped like an environment's `ecr` (replication is the account owner's). */
export const eventEcrSchema = ecrSchema.pick({ repositories: true, untaggedExpireDays: true, keepTaggedImages: true });

/** Where the permanent event-alerts topic of `event-edge` sends (DMS events and alarms of every event). */
export const eventAlertsSchema = monitoringSchema.pick({ emails: true, slack: true });

export const eventPlatformSchema = z.strictObject({
  ...awsTargetFields,
  /** Every event CIDR must lie inside this block. */
  cidrPool: cidr,
  /** Environment whose database receives the event's data through DMS. */
  syncTo: z.string(),
  /**
   * DNS name under which the event edge serves the sales, e.g. sale.example.com: each event is
   * `https://<slug>.<domain>`, its stack's ALB answers behind `origin-<slug>.<domain>`. Must be
   * `hostedZone.name` or a name under it.
   */
  domain: z
    .string()
    .regex(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/, { message: "must be a lowercase DNS name like sale.example.com" }),
  /** The existing public Route 53 zone (in the events account) that holds `domain`; no lookup at plan time. */
  hostedZone: edgeSchema.shape.hostedZone,
  /** CloudFront price class, WAF rate limit and log retention, and the origin-facing prefix list of `region`. */
  edge: eventEdgeSchema,
  /** Repositories of the event images, `{project}/event/<name>`, in `event-edge`. */
  ecr: eventEcrSchema,
  /** Lifecycle of the event-edge log buckets (access logs, the events' Firehose archive). */
  logs: logsSchema.default({ transitionToGlacierDays: 30, expireDays: 400 }),
  /** Destinations of the event-alerts topic. */
  alerts: eventAlertsSchema,
  highAvailability,
  network: eventNetworkSchema,
  /** Default lead time before `opens`. */
  leadTime: isoDuration.default("PT2H"),
  /** Default grace period after `closes`. */
  grace: isoDuration.default("PT1H"),
  /**
   * Whether the shared event stacks (`event-edge`, `control`) and the event workspaces apply a
   * successful plan without confirmation. The lifecycle asks for auto-apply on the runs it creates,
   * whatever this says. @default false
   */
  autoApply: z.boolean().default(false),
  /** What runs in every event environment (services, databases, queue, DMS...); see event-workloads-schema.ts. */
  ...eventWorkloadsFields,
});

/**
 * A policy-pack suppression for whole stacks: the rule does not apply to the matched stacks (and,
 * optionally, resources) for the reason given. Per-resource suppressions live in code (`suppress()`).
 */
export const policySuppressionSchema = z.strictObject({
  /** Rule id from the pack, e.g. `REDIS-SNAPSHOTS`. */
  rule: z.string(),
  /** Stack id pattern, `*` matching any characters: `event-*`, `dev`. */
  stacks: z
    .string()
    .regex(/^[a-z0-9*-]+$/, { message: "must be a stack id pattern of lowercase letters, digits, '-' and '*', e.g. event-*" })
    .optional(),
  /** Stack kind: `platform` (environments), `event` (calendar stacks) or `shared` (control, tfc, event-edge). */
  kind: z.enum(["platform", "event", "shared"], { message: 'must be "platform", "event" or "shared"' }).optional(),
  /** Resource address pattern within the matched stacks, e.g. `aws_elasticache_replication_group.*`. @default every resource */
  resources: z.string().min(1).optional(),
  /** Why the rule does not apply there. Printed in every report. */
  reason: z.string().trim().min(1, { message: "must say why the rule does not apply there (a written reason is mandatory)" }),
});

export const policySchema = z.strictObject({
  suppressions: z.array(policySuppressionSchema).default([]),
});

export const configSchema = z.strictObject({
  project: projectSchema,
  /** Permanent platforms by stack id (`prod`, `dev`, `staging`, ...). */
  environments: z.record(z.string(), environmentSchema),
  events: z.strictObject({
    platform: eventPlatformSchema,
    calendar: z.array(eventSchema).default([]),
  }),
  /** Policy pack settings: suppressions for whole stacks. */
  policy: policySchema.default({ suppressions: [] }),
});

/** What a config file is written as (defaults may be omitted). */
export type ConfigInput = z.input<typeof configSchema>;
/** The parsed config before cross-field validation and time resolution. */
export type ParsedConfig = z.output<typeof configSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
/** Spread into the Network module's props. */
export type NetworkConfig = Conforms<z.output<typeof networkSchema>, Partial<NetworkProps>>;
export type EventNetworkConfig = Conforms<z.output<typeof eventNetworkSchema>, Partial<NetworkProps>>;
export type EventPlatformConfig = z.output<typeof eventPlatformSchema>;
export type EventEdgeConfig = z.output<typeof eventEdgeSchema>;
export type EventEntry = z.output<typeof eventSchema>;
export type SubnetPrefixLength = Conforms<z.output<typeof subnetPrefixLengthSchema>, NetworkSubnetPrefixLength>;
export type PolicyConfig = z.output<typeof policySchema>;
export type PolicySuppressionConfig = Conforms<z.output<typeof policySuppressionSchema>, StackSuppression>;
export type RunRoleKind = (typeof RUN_ROLE_KINDS)[number];
export type EksConfig = z.output<typeof eksSchema>;
export type EdgeConfig = z.output<typeof edgeSchema>;
export type AlbConfig = z.output<typeof albSchema>;
export type AlbServiceConfig = z.output<typeof albServiceSchema>;
export type EcrConfig = z.output<typeof ecrSchema>;
export type AuroraConfig = z.output<typeof auroraSchema>;
export type RedisConfig = z.output<typeof redisSchema>;
export type MonitoringConfig = z.output<typeof monitoringSchema>;
export type AlarmThresholds = z.output<typeof alarmThresholdsSchema>;
export type BackupConfig = z.output<typeof backupSchema>;
export type AuditConfig = z.output<typeof auditSchema>;
export type BastionConfig = z.output<typeof bastionSchema>;
export type OffHoursConfig = z.output<typeof offHoursSchema>;
export type ChatbotApiRegion = (typeof CHATBOT_API_REGIONS)[number];
