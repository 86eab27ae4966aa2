import { devAddons, prodAddons } from "./addons";
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
    network: {
      cidr: "10.0.0.0/16",
      natGateways: "per-az",
      subnetPrefixLength: { public: 24, private: 20, data: 24 },
      flowLogRetentionDays: 365,
      interfaceEndpoints: ["ecr.api", "ecr.dkr", "logs", "sts", "ssm", "ssmmessages", "ec2messages"],
    },
    logs: { transitionToGlacierDays: 30, expireDays: 400 },
    addons: prodAddons,
  },
  dev: {
    account: "310987654321",
    region: "ap-northeast-2",
    secondaryRegion: "ap-northeast-1",
    availabilityZones: ["ap-northeast-2a", "ap-northeast-2c"],
    network: {
      cidr: "10.1.0.0/16",
      natGateways: "single",
      subnetPrefixLength: { public: 24, private: 20, data: 24 },
      flowLogRetentionDays: 90,
      interfaceEndpoints: ["ssm", "ssmmessages", "ec2messages"],
    },
    logs: { transitionToGlacierDays: 7, expireDays: 90 },
    addons: devAddons,
  },
};
