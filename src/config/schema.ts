/**
 * The shape of the configuration, field by field. Single-field rules live here; rules that relate
 * fields to each other (overlapping CIDRs, AZs of a region, dates) live in validate.ts.
 *
 * Objects are strict: an unknown key is an error, so a typo cannot silently fall back to a default.
 */
import { z } from "zod";
import { eventWorkloadsFields } from "./event-workloads-schema";

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Interface endpoints the network module knows how to create (service name suffixes). */
export const INTERFACE_ENDPOINT_SERVICES = [
  "ecr.api",
  "ecr.dkr",
  "logs",
  "sts",
  "ssm",
  "ssmmessages",
  "ec2messages",
  "secretsmanager",
  "kms",
  "sqs",
  "monitoring",
] as const;

/** Stack ids the app reserves for stacks that are not environments. */
export const RESERVED_STACK_IDS = ["control", "tfc", "event-edge"] as const;

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
  subnetPrefixLength: subnetPrefixLengthSchema,
  /**
   * Address space reserved per tier for this many AZs, so that adding an AZ later does not move
   * existing subnets. Must be at least the number of configured AZs.
   */
  azSlots: z.number().int().min(2).max(6).default(4),
  flowLogRetentionDays: z
    .number()
    .refine((d) => (LOG_RETENTION_DAYS as readonly number[]).includes(d), {
      message: `must be a CloudWatch Logs retention period: one of ${LOG_RETENTION_DAYS.join(", ")}`,
    })
    .default(365),
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

/** Event VPCs take their CIDR from the calendar entry; the rest of the network settings are shared. */
export const eventNetworkSchema = z.strictObject(networkFields);

const awsTargetFields = {
  /** The only AWS account this workspace may apply into (provider `allowed_account_ids`). */
  account: accountId,
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

export const environmentSchema = z.strictObject({
  ...awsTargetFields,
  network: networkSchema,
  /** The environment's log bucket. */
  logs: logsSchema.default({ transitionToGlacierDays: 30, expireDays: 400 }),
});

export const projectSchema = z.strictObject({
  /** Prefix of every name: `{project}-{stack}-{component}`. Short, because AWS caps many names at 32. */
  name: dnsLabel("project name", 16),
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
  }),
  /** Extra tags put on every AWS resource, after the standard ones. */
  tags: z.record(z.string(), z.string()).default({}),
});

export const eventSchema = z.strictObject({
  /** DNS-safe id: the stack is `event-<slug>`; it appears in names and hostnames. */
  slug: dnsLabel("slug", 24),
  /** Human name for notifications and the README. */
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
});

export const eventPlatformSchema = z.strictObject({
  ...awsTargetFields,
  /** Every event CIDR must lie inside this block. */
  cidrPool: cidr,
  /** Environment whose database receives the event's data through DMS. */
  syncTo: z.string(),
  /**
   * DNS name the event edge serves (a Route 53 hosted zone of this account), e.g. sale.example.com.
   * Sale traffic reaches `https://<domain>`; the live event stack answers behind `origin.<domain>`.
   */
  domain: z
    .string()
    .regex(/^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}$/, { message: "must be a lowercase DNS name like sale.example.com" }),
  network: eventNetworkSchema,
  /** Default lead time before `opens`. */
  leadTime: isoDuration.default("PT2H"),
  /** Default grace period after `closes`. */
  grace: isoDuration.default("PT1H"),
  /** What runs in every event environment (services, databases, queue, DMS...); see event-workloads-schema.ts. */
  ...eventWorkloadsFields,
});

export const configSchema = z.strictObject({
  project: projectSchema,
  /** Permanent platforms by stack id (`prod`, `dev`, `staging`, ...). */
  environments: z.record(z.string(), environmentSchema),
  events: z.strictObject({
    platform: eventPlatformSchema,
    calendar: z.array(eventSchema).default([]),
  }),
});

/** What a config file is written as (defaults may be omitted). */
export type ConfigInput = z.input<typeof configSchema>;
/** The parsed config before cross-field validation and time resolution. */
export type ParsedConfig = z.output<typeof configSchema>;
export type EnvironmentConfig = z.output<typeof environmentSchema>;
export type NetworkConfig = z.output<typeof networkSchema>;
export type EventNetworkConfig = z.output<typeof eventNetworkSchema>;
export type EventPlatformConfig = z.output<typeof eventPlatformSchema>;
export type EventEntry = z.output<typeof eventSchema>;
export type SubnetPrefixLength = z.output<typeof subnetPrefixLengthSchema>;
export type InterfaceEndpointService = (typeof INTERFACE_ENDPOINT_SERVICES)[number];
