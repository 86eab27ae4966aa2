import { describe, expect, it } from "vitest";
import { oneAtATime } from "../../src/ci/terraform-harness";

describe("oneAtATime (terraform init shares a plugin cache that is not safe for concurrent installs)", () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it("never runs two tasks at once, and runs them in the order given", async () => {
    const serially = oneAtATime();
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const task = (n: number, ms: number) => async () => {
      running += 1;
      most = Math.max(most, running);
      await sleep(ms);
      order.push(n);
      running -= 1;
      return n;
    };
    const results = await Promise.all([serially(task(1, 30)), serially(task(2, 5)), serially(task(3, 10))]);
    expect(results).toEqual([1, 2, 3]);
    expect(order).toEqual([1, 2, 3]);
    expect(most).toBe(1);
  });

  it("goes on with the next task after one fails, and hands each caller its own outcome", async () => {
    const serially = oneAtATime();
    const failed = serially(async () => {
      throw new Error("init failed");
    });
    const next = serially(async () => "validated");
    await expect(failed).rejects.toThrow("init failed");
    await expect(next).resolves.toBe("validated");
  });
});
