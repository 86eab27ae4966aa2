/**
 * What each kind of stack creates, as Terraform resource types, and from that the AWS services its
 * Terraform Cloud apply role may use. The lists are the synthesized stacks' resource types: a test
 * synthesizes every kind (from the repository's config, with the events in prod's account and in
 * an account of their own) and fails, naming the types to add or remove, when a list is stale.
 * Types of other providers (helm, kubernetes, terraform_data) need no AWS permission and are not
 * listed.
 */
import type { RunRoleKind } from "../config/schema";
import { IAM_SERVICE, servicesOf } from "./aws-resource-services";

/** Resource types only the identity host of an account creates (non-host apply roles are denied them). */
export const IDENTITY_HOST_ONLY_TYPES: readonly string[] = ["aws_iam_openid_connect_provider"];

/** AWS resource types each kind of stack creates. Sorted; a test compares them with synthesized stacks. */
export const RUN_ROLE_RESOURCE_TYPES: Readonly<Record<RunRoleKind, readonly string[]>> = {
  platform: [
    "aws_acm_certificate", "aws_acm_certificate_validation", "aws_autoscaling_group", "aws_backup_plan", "aws_backup_selection",
    "aws_backup_vault", "aws_chatbot_slack_channel_configuration", "aws_cloudfront_distribution", "aws_cloudfront_origin_access_control",
    "aws_cloudtrail", "aws_cloudwatch_dashboard", "aws_cloudwatch_event_rule", "aws_cloudwatch_event_target", "aws_cloudwatch_log_group",
    "aws_cloudwatch_metric_alarm", "aws_db_subnet_group", "aws_default_security_group", "aws_ecr_lifecycle_policy",
    "aws_ecr_replication_configuration", "aws_ecr_repository", "aws_ecr_repository_creation_template", "aws_eip", "aws_eks_access_entry",
    "aws_eks_access_policy_association", "aws_eks_addon", "aws_eks_cluster", "aws_eks_node_group", "aws_eks_pod_identity_association",
    "aws_elasticache_replication_group", "aws_elasticache_subnet_group", "aws_elasticache_user", "aws_elasticache_user_group", "aws_flow_log",
    "aws_iam_instance_profile", "aws_iam_openid_connect_provider", "aws_iam_policy", "aws_iam_role", "aws_iam_role_policy",
    "aws_iam_role_policy_attachment", "aws_internet_gateway", "aws_kms_alias", "aws_kms_key", "aws_launch_template", "aws_lb",
    "aws_lb_listener", "aws_lb_listener_rule", "aws_lb_target_group", "aws_nat_gateway", "aws_rds_cluster", "aws_rds_cluster_instance",
    "aws_rds_cluster_parameter_group", "aws_route", "aws_route53_record", "aws_route_table", "aws_route_table_association", "aws_s3_bucket",
    "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_logging", "aws_s3_bucket_ownership_controls", "aws_s3_bucket_policy",
    "aws_s3_bucket_public_access_block", "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_versioning",
    "aws_scheduler_schedule", "aws_scheduler_schedule_group", "aws_secretsmanager_secret", "aws_secretsmanager_secret_policy", "aws_security_group", "aws_sns_topic",
    "aws_sns_topic_policy", "aws_sns_topic_subscription", "aws_sqs_queue", "aws_sqs_queue_policy", "aws_subnet", "aws_vpc",
    "aws_vpc_endpoint", "aws_vpc_security_group_egress_rule", "aws_vpc_security_group_ingress_rule", "aws_wafv2_web_acl",
    "aws_wafv2_web_acl_logging_configuration",
  ],
  addons: ["aws_eks_pod_identity_association", "aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment"],
  eventEdge: [
    "aws_acm_certificate", "aws_acm_certificate_validation", "aws_chatbot_slack_channel_configuration", "aws_cloudfront_distribution",
    "aws_cloudfront_origin_access_control", "aws_cloudwatch_log_group", "aws_ecr_lifecycle_policy", "aws_ecr_replication_configuration", "aws_ecr_repository",
    "aws_ecr_repository_creation_template",
    "aws_iam_openid_connect_provider", "aws_iam_policy", "aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment",
    "aws_kms_alias", "aws_kms_key", "aws_route53_record", "aws_s3_bucket", "aws_s3_bucket_lifecycle_configuration", "aws_s3_bucket_logging",
    "aws_s3_bucket_ownership_controls", "aws_s3_bucket_policy", "aws_s3_bucket_public_access_block",
    "aws_s3_bucket_server_side_encryption_configuration", "aws_s3_bucket_versioning", "aws_s3_object", "aws_sns_topic", "aws_sns_topic_policy",
    "aws_sns_topic_subscription", "aws_wafv2_web_acl", "aws_wafv2_web_acl_logging_configuration",
  ],
  control: [
    "aws_cloudwatch_log_group", "aws_cloudwatch_metric_alarm", "aws_iam_role", "aws_iam_role_policy", "aws_kms_alias", "aws_kms_key",
    "aws_lambda_function", "aws_scheduler_schedule", "aws_scheduler_schedule_group", "aws_secretsmanager_secret", "aws_sfn_state_machine",
    "aws_sns_topic", "aws_sns_topic_policy", "aws_sqs_queue", "aws_sqs_queue_policy",
  ],
  event: [
    "aws_appautoscaling_policy", "aws_appautoscaling_scheduled_action", "aws_appautoscaling_target", "aws_cloudwatch_log_group",
    "aws_cloudwatch_log_stream", "aws_cloudwatch_log_subscription_filter", "aws_cloudwatch_metric_alarm", "aws_db_subnet_group",
    "aws_default_security_group", "aws_dms_endpoint", "aws_dms_event_subscription", "aws_dms_replication_instance",
    "aws_dms_replication_subnet_group", "aws_dms_replication_task", "aws_ecs_cluster", "aws_ecs_service", "aws_ecs_task_definition", "aws_eip",
    "aws_elasticache_replication_group", "aws_elasticache_subnet_group", "aws_elasticache_user", "aws_elasticache_user_group", "aws_flow_log",
    "aws_iam_role", "aws_iam_role_policy", "aws_iam_role_policy_attachment", "aws_internet_gateway", "aws_kinesis_firehose_delivery_stream",
    "aws_kms_alias", "aws_kms_key", "aws_lambda_function", "aws_lb", "aws_lb_listener", "aws_lb_listener_rule", "aws_lb_target_group",
    "aws_nat_gateway", "aws_rds_cluster", "aws_rds_cluster_instance", "aws_rds_cluster_parameter_group", "aws_route", "aws_route53_record",
    "aws_route_table", "aws_route_table_association", "aws_secretsmanager_secret", "aws_security_group", "aws_sqs_queue",
    "aws_sqs_queue_policy", "aws_sqs_queue_redrive_allow_policy", "aws_subnet", "aws_vpc", "aws_vpc_endpoint",
    "aws_vpc_peering_connection", "aws_vpc_peering_connection_accepter", "aws_vpc_peering_connection_options", "aws_vpc_security_group_egress_rule",
    "aws_vpc_security_group_ingress_rule",
  ],
};

/**
 * Resource types of event stacks whose delete action AWS cannot condition on `aws:ResourceTag`:
 * the `Event` tag conditions of an event's apply role do not protect another event's resources of
 * these types (docs/least-privilege.md). A test derives the list from AWS's authorization data.
 */
export const TYPES_WITHOUT_TAG_CONDITIONS: readonly string[] = ["aws_ecs_task_definition", "aws_kms_alias", "aws_route53_record"];

/** The AWS services (IAM prefixes) a kind's apply role may use, IAM excluded (granted by action), sorted. */
export function applyServicesOf(kind: RunRoleKind): string[] {
  return [...new Set(RUN_ROLE_RESOURCE_TYPES[kind].flatMap(servicesOf))].filter((s) => s !== IAM_SERVICE).sort();
}

/** Whether a kind's stacks create resources of this type. */
export function kindCreates(kind: RunRoleKind, resourceType: string): boolean {
  return RUN_ROLE_RESOURCE_TYPES[kind].includes(resourceType);
}
