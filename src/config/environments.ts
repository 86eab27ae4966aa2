import { devAddons, prodAddons } from "./addons";
import type { ConfigInput } from "./schema";
import { STOREFRONT_SERVICES } from "./storefront";


/**
 * EKS-managed add-on versions published for Kubernetes 1.33. Refresh with
 * `aws eks describe-addon-versions --kubernetes-version 1.33 --addon-name <name>` when upgrading.
 */
const ADDONS_1_33 = {
  vpcCni: "v1.19.5-eksbuild.1",
  coredns: "v1.12.1-eksbuild.2",
  kubeProxy: "v1.33.0-eksbuild.2",
  podIdentityAgent: "v1.3.8-eksbuild.2",
};

/** `com.amazonaws.global.cloudfront.origin-facing` in ap-northeast-2 (prefix list ids differ per region). */
export const CLOUDFRONT_ORIGIN_FACING_AP_NORTHEAST_2 = "pl-22a6434b";

/**
 * Permanent platforms, one stack (= Terraform Cloud workspace) each, keyed by stack id.
 * Environments differ only by these values; adding `staging` is one more entry.
 */
export const environments: ConfigInput["environments"] = {
  prod: {
    account: "210987654321",
    region: "ap-northeast-2",
    secondaryRegion: "ap-northeast-1",
    availabilityZones: ["ap-northeast-2a", "ap-northeast-2b", "ap-northeast-2c"],
    highAvailability: true,
    network: {
      cidr: "10.0.0.0/16",
      natGateways: "per-az",
      subnetPrefixLength: { public: 24, private: 20, data: 24 },
      flowLogRetentionDays: 365,
      interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs", "sts", "ssm", "ssmmessages", "ec2messages"],
    },
    logs: { transitionToGlacierDays: 30, expireDays: 400 },
    aurora: {
      engineVersion: "8.0.mysql_aurora.3.08.2",
      instanceClass: "db.r7g.large",
      readers: 1,
      backupRetentionDays: 14,
      permanent: true,
      logRetentionDays: 365,
      performanceInsightsRetentionDays: 7,
      monitoringIntervalSeconds: 30,
    },
    redis: { engineVersion: "7.1", nodeType: "cache.r7g.large", replicas: 1, multiAz: true, snapshotRetentionDays: 7 },
    monitoring: {
      emails: ["platform-oncall@flashcrowd.example"],
      slack: { workspaceId: "T07FLASHCRW", channelId: "C07PRODALRT", apiRegion: "ap-southeast-1" },
      thresholds: { auroraConnections: 2000, alb5xxPerMinute: 20 },
    },
    backup: {
      timeZone: "Asia/Seoul",
      dailyCron: "cron(0 4 * * ? *)",
      weeklyCron: "cron(0 5 ? * SUN *)",
      dailyRetentionDays: 35,
      weeklyRetentionDays: 90,
      copyToSecondaryRegion: true,
    },
    audit: { cloudWatchRetentionDays: 365, transitionToGlacierDays: 90, expireDays: 2557 },
    bastion: { instanceType: "t3.micro" },
    // Every prod run waits for a person to confirm it in Terraform Cloud.
    autoApply: false,
    eks: {
      version: "1.33",
      // Private endpoint only: the add-ons workspace applies from a Terraform Cloud agent in the VPC.
      endpoint: { publicAccess: false, publicAccessCidrs: [] },
      adminPrincipalArns: [
        "arn:aws:iam::210987654321:role/flashcrowd-terraform-cloud",
        "arn:aws:iam::210987654321:role/flashcrowd-platform-admin",
      ],
      systemNodeGroup: {
        instanceTypes: ["m7i.large", "m6i.large"],
        amiType: "AL2023_x86_64_STANDARD",
        capacityType: "ON_DEMAND",
        minSize: 3,
        maxSize: 6,
        desiredSize: 3,
        diskSizeGiB: 50,
      },
      addonVersions: ADDONS_1_33,
      logRetentionDays: 365,
    },
    edge: {
      domain: "flashcrowd.example",
      hostedZone: { id: "Z0210987654321PRODZONE", name: "flashcrowd.example" },
      www: true,
      alternateNames: [],
      priceClass: "PriceClass_200",
      wafRateLimit: 2000,
      wafLogRetentionDays: 365,
      originFacingPrefixListId: CLOUDFRONT_ORIGIN_FACING_AP_NORTHEAST_2,
    },
    alb: {
      deletionProtection: true,
      idleTimeoutSeconds: 60,
      services: STOREFRONT_SERVICES.map((service) => ({ ...service, pathPatterns: [...service.pathPatterns] })),
    },
    ecr: {
      repositories: ["web", "api", "worker"],
      untaggedExpireDays: 14,
      keepTaggedImages: 100,
      // prod and the event environments share this account: prod owns its replication configuration.
      ownsRegistryReplication: true,
    },
    addons: prodAddons,
  },
  dev: {
    account: "310987654321",
    region: "ap-northeast-2",
    secondaryRegion: "ap-northeast-1",
    availabilityZones: ["ap-northeast-2a", "ap-northeast-2c"],
    // One NAT gateway and single-AZ data stores: dev may go down with an AZ.
    highAvailability: false,
    network: {
      cidr: "10.1.0.0/16",
      natGateways: "single",
      subnetPrefixLength: { public: 24, private: 20, data: 24 },
      flowLogRetentionDays: 90,
      interfaceEndpoints: ["ssm", "ssmmessages", "ec2messages"],
    },
    logs: { transitionToGlacierDays: 7, expireDays: 90 },
    aurora: {
      engineVersion: "8.0.mysql_aurora.3.08.2",
      serverless: { minCapacity: 0.5, maxCapacity: 4 },
      readers: 0,
      backupRetentionDays: 7,
      permanent: true,
      logRetentionDays: 30,
    },
    redis: { engineVersion: "7.1", nodeType: "cache.t4g.small", replicas: 0, multiAz: false, snapshotRetentionDays: 1 },
    monitoring: { emails: ["platform-dev@flashcrowd.example"] },
    // Backups run at midday: the off-hours schedule keeps the database stopped at night.
    backup: {
      timeZone: "Asia/Seoul",
      dailyCron: "cron(0 12 ? * MON-FRI *)",
      weeklyCron: "cron(0 13 ? * WED *)",
      dailyRetentionDays: 7,
      weeklyRetentionDays: 28,
      copyToSecondaryRegion: false,
    },
    audit: { cloudWatchRetentionDays: 90, transitionToGlacierDays: 30, expireDays: 400 },
    bastion: { instanceType: "t3.micro" },
    offHours: { timeZone: "Asia/Seoul", stopCron: "cron(0 21 ? * MON-FRI *)", startCron: "cron(0 8 ? * MON-FRI *)" },
    autoApply: true,
    eks: {
      version: "1.33",
      endpoint: { publicAccess: false, publicAccessCidrs: [] },
      adminPrincipalArns: [
        "arn:aws:iam::310987654321:role/flashcrowd-terraform-cloud",
        "arn:aws:iam::310987654321:role/flashcrowd-developer",
      ],
      systemNodeGroup: {
        instanceTypes: ["t3.large"],
        amiType: "AL2023_x86_64_STANDARD",
        capacityType: "ON_DEMAND",
        // 0, so that an apply while off-hours has scaled the group down does not scale it back up.
        minSize: 0,
        maxSize: 2,
        desiredSize: 1,
        diskSizeGiB: 30,
      },
      addonVersions: ADDONS_1_33,
      logRetentionDays: 30,
    },
    edge: {
      domain: "dev.flashcrowd.example",
      hostedZone: { id: "Z0310987654321DEVZONE", name: "dev.flashcrowd.example" },
      www: false,
      alternateNames: [],
      priceClass: "PriceClass_100",
      wafRateLimit: 1000,
      wafLogRetentionDays: 30,
      originFacingPrefixListId: CLOUDFRONT_ORIGIN_FACING_AP_NORTHEAST_2,
    },
    alb: {
      deletionProtection: false,
      idleTimeoutSeconds: 60,
      services: STOREFRONT_SERVICES.map((service) => ({ ...service, pathPatterns: [...service.pathPatterns] })),
    },
    ecr: {
      repositories: ["web", "api", "worker"],
      untaggedExpireDays: 7,
      keepTaggedImages: 20,
      // dev has its own account, so its own registry replication.
      ownsRegistryReplication: true,
    },
    addons: devAddons,
  },
};
