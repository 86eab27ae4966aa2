import { describe, expect, it } from "vitest";
import { cronProblem } from "../../src/config/cron";

describe("cronProblem", () => {
  it.each([
    "cron(0 21 ? * MON-FRI *)",
    "cron(0 8 ? * MON-FRI *)",
    "cron(0 3 * * ? *)",
    "cron(0/15 * * * ? *)",
    "cron(30 4 ? * SUN *)",
    "cron(0 12 L * ? *)",
    "cron(0 12 ? * 6#3 *)",
    "cron(0 0 1,15 JAN-JUN ? 2027)",
  ])("accepts %s", (expression) => {
    expect(cronProblem(expression)).toBeUndefined();
  });

  it.each([
    ["rate(1 day)", "is not an AWS cron expression"],
    ["cron(0 21 * * 1-5)", "has 5 fields; AWS cron needs 6"],
    ["cron(60 21 ? * MON-FRI *)", 'minutes "60" is outside 0-59'],
    ["cron(0 21 ? 13 MON *)", 'month "13" is outside 1-12 (or JAN-DEC)'],
    ["cron(0 21 ? * MOX *)", 'day-of-week "MOX" is outside 1-7 (or SUN-SAT)'],
    ["cron(0 21 * * MON *)", 'exactly one of day-of-month and day-of-week must be "?"'],
    ["cron(0 21 ? * ? *)", 'exactly one of day-of-month and day-of-week must be "?"'],
    ["cron(? 21 * * ? *)", 'minutes cannot be "?"'],
    ["cron(0/x 21 * * ? *)", 'step "/x" must be a whole number'],
  ])("rejects %s", (expression, message) => {
    expect(cronProblem(expression)).toContain(message);
  });
});
