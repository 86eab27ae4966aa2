/**
 * Dated price tables for the cost estimate, one per region, in USD, on-demand list prices.
 *
 * Only time-billed items are here (per hour, or per month prorated by the hour); anything billed
 * by use (requests, GB transferred or stored, LCUs, ACUs above the minimum) is reported as "not
 * estimated" instead of guessed. The figures are approximate: they were written down on the
 * table's date from AWS's published on-demand prices as known then, not fetched from the Price
 * List API (at run time or when written). Check them against the pricing pages before budgeting,
 * and update a table by editing its figures and its `date` together.
 */

/** One region's prices. Keys are the `PriceKey`s the estimator looks up. */
export interface PriceTable {
  readonly region: string;
  /** When the figures were compiled (YYYY-MM-DD). */
  readonly date: string;
  /** Where they come from. */
  readonly source: string;
  /** USD per hour, per unit. */
  readonly hourly: Readonly<Record<string, number>>;
  /** USD per month (prorated by the hour), per unit. */
  readonly monthly: Readonly<Record<string, number>>;
}

/** Hours in AWS's billing month (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

const SOURCE = "AWS public pricing pages, on-demand, Linux, list prices without free tier, approximate";
const DATE = "2026-12-03";

/** Prices AWS sets the same in every commercial region. */
const GLOBAL_MONTHLY: Readonly<Record<string, number>> = {
  "waf-web-acl": 5,
  "waf-rule": 1,
  "kms-key": 1,
  "secretsmanager-secret": 0.4,
  "route53-hosted-zone": 0.5,
  "cloudwatch-alarm-metric": 0.1,
  "cloudwatch-dashboard": 3,
};

export const PRICE_TABLES: Readonly<Record<string, PriceTable>> = {
  "ap-northeast-2": {
    region: "ap-northeast-2",
    date: DATE,
    source: SOURCE,
    hourly: {
      "nat-gateway": 0.059,
      "public-ipv4": 0.005,
      "alb": 0.0225,
      "nlb": 0.0225,
      "eks-cluster": 0.1,
      "vpc-interface-endpoint-az": 0.013,
      "fargate-vcpu": 0.04656,
      "fargate-gb": 0.00511,
      "aurora-serverless-v2-acu": 0.2,
      "aurora:db.r7g.large": 0.34,
      "aurora:db.r7g.xlarge": 0.68,
      "aurora:db.r6g.large": 0.32,
      "aurora:db.t4g.medium": 0.09,
      "elasticache:cache.r7g.large": 0.263,
      "elasticache:cache.r7g.xlarge": 0.526,
      "elasticache:cache.r6g.large": 0.247,
      "elasticache:cache.t4g.small": 0.039,
      "elasticache:cache.t4g.medium": 0.078,
      "dms:dms.r6i.large": 0.3,
      "dms:dms.r5.large": 0.3,
      "dms:dms.t3.medium": 0.092,
      "ec2:m7i.large": 0.124,
      "ec2:m6i.large": 0.118,
      "ec2:t3.large": 0.104,
      "ec2:t3.medium": 0.052,
    },
    monthly: { ...GLOBAL_MONTHLY, "dms-storage-gb": 0.131 },
  },
  "ap-northeast-1": {
    region: "ap-northeast-1",
    date: DATE,
    source: SOURCE,
    hourly: {
      "nat-gateway": 0.062,
      "public-ipv4": 0.005,
      "alb": 0.0243,
      "eks-cluster": 0.1,
      "vpc-interface-endpoint-az": 0.014,
    },
    monthly: { ...GLOBAL_MONTHLY },
  },
  "us-east-1": {
    region: "us-east-1",
    date: DATE,
    source: SOURCE,
    hourly: {
      "nat-gateway": 0.045,
      "public-ipv4": 0.005,
      "alb": 0.0225,
      "nlb": 0.0225,
      "eks-cluster": 0.1,
      "vpc-interface-endpoint-az": 0.01,
      "fargate-vcpu": 0.04048,
      "fargate-gb": 0.004445,
      "aurora-serverless-v2-acu": 0.12,
    },
    monthly: { ...GLOBAL_MONTHLY, "dms-storage-gb": 0.115 },
  },
};
