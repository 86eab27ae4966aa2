/** Buckets and the aws provider 5.x resources that configure them (each references the bucket). */
import { partnersOf, type TfResource } from "../../terraform";
import type { TerraformJson } from "../../types";

/** Resources of `type` configuring `bucket` (by reference or by its literal name). */
export function bucketPartners(json: TerraformJson, type: string, bucket: TfResource): TfResource[] {
  return partnersOf(json, type, "bucket", bucket, "bucket");
}
