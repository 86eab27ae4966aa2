import type { Construct } from "constructs";
import type { HelmProvider } from "@cdktf/provider-helm/lib/provider";
import { ModuleConstruct } from "../core/environment";
import { ChartRelease, type ChartSource } from "./chart-release";
import { ADDON_SERVICE_ACCOUNTS, POD_IDENTITY_ROLE_ANNOTATION } from "./contract";
import { ManifestsRelease } from "./manifests-release";

export const AWS_LOAD_BALANCER_CONTROLLER_CHART: ChartSource = {
  repository: "https://aws.github.io/eks-charts",
  chart: "aws-load-balancer-controller",
};

/** A Service whose pods are registered (as `ip` targets) in a target group the platform created. */
export interface TargetGroupBindingSpec {
  /** Object name, unique in its namespace. */
  readonly name: string;
  readonly namespace: string;
  readonly serviceName: string;
  readonly servicePort: number;
  /** ARN of the target group (target type `ip`). */
  readonly targetGroupArn: string;
}

export interface AwsLoadBalancerControllerProps {
  /** Exact chart version. */
  readonly version: string;
  readonly clusterName: string;
  /** Given explicitly so the controller never asks instance metadata (pods cannot reach it). */
  readonly vpcId: string;
  /** The platform's Pod Identity role for the controller's service account (shown on the service account). */
  readonly roleArn: string;
  /** Controller replicas; from 2 a PodDisruptionBudget keeps one up. */
  readonly replicas: number;
  /** @default no bindings */
  readonly targetGroupBindings?: readonly TargetGroupBindingSpec[];
  /** @default the stack's helm provider */
  readonly provider?: HelmProvider;
}

/**
 * The AWS Load Balancer Controller, used for TargetGroupBinding only: the ALB, its listeners and
 * target groups belong to the platform stack. The controller creates no IngressClass and does not
 * take over `LoadBalancer` Services (its role may not create load balancers). Each binding
 * registers a Service's pod IPs in a platform target group; bindings carry no `networking`, so the
 * controller never edits security groups (the platform grants the ALB access to the pods).
 */
export class AwsLoadBalancerController extends ModuleConstruct {
  readonly chart: ChartRelease;
  /** TargetGroupBindings, when any are given. */
  readonly bindings?: ManifestsRelease;

  constructor(scope: Construct, id: string, props: AwsLoadBalancerControllerProps) {
    super(scope, id);
    const sa = ADDON_SERVICE_ACCOUNTS.loadBalancerController;
    this.chart = new ChartRelease(this, "chart", {
      name: "aws-load-balancer-controller",
      namespace: sa.namespace,
      source: AWS_LOAD_BALANCER_CONTROLLER_CHART,
      version: props.version,
      provider: props.provider,
      values: {
        clusterName: props.clusterName,
        region: this.region,
        vpcId: props.vpcId,
        replicaCount: props.replicas,
        ...(props.replicas > 1 ? { podDisruptionBudget: { maxUnavailable: 1 } } : {}),
        serviceAccount: { create: true, name: sa.name, annotations: { [POD_IDENTITY_ROLE_ANNOTATION]: props.roleArn } },
        createIngressClassResource: false,
        ingressClassParams: { create: false },
        enableServiceMutatorWebhook: false,
      },
    });

    const bindings = props.targetGroupBindings ?? [];
    if (bindings.length > 0) {
      this.bindings = new ManifestsRelease(this, "target-group-bindings", {
        name: "target-group-bindings",
        namespace: sa.namespace,
        provider: props.provider,
        dependsOn: [this.chart.release],
        manifests: bindings.map((b) => ({
          apiVersion: "elbv2.k8s.aws/v1beta1",
          kind: "TargetGroupBinding",
          metadata: { name: b.name, namespace: b.namespace },
          spec: {
            serviceRef: { name: b.serviceName, port: b.servicePort },
            targetGroupARN: b.targetGroupArn,
            targetType: "ip",
          },
        })),
      });
    }
  }
}
