/** The Terraform Cloud fake lives with the rehearsal, which is a product feature; tests use the same one. */
export * from "../../src/rehearsal/fake-tfc";
