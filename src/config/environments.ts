import type { ConfigInput } from "./schema";

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
  },
};
