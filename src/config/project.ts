import type { ConfigInput } from "./schema";

/** Project-wide settings: the name prefix, Terraform Cloud, extra tags. */
export const project: ConfigInput["project"] = {
  name: "flashcrowd",
  terraformCloud: {
    // TFC_ORG overrides this at synth time.
    organization: "flashcrowd",
    hostname: "app.terraform.io",
    // Every workspace runs exactly this version; bump it in a pull request of its own.
    terraformVersion: "1.11.4",
    // The tfc workspace only manages Terraform Cloud objects, and its plan is reviewed on every pull request.
    autoApply: true,
    // Safety net: event workspaces are destroyed this long after their planned teardown
    // (`auto_destroy_at`, an HCP Terraform Plus feature: set false on an organization without it).
    eventAutoDestroyDelay: "PT6H",
    slackNotifications: true,
  },
  tags: {
    CostCenter: "commerce-platform",
  },
};
