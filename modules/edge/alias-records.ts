import { Construct } from "constructs";
import { Route53Record } from "@cdktf/provider-aws/lib/route53-record";

export interface AliasRecordsProps {
  /** Hosted zone the records are written to. */
  readonly zoneId: string;
  /** Fully qualified names to point at the target. */
  readonly names: readonly string[];
  /** A CloudFront distribution or load balancer: its DNS name and Route 53 zone. */
  readonly target: { readonly dnsName: string; readonly hostedZoneId: string };
  /** Also write AAAA records. @default true - set false for IPv4-only targets (an ipv4 load balancer) */
  readonly ipv6?: boolean;
  /** @default false - CloudFront aliases cannot evaluate target health */
  readonly evaluateTargetHealth?: boolean;
}

/** Route 53 alias records (A, and AAAA unless the target is IPv4-only) for each name. */
export class AliasRecords extends Construct {
  readonly records: readonly Route53Record[];

  constructor(scope: Construct, id: string, props: AliasRecordsProps) {
    super(scope, id);
    if (new Set(props.names).size !== props.names.length) throw new Error(`${this.node.path}: names must be unique`);
    const types = (props.ipv6 ?? true) ? (["A", "AAAA"] as const) : (["A"] as const);
    this.records = props.names.flatMap((name) =>
      types.map(
        (type) =>
          new Route53Record(this, `${name.replace(/[^a-z0-9]+/g, "-")}-${type.toLowerCase()}`, {
            zoneId: props.zoneId,
            name,
            type,
            alias: {
              name: props.target.dnsName,
              zoneId: props.target.hostedZoneId,
              evaluateTargetHealth: props.evaluateTargetHealth ?? false,
            },
          }),
      ),
    );
  }
}
