import type { ConfigInput } from "./schema";

/** Project-wide settings: the name prefix, Terraform Cloud, extra tags. */
export const project: ConfigInput["project"] = {
  name: "flashcrowd",
  terraformCloud: {
    // TFC_ORG overrides this at synth time.
    organization: "flashcrowd",
    hostname: "app.terraform.io",
  },
  tags: {
    CostCenter: "commerce-platform",
  },
};
