import type { Construct } from "constructs";
import { ModuleConstruct } from "../core/environment";
import type { IGrantable, IPrincipal } from "../core/grant";
import type { EksCluster } from "./eks-cluster";
import { PodIdentityRole } from "./pod-identity-role";

export interface AwsLoadBalancerControllerRoleProps {
  readonly cluster: EksCluster;
  /** Namespace of the controller's service account. @default "kube-system" */
  readonly namespace?: string;
  /** The controller's service account. @default "aws-load-balancer-controller" */
  readonly serviceAccount?: string;
}

/**
 * Pod Identity role of the AWS Load Balancer Controller, for TargetGroupBinding only: the load
 * balancers, listeners, target groups and security-group rules are Terraform's (the ALB is
 * CloudFront-only), so the controller may read load balancing and network state in this region
 * and nothing else. Registering pods in a target group is granted by the target group's owner
 * (`alb.grantTargetRegistration(controllerRole)`). An Ingress or a LoadBalancer Service would
 * fail for lack of permissions: that is intended. TargetGroupBindings must not set
 * `spec.networking` (the node security group rules come from Terraform).
 */
export class AwsLoadBalancerControllerRole extends ModuleConstruct implements IGrantable {
  readonly role: PodIdentityRole;

  constructor(scope: Construct, id: string, props: AwsLoadBalancerControllerRoleProps) {
    super(scope, id);
    const { cluster } = props;
    this.role = new PodIdentityRole(this, "role", {
      name: "aws-load-balancer-controller",
      description: `AWS Load Balancer Controller of ${cluster.clusterName} (TargetGroupBinding only)`,
      clusterName: cluster.clusterName,
      clusterArn: cluster.clusterArn,
      namespace: props.namespace ?? "kube-system",
      serviceAccount: props.serviceAccount ?? "aws-load-balancer-controller",
      statements: [
        {
          sid: "ReadLoadBalancingAndNetworkState",
          actions: [
            "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeLoadBalancers",
            "elasticloadbalancing:DescribeRules",
            "elasticloadbalancing:DescribeTags",
            "elasticloadbalancing:DescribeTargetGroupAttributes",
            "elasticloadbalancing:DescribeTargetGroups",
            "elasticloadbalancing:DescribeTargetHealth",
            "ec2:DescribeAvailabilityZones",
            "ec2:DescribeInstances",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSubnets",
            "ec2:DescribeVpcs",
          ],
          resources: ["*"],
          conditions: { StringEquals: { "aws:RequestedRegion": this.region } },
        },
      ],
    });
  }

  get grantPrincipal(): IPrincipal {
    return this.role.grantPrincipal;
  }

  get roleArn(): string {
    return this.role.roleArn;
  }

  get roleName(): string {
    return this.role.roleName;
  }
}
