/**
 * Which IAM service prefixes and actions Terraform needs for each AWS resource type the stacks
 * create. The apply roles of Terraform Cloud runs are scoped to the services of their stack kind,
 * derived from this table (see run-role-scope.ts); tests synthesize every stack kind and fail when
 * a resource type is missing here, and evaluate the actions below against the synthesized roles.
 *
 * Adding a resource type to a module: add a row here (the service, and a representative create,
 * delete and read action); `npm test` then says which stack kinds' lists to extend.
 */

/** What Terraform calls for one resource type. */
export interface ResourceServices {
  /** IAM service prefix of the resource's API, e.g. `ec2`, `elasticloadbalancing`. */
  readonly service: string;
  /**
   * Other services Terraform or AWS calls with the run's credentials while creating it (KMS
   * grants for encrypted resources, CloudWatch Logs deliveries, EC2 for launches), so the kind's
   * apply role gets them too. `iam:PassRole` is granted separately (see run-role-policies.ts).
   * @default none
   */
  readonly alsoUses?: readonly string[];
  /** A representative action that creates it (`create` in Terraform terms). */
  readonly create: string;
  /**
   * A representative action that deletes it. For settings resources that Terraform "deletes" by
   * writing a default (versioning, public access block), the write action.
   */
  readonly delete: string;
  /** An action a plan calls to refresh it. */
  readonly read: string;
}

const KMS = ["kms"] as const;

