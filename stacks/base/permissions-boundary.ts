import { dependable, Token, type IAspect, type ITerraformDependable } from "cdktf";
import type { IConstruct } from "constructs";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { registerElementEditingAspect } from "../../src/core/cdktf-workarounds";

/**
 * Puts the project's permissions boundary on every IAM role of a stack, so that no module can
 * forget it: the Terraform Cloud apply roles may create roles only with this boundary, and a role
 * without it would fail to apply. The ARN is computed (`arn:aws:iam::<account>:policy/<project>-run-boundary`),
 * so stacks need no cross-stack reference; in the account's identity-host stack, which creates the
 * policy, every role also depends on it, since IAM refuses a boundary that does not exist yet.
 */
export class PermissionsBoundaryAspect implements IAspect {
  private policy?: ITerraformDependable;

  constructor(readonly boundaryArn: string) {}

  /** Declares that this stack creates the boundary policy itself: its roles must wait for it. */
  createdBy(policy: ITerraformDependable): void {
    this.policy = policy;
  }

  visit(node: IConstruct): void {
    if (!(node instanceof IamRole)) return;
    const current = node.permissionsBoundaryInput;
    if (current === undefined) {
      node.permissionsBoundary = this.boundaryArn;
    } else if (!Token.isUnresolved(current) && current !== this.boundaryArn) {
      throw new Error(
        `${node.node.path}: permissions_boundary is ${current}, but every role of the stacks carries ${this.boundaryArn} ` +
          "(the Terraform Cloud apply roles may create roles only with it); remove the role's own boundary",
      );
    }
    // A role that references the policy (the run roles) already depends on it.
    if (this.policy && !Token.isUnresolved(node.permissionsBoundaryInput ?? "")) {
      const existing = node.dependsOn ?? [];
      // cdktf's own form of a dependency: it resolves to the address without interpolation braces.
      const id = dependable(this.policy);
      if (!existing.includes(id)) node.dependsOn = [...existing, id];
    }
  }
}

// It sets permissions_boundary and depends_on on the roles it visits, nothing else.
registerElementEditingAspect(PermissionsBoundaryAspect);
