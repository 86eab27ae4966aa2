/**
 * Checks AWS cron expressions (`cron(min hour day-of-month month day-of-week year)`), the dialect
 * EventBridge Scheduler and AWS Backup share, so a bad schedule fails at synth and not at apply.
 *
 * Written here rather than taken from a library: the cron packages on npm parse the five- or
 * six-field Unix/Quartz dialects, which differ from AWS's (mandatory year, `?` in exactly one of
 * the day fields, `L`/`W`/`#`, 1 = Sunday); the check is a field-by-field range test.
 */

interface FieldRule {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** Names accepted in place of numbers (JAN..DEC, SUN..SAT), mapped to their numbers. */
  readonly names?: readonly string[];
  /** Extra single-token forms the field accepts beyond numbers, ranges, lists and steps. */
  readonly special?: RegExp;
  readonly question?: boolean;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const FIELDS: readonly FieldRule[] = [
  { name: "minutes", min: 0, max: 59 },
  { name: "hours", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31, special: /^(L|LW|\d{1,2}W)$/, question: true },
  { name: "month", min: 1, max: 12, names: MONTHS },
  { name: "day-of-week", min: 1, max: 7, names: DAYS, special: /^([1-7]|SUN|MON|TUE|WED|THU|FRI|SAT)(L|#[1-5])$|^L$/, question: true },
  { name: "year", min: 1970, max: 2199 },
];

/** Returns what is wrong with an AWS cron expression, or undefined when it is well-formed. */
export function cronProblem(expression: string): string | undefined {
  const m = /^cron\((.*)\)$/.exec(expression.trim());
  if (!m) return `"${expression}" is not an AWS cron expression; write cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 21 ? * MON-FRI *)`;
  const fields = m[1]!.trim().split(/\s+/);
  if (fields.length !== 6) {
    return `"${expression}" has ${fields.length} fields; AWS cron needs 6 (minutes hours day-of-month month day-of-week year), e.g. cron(0 21 ? * MON-FRI *)`;
  }
  for (let i = 0; i < FIELDS.length; i++) {
    const problem = fieldProblem(fields[i]!, FIELDS[i]!);
    if (problem) return `"${expression}": ${FIELDS[i]!.name} ${problem}`;
  }
  const [, , dayOfMonth, , dayOfWeek] = fields;
  if ((dayOfMonth === "?") === (dayOfWeek === "?")) {
    return `"${expression}": exactly one of day-of-month and day-of-week must be "?" (e.g. cron(0 8 ? * MON-FRI *) or cron(0 3 * * ? *))`;
  }
  return undefined;
}

function fieldProblem(field: string, rule: FieldRule): string | undefined {
  if (field === "?") return rule.question ? undefined : `cannot be "?" (only the day fields can)`;
  if (rule.special?.test(field.toUpperCase())) return undefined;
  for (const part of field.split(",")) {
    const [range, step, ...rest] = part.split("/");
    if (rest.length > 0 || range === undefined || range === "") return `"${field}" is not a valid value`;
    if (step !== undefined && !/^\d+$/.test(step)) return `step "/${step}" must be a whole number`;
    if (range === "*") continue;
    const bounds = range.split("-");
    if (bounds.length > 2) return `"${range}" is not a valid range`;
    const values = bounds.map((b) => valueOf(b, rule));
    if (values.some((v) => v === undefined)) {
      return `"${range}" is outside ${rule.min}-${rule.max}${rule.names ? ` (or ${rule.names[0]}-${rule.names[rule.names.length - 1]})` : ""}`;
    }
  }
  return undefined;
}

function valueOf(token: string, rule: FieldRule): number | undefined {
  const named = rule.names?.indexOf(token.toUpperCase()) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^\d+$/.test(token)) return undefined;
  const n = Number(token);
  return n >= rule.min && n <= rule.max ? n : undefined;
}
