import { readFileSync } from "node:fs";
import { Construct } from "constructs";
import { S3Object } from "@cdktf/provider-aws/lib/s3-object";
import type { S3Bucket } from "../data/s3-bucket";

export interface StaticPageProps {
  /** The bucket (private, read by CloudFront through Origin Access Control). */
  readonly bucket: S3Bucket;
  /** Object key, e.g. `_sale/index.html`. */
  readonly key: string;
  /** Absolute path of the file kept in the repository; its content is written into the configuration. */
  readonly sourcePath: string;
  /** @default "text/html; charset=utf-8" */
  readonly contentType?: string;
  /**
   * Cache-Control sent with the object.
   * @default "public, max-age=60" - a changed page reaches viewers within a minute
   */
  readonly cacheControl?: string;
}

/** Files read once per process: several stacks (and tests) upload the same page. */
const contents = new Map<string, string>();

/**
 * A small file from the repository (a static HTML page) uploaded as one S3 object, encrypted by
 * the bucket's default encryption. The content is written into the configuration, so a change to
 * the file shows in the plan; meant for pages of a few kilobytes, not for assets.
 */
export class StaticPage extends Construct {
  readonly object: S3Object;
  /** The path CloudFront serves it under: `/<key>`. */
  readonly path: string;

  constructor(scope: Construct, id: string, props: StaticPageProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9_][A-Za-z0-9._/-]*$/.test(props.key) || props.key.includes("//")) {
      throw new Error(`${this.node.path}: object key "${props.key}" must be a relative path of letters, digits, '.', '_', '-' and '/'`);
    }
    this.path = `/${props.key}`;
    let content = contents.get(props.sourcePath);
    if (content === undefined) {
      content = readFileSync(props.sourcePath, "utf8");
      contents.set(props.sourcePath, content);
    }
    this.object = new S3Object(this, "object", {
      bucket: props.bucket.bucketName,
      key: props.key,
      content,
      contentType: props.contentType ?? "text/html; charset=utf-8",
      cacheControl: props.cacheControl ?? "public, max-age=60",
    });
  }
}
