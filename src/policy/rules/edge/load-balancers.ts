/** Load balancers and listeners under both of their Terraform type names. */
import { refersTo, resourcesOf, type TfResource } from "../../terraform";
import type { TerraformJson } from "../../types";

export const LB_TYPES = ["aws_lb", "aws_alb"];
export const LISTENER_TYPES = ["aws_lb_listener", "aws_alb_listener"];

/** Application load balancers (the default type when `load_balancer_type` is absent). */
export function isApplication(lb: TfResource): boolean {
  const type = lb.config.load_balancer_type;
  return type === undefined || type === "application";
}

/** The load balancer of a listener, when it is in the same stack. */
export function loadBalancerOf(json: TerraformJson, listener: TfResource): TfResource | undefined {
  return resourcesOf(json, ...LB_TYPES).find((lb) => refersTo(listener.config.load_balancer_arn, lb.address));
}
