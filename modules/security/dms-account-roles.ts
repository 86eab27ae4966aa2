import { Construct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { policyDocument } from "./policy-document";

/** Names AWS DMS looks these roles up by; they cannot be changed. */
export const DMS_VPC_ROLE_NAME = "dms-vpc-role";
export const DMS_CLOUDWATCH_LOGS_ROLE_NAME = "dms-cloudwatch-logs-role";

/**
 * The two account-wide roles AWS DMS requires under fixed names: `dms-vpc-role` (creates the
 * network interfaces of replication instances) and `dms-cloudwatch-logs-role` (writes task logs).
 * IAM names are unique per account, so exactly one stack per account may create them: the
 * environment events synchronize into. Event stacks use them and never create them.
 */
export class DmsAccountRoles extends Construct {
  readonly vpcRole: IamRole;
  readonly cloudWatchLogsRole: IamRole;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    // Plain service trust: DMS fails with "dms-vpc-role is not configured properly" when these
    // trust policies carry aws:SourceAccount / aws:SourceArn conditions.
    const trust = policyDocument([
      { principals: { type: "Service", identifiers: ["dms.amazonaws.com"] }, actions: ["sts:AssumeRole"] },
    ]);
    this.vpcRole = new IamRole(this, "vpc-role", {
      name: DMS_VPC_ROLE_NAME,
      description: "AWS DMS: manage replication instance network interfaces (account-wide, fixed name)",
      assumeRolePolicy: trust,
    });
    new IamRolePolicyAttachment(this, "vpc-role-policy", {
      role: this.vpcRole.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AmazonDMSVPCManagementRole",
    });
    this.cloudWatchLogsRole = new IamRole(this, "cloudwatch-logs-role", {
      name: DMS_CLOUDWATCH_LOGS_ROLE_NAME,
      description: "AWS DMS: write replication task logs to CloudWatch Logs (account-wide, fixed name)",
      assumeRolePolicy: trust,
    });
    new IamRolePolicyAttachment(this, "cloudwatch-logs-role-policy", {
      role: this.cloudWatchLogsRole.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AmazonDMSCloudWatchLogsRole",
    });
  }
}
