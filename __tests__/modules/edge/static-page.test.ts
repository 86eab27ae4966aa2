import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { S3Bucket } from "../../../modules/data/s3-bucket";
import { StaticPage } from "../../../modules/edge/static-page";
import { KmsKey } from "../../../modules/security/kms-key";
import { listOf, synthJson } from "../../helpers/synth";
import { moduleStack } from "../../helpers/stack";

function page(key: string, cacheControl?: string) {
  const { stack } = moduleStack();
  const kmsKey = new KmsKey(stack, "key", { alias: "pages", description: "pages" });
  const bucket = new S3Bucket(stack, "pages", { bucketName: "flashcrowd-test-pages", kmsKey });
  const file = join(mkdtempSync(join(tmpdir(), "flashcrowd-page-")), "page.html");
  writeFileSync(file, "<p>closed</p>");
  const construct = new StaticPage(stack, "page", { bucket, key, sourcePath: file, cacheControl });
  return { construct, json: synthJson(stack) };
}

describe("StaticPage", () => {
  it("uploads the file's content as HTML under the key, short-cached by default", () => {
    const { construct, json } = page("_sale/index.html");
    expect(listOf(json, "aws_s3_object")).toEqual([
      expect.objectContaining({
        key: "_sale/index.html",
        content: "<p>closed</p>",
        content_type: "text/html; charset=utf-8",
        cache_control: "public, max-age=60",
        bucket: expect.stringContaining("aws_s3_bucket.pages_bucket_"),
      }),
    ]);
    expect(construct.path).toBe("/_sale/index.html");
  });

  it("takes the cache control from props", () => {
    expect(listOf(page("a.html", "no-store").json, "aws_s3_object")[0]!.cache_control).toBe("no-store");
  });

  it.each(["/leading.html", "a//b.html", "spaces in.html"])("rejects the key %j", (key) => {
    expect(() => page(key)).toThrow(/must be a relative path/);
  });
});