/** The table, by Terraform resource type. Sorted; a test keeps it that way. */
export const AWS_RESOURCE_SERVICES: Readonly<Record<string, ResourceServices>> = {
  aws_acm_certificate: { service: "acm", create: "acm:RequestCertificate", delete: "acm:DeleteCertificate", read: "acm:DescribeCertificate" },
  aws_acm_certificate_validation: { service: "acm", create: "acm:DescribeCertificate", delete: "acm:DescribeCertificate", read: "acm:DescribeCertificate" },
  aws_appautoscaling_policy: { service: "application-autoscaling", create: "application-autoscaling:PutScalingPolicy", delete: "application-autoscaling:DeleteScalingPolicy", read: "application-autoscaling:DescribeScalingPolicies" },
  aws_appautoscaling_scheduled_action: { service: "application-autoscaling", create: "application-autoscaling:PutScheduledAction", delete: "application-autoscaling:DeleteScheduledAction", read: "application-autoscaling:DescribeScheduledActions" },
  aws_appautoscaling_target: { service: "application-autoscaling", create: "application-autoscaling:RegisterScalableTarget", delete: "application-autoscaling:DeregisterScalableTarget", read: "application-autoscaling:DescribeScalableTargets" },
  aws_autoscaling_group: { service: "autoscaling", alsoUses: ["ec2"], create: "autoscaling:CreateAutoScalingGroup", delete: "autoscaling:DeleteAutoScalingGroup", read: "autoscaling:DescribeAutoScalingGroups" },
  aws_backup_plan: { service: "backup", create: "backup:CreateBackupPlan", delete: "backup:DeleteBackupPlan", read: "backup:GetBackupPlan" },
  aws_backup_selection: { service: "backup", create: "backup:CreateBackupSelection", delete: "backup:DeleteBackupSelection", read: "backup:GetBackupSelection" },
  aws_backup_vault: { service: "backup", alsoUses: ["backup-storage", ...KMS], create: "backup:CreateBackupVault", delete: "backup:DeleteBackupVault", read: "backup:DescribeBackupVault" },
  aws_chatbot_slack_channel_configuration: { service: "chatbot", create: "chatbot:CreateSlackChannelConfiguration", delete: "chatbot:DeleteSlackChannelConfiguration", read: "chatbot:DescribeSlackChannelConfigurations" },
  aws_cloudfront_distribution: { service: "cloudfront", alsoUses: ["acm", "wafv2"], create: "cloudfront:CreateDistribution", delete: "cloudfront:DeleteDistribution", read: "cloudfront:GetDistribution" },
  aws_cloudfront_origin_access_control: { service: "cloudfront", create: "cloudfront:CreateOriginAccessControl", delete: "cloudfront:DeleteOriginAccessControl", read: "cloudfront:GetOriginAccessControl" },
  aws_cloudtrail: { service: "cloudtrail", alsoUses: ["logs"], create: "cloudtrail:CreateTrail", delete: "cloudtrail:DeleteTrail", read: "cloudtrail:GetTrail" },
  aws_cloudwatch_dashboard: { service: "cloudwatch", create: "cloudwatch:PutDashboard", delete: "cloudwatch:DeleteDashboards", read: "cloudwatch:GetDashboard" },
  aws_cloudwatch_event_rule: { service: "events", create: "events:PutRule", delete: "events:DeleteRule", read: "events:DescribeRule" },
  aws_cloudwatch_event_target: { service: "events", create: "events:PutTargets", delete: "events:RemoveTargets", read: "events:ListTargetsByRule" },
  aws_cloudwatch_log_group: { service: "logs", create: "logs:CreateLogGroup", delete: "logs:DeleteLogGroup", read: "logs:DescribeLogGroups" },
  aws_cloudwatch_log_stream: { service: "logs", create: "logs:CreateLogStream", delete: "logs:DeleteLogStream", read: "logs:DescribeLogStreams" },
  aws_cloudwatch_log_subscription_filter: { service: "logs", create: "logs:PutSubscriptionFilter", delete: "logs:DeleteSubscriptionFilter", read: "logs:DescribeSubscriptionFilters" },
  aws_cloudwatch_metric_alarm: { service: "cloudwatch", create: "cloudwatch:PutMetricAlarm", delete: "cloudwatch:DeleteAlarms", read: "cloudwatch:DescribeAlarms" },
  aws_db_subnet_group: { service: "rds", create: "rds:CreateDBSubnetGroup", delete: "rds:DeleteDBSubnetGroup", read: "rds:DescribeDBSubnetGroups" },
  aws_default_security_group: { service: "ec2", create: "ec2:RevokeSecurityGroupEgress", delete: "ec2:RevokeSecurityGroupIngress", read: "ec2:DescribeSecurityGroups" },
  aws_dms_endpoint: { service: "dms", alsoUses: KMS, create: "dms:CreateEndpoint", delete: "dms:DeleteEndpoint", read: "dms:DescribeEndpoints" },
  aws_dms_event_subscription: { service: "dms", create: "dms:CreateEventSubscription", delete: "dms:DeleteEventSubscription", read: "dms:DescribeEventSubscriptions" },
  aws_dms_replication_instance: { service: "dms", alsoUses: ["ec2", ...KMS], create: "dms:CreateReplicationInstance", delete: "dms:DeleteReplicationInstance", read: "dms:DescribeReplicationInstances" },
  aws_dms_replication_subnet_group: { service: "dms", alsoUses: ["ec2"], create: "dms:CreateReplicationSubnetGroup", delete: "dms:DeleteReplicationSubnetGroup", read: "dms:DescribeReplicationSubnetGroups" },
  aws_dms_replication_task: { service: "dms", create: "dms:CreateReplicationTask", delete: "dms:DeleteReplicationTask", read: "dms:DescribeReplicationTasks" },
  aws_ecr_lifecycle_policy: { service: "ecr", create: "ecr:PutLifecyclePolicy", delete: "ecr:DeleteLifecyclePolicy", read: "ecr:GetLifecyclePolicy" },
  aws_ecr_replication_configuration: { service: "ecr", create: "ecr:PutReplicationConfiguration", delete: "ecr:PutReplicationConfiguration", read: "ecr:DescribeRegistry" },
  aws_ecr_repository: { service: "ecr", alsoUses: KMS, create: "ecr:CreateRepository", delete: "ecr:DeleteRepository", read: "ecr:DescribeRepositories" },
  aws_ecr_repository_creation_template: { service: "ecr", create: "ecr:CreateRepositoryCreationTemplate", delete: "ecr:DeleteRepositoryCreationTemplate", read: "ecr:DescribeRepositoryCreationTemplates" },
  aws_ecs_cluster: { service: "ecs", create: "ecs:CreateCluster", delete: "ecs:DeleteCluster", read: "ecs:DescribeClusters" },
  aws_ecs_service: { service: "ecs", alsoUses: ["elasticloadbalancing", "ec2"], create: "ecs:CreateService", delete: "ecs:DeleteService", read: "ecs:DescribeServices" },
  aws_ecs_task_definition: { service: "ecs", create: "ecs:RegisterTaskDefinition", delete: "ecs:DeregisterTaskDefinition", read: "ecs:DescribeTaskDefinition" },
  aws_eip: { service: "ec2", create: "ec2:AllocateAddress", delete: "ec2:ReleaseAddress", read: "ec2:DescribeAddresses" },
  aws_eks_access_entry: { service: "eks", create: "eks:CreateAccessEntry", delete: "eks:DeleteAccessEntry", read: "eks:DescribeAccessEntry" },
  aws_eks_access_policy_association: { service: "eks", create: "eks:AssociateAccessPolicy", delete: "eks:DisassociateAccessPolicy", read: "eks:ListAssociatedAccessPolicies" },
  aws_eks_addon: { service: "eks", create: "eks:CreateAddon", delete: "eks:DeleteAddon", read: "eks:DescribeAddon" },
  aws_eks_cluster: { service: "eks", alsoUses: ["ec2", ...KMS, "logs"], create: "eks:CreateCluster", delete: "eks:DeleteCluster", read: "eks:DescribeCluster" },
  aws_eks_node_group: { service: "eks", alsoUses: ["ec2", "autoscaling"], create: "eks:CreateNodegroup", delete: "eks:DeleteNodegroup", read: "eks:DescribeNodegroup" },
  aws_eks_pod_identity_association: { service: "eks", create: "eks:CreatePodIdentityAssociation", delete: "eks:DeletePodIdentityAssociation", read: "eks:DescribePodIdentityAssociation" },
  aws_elasticache_replication_group: { service: "elasticache", alsoUses: ["ec2", ...KMS], create: "elasticache:CreateReplicationGroup", delete: "elasticache:DeleteReplicationGroup", read: "elasticache:DescribeReplicationGroups" },
  aws_elasticache_subnet_group: { service: "elasticache", create: "elasticache:CreateCacheSubnetGroup", delete: "elasticache:DeleteCacheSubnetGroup", read: "elasticache:DescribeCacheSubnetGroups" },
  aws_elasticache_user: { service: "elasticache", create: "elasticache:CreateUser", delete: "elasticache:DeleteUser", read: "elasticache:DescribeUsers" },
  aws_elasticache_user_group: { service: "elasticache", create: "elasticache:CreateUserGroup", delete: "elasticache:DeleteUserGroup", read: "elasticache:DescribeUserGroups" },
  aws_flow_log: { service: "ec2", alsoUses: ["logs"], create: "ec2:CreateFlowLogs", delete: "ec2:DeleteFlowLogs", read: "ec2:DescribeFlowLogs" },
  aws_iam_instance_profile: { service: "iam", create: "iam:CreateInstanceProfile", delete: "iam:DeleteInstanceProfile", read: "iam:GetInstanceProfile" },
  aws_iam_openid_connect_provider: { service: "iam", create: "iam:CreateOpenIDConnectProvider", delete: "iam:DeleteOpenIDConnectProvider", read: "iam:GetOpenIDConnectProvider" },
  aws_iam_policy: { service: "iam", create: "iam:CreatePolicy", delete: "iam:DeletePolicy", read: "iam:GetPolicyVersion" },
  aws_iam_role: { service: "iam", create: "iam:CreateRole", delete: "iam:DeleteRole", read: "iam:GetRole" },
  aws_iam_role_policy: { service: "iam", create: "iam:PutRolePolicy", delete: "iam:DeleteRolePolicy", read: "iam:GetRolePolicy" },
  aws_iam_role_policy_attachment: { service: "iam", create: "iam:AttachRolePolicy", delete: "iam:DetachRolePolicy", read: "iam:ListAttachedRolePolicies" },
  aws_internet_gateway: { service: "ec2", create: "ec2:CreateInternetGateway", delete: "ec2:DeleteInternetGateway", read: "ec2:DescribeInternetGateways" },
  aws_kinesis_firehose_delivery_stream: { service: "firehose", alsoUses: ["logs", ...KMS], create: "firehose:CreateDeliveryStream", delete: "firehose:DeleteDeliveryStream", read: "firehose:DescribeDeliveryStream" },
  aws_kms_alias: { service: "kms", create: "kms:CreateAlias", delete: "kms:DeleteAlias", read: "kms:ListAliases" },
  aws_kms_key: { service: "kms", create: "kms:CreateKey", delete: "kms:ScheduleKeyDeletion", read: "kms:DescribeKey" },
  aws_lambda_function: { service: "lambda", alsoUses: ["ec2", ...KMS], create: "lambda:CreateFunction", delete: "lambda:DeleteFunction", read: "lambda:GetFunction" },
  aws_launch_template: { service: "ec2", create: "ec2:CreateLaunchTemplate", delete: "ec2:DeleteLaunchTemplate", read: "ec2:DescribeLaunchTemplates" },
  aws_lb: { service: "elasticloadbalancing", alsoUses: ["ec2"], create: "elasticloadbalancing:CreateLoadBalancer", delete: "elasticloadbalancing:DeleteLoadBalancer", read: "elasticloadbalancing:DescribeLoadBalancers" },
  aws_lb_listener: { service: "elasticloadbalancing", alsoUses: ["acm"], create: "elasticloadbalancing:CreateListener", delete: "elasticloadbalancing:DeleteListener", read: "elasticloadbalancing:DescribeListeners" },
  aws_lb_listener_rule: { service: "elasticloadbalancing", create: "elasticloadbalancing:CreateRule", delete: "elasticloadbalancing:DeleteRule", read: "elasticloadbalancing:DescribeRules" },
  aws_lb_target_group: { service: "elasticloadbalancing", create: "elasticloadbalancing:CreateTargetGroup", delete: "elasticloadbalancing:DeleteTargetGroup", read: "elasticloadbalancing:DescribeTargetGroups" },
  aws_nat_gateway: { service: "ec2", create: "ec2:CreateNatGateway", delete: "ec2:DeleteNatGateway", read: "ec2:DescribeNatGateways" },
  aws_rds_cluster: { service: "rds", alsoUses: ["ec2", "secretsmanager", ...KMS], create: "rds:CreateDBCluster", delete: "rds:DeleteDBCluster", read: "rds:DescribeDBClusters" },
  aws_rds_cluster_instance: { service: "rds", create: "rds:CreateDBInstance", delete: "rds:DeleteDBInstance", read: "rds:DescribeDBInstances" },
  aws_rds_cluster_parameter_group: { service: "rds", create: "rds:CreateDBClusterParameterGroup", delete: "rds:DeleteDBClusterParameterGroup", read: "rds:DescribeDBClusterParameterGroups" },
  aws_route: { service: "ec2", create: "ec2:CreateRoute", delete: "ec2:DeleteRoute", read: "ec2:DescribeRouteTables" },
  aws_route53_record: { service: "route53", create: "route53:ChangeResourceRecordSets", delete: "route53:ChangeResourceRecordSets", read: "route53:ListResourceRecordSets" },
  aws_route_table: { service: "ec2", create: "ec2:CreateRouteTable", delete: "ec2:DeleteRouteTable", read: "ec2:DescribeRouteTables" },
  aws_route_table_association: { service: "ec2", create: "ec2:AssociateRouteTable", delete: "ec2:DisassociateRouteTable", read: "ec2:DescribeRouteTables" },
  aws_s3_bucket: { service: "s3", create: "s3:CreateBucket", delete: "s3:DeleteBucket", read: "s3:ListBucket" },
  aws_s3_bucket_lifecycle_configuration: { service: "s3", create: "s3:PutLifecycleConfiguration", delete: "s3:PutLifecycleConfiguration", read: "s3:GetLifecycleConfiguration" },
  aws_s3_bucket_logging: { service: "s3", create: "s3:PutBucketLogging", delete: "s3:PutBucketLogging", read: "s3:GetBucketLogging" },
  aws_s3_bucket_ownership_controls: { service: "s3", create: "s3:PutBucketOwnershipControls", delete: "s3:PutBucketOwnershipControls", read: "s3:GetBucketOwnershipControls" },
  aws_s3_bucket_policy: { service: "s3", create: "s3:PutBucketPolicy", delete: "s3:DeleteBucketPolicy", read: "s3:GetBucketPolicy" },
  aws_s3_bucket_public_access_block: { service: "s3", create: "s3:PutBucketPublicAccessBlock", delete: "s3:PutBucketPublicAccessBlock", read: "s3:GetBucketPublicAccessBlock" },
  aws_s3_bucket_server_side_encryption_configuration: { service: "s3", create: "s3:PutEncryptionConfiguration", delete: "s3:PutEncryptionConfiguration", read: "s3:GetEncryptionConfiguration" },
  aws_s3_bucket_versioning: { service: "s3", create: "s3:PutBucketVersioning", delete: "s3:PutBucketVersioning", read: "s3:GetBucketVersioning" },
  aws_s3_object: { service: "s3", create: "s3:PutObject", delete: "s3:DeleteObject", read: "s3:GetObject" },
  aws_scheduler_schedule: { service: "scheduler", create: "scheduler:CreateSchedule", delete: "scheduler:DeleteSchedule", read: "scheduler:GetSchedule" },
  aws_scheduler_schedule_group: { service: "scheduler", create: "scheduler:CreateScheduleGroup", delete: "scheduler:DeleteScheduleGroup", read: "scheduler:GetScheduleGroup" },
  aws_secretsmanager_secret: { service: "secretsmanager", alsoUses: KMS, create: "secretsmanager:CreateSecret", delete: "secretsmanager:DeleteSecret", read: "secretsmanager:DescribeSecret" },
  aws_secretsmanager_secret_policy: { service: "secretsmanager", create: "secretsmanager:PutResourcePolicy", delete: "secretsmanager:DeleteResourcePolicy", read: "secretsmanager:GetResourcePolicy" },
  aws_security_group: { service: "ec2", create: "ec2:CreateSecurityGroup", delete: "ec2:DeleteSecurityGroup", read: "ec2:DescribeSecurityGroups" },
  aws_sfn_state_machine: { service: "states", alsoUses: ["logs"], create: "states:CreateStateMachine", delete: "states:DeleteStateMachine", read: "states:DescribeStateMachine" },
  aws_sns_topic: { service: "sns", alsoUses: KMS, create: "sns:CreateTopic", delete: "sns:DeleteTopic", read: "sns:GetTopicAttributes" },
  aws_sns_topic_policy: { service: "sns", create: "sns:SetTopicAttributes", delete: "sns:SetTopicAttributes", read: "sns:GetTopicAttributes" },
  aws_sns_topic_subscription: { service: "sns", create: "sns:Subscribe", delete: "sns:Unsubscribe", read: "sns:GetSubscriptionAttributes" },
  aws_sqs_queue: { service: "sqs", alsoUses: KMS, create: "sqs:CreateQueue", delete: "sqs:DeleteQueue", read: "sqs:GetQueueAttributes" },
  aws_sqs_queue_policy: { service: "sqs", create: "sqs:SetQueueAttributes", delete: "sqs:SetQueueAttributes", read: "sqs:GetQueueAttributes" },
  aws_sqs_queue_redrive_allow_policy: { service: "sqs", create: "sqs:SetQueueAttributes", delete: "sqs:SetQueueAttributes", read: "sqs:GetQueueAttributes" },
  aws_subnet: { service: "ec2", create: "ec2:CreateSubnet", delete: "ec2:DeleteSubnet", read: "ec2:DescribeSubnets" },
  aws_vpc: { service: "ec2", create: "ec2:CreateVpc", delete: "ec2:DeleteVpc", read: "ec2:DescribeVpcs" },
  aws_vpc_endpoint: { service: "ec2", create: "ec2:CreateVpcEndpoint", delete: "ec2:DeleteVpcEndpoints", read: "ec2:DescribeVpcEndpoints" },
  aws_vpc_peering_connection: { service: "ec2", create: "ec2:CreateVpcPeeringConnection", delete: "ec2:DeleteVpcPeeringConnection", read: "ec2:DescribeVpcPeeringConnections" },
  aws_vpc_peering_connection_accepter: { service: "ec2", create: "ec2:AcceptVpcPeeringConnection", delete: "ec2:DeleteVpcPeeringConnection", read: "ec2:DescribeVpcPeeringConnections" },
  aws_vpc_peering_connection_options: { service: "ec2", create: "ec2:ModifyVpcPeeringConnectionOptions", delete: "ec2:ModifyVpcPeeringConnectionOptions", read: "ec2:DescribeVpcPeeringConnections" },
  aws_vpc_security_group_egress_rule: { service: "ec2", create: "ec2:AuthorizeSecurityGroupEgress", delete: "ec2:RevokeSecurityGroupEgress", read: "ec2:DescribeSecurityGroupRules" },
  aws_vpc_security_group_ingress_rule: { service: "ec2", create: "ec2:AuthorizeSecurityGroupIngress", delete: "ec2:RevokeSecurityGroupIngress", read: "ec2:DescribeSecurityGroupRules" },
  aws_wafv2_web_acl: { service: "wafv2", create: "wafv2:CreateWebACL", delete: "wafv2:DeleteWebACL", read: "wafv2:GetWebACL" },
  aws_wafv2_web_acl_logging_configuration: { service: "wafv2", alsoUses: ["logs"], create: "wafv2:PutLoggingConfiguration", delete: "wafv2:DeleteLoggingConfiguration", read: "wafv2:GetLoggingConfiguration" },
};

/**
 * IAM is never granted as a whole service: its writes are how a role escalates. The apply roles
 * get the IAM actions of their resource types under conditions instead (run-role-policies.ts).
 */
export const IAM_SERVICE = "iam";

/** The row of a resource type; throws naming the table when the type is unknown. */
export function resourceServices(resourceType: string): ResourceServices {
  const row = AWS_RESOURCE_SERVICES[resourceType];
  if (!row) {
    throw new Error(
      `resource type ${resourceType} has no row in AWS_RESOURCE_SERVICES (src/topology/aws-resource-services.ts); ` +
        "add its IAM service and a create, delete and read action so the Terraform Cloud apply roles may manage it",
    );
  }
  return row;
}

/** Every service a resource type needs, its own first. */
export function servicesOf(resourceType: string): string[] {
  const row = resourceServices(resourceType);
  return [row.service, ...(row.alsoUses ?? [])];
}
