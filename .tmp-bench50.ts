import { buildApp } from "./src/app";
import { defaultConfigInput, validateConfig } from "./src/config";
import { withCheapStackTraces } from "./src/core/cheap-stack-traces";
const input = structuredClone(defaultConfigInput);
input.events.calendar = Array.from({ length: 50 }, (_, i) => ({
  slug: `bench-event-${i}`, name: `Benchmark event ${i}`,
  opens: `2027-02-${String((i % 28) + 1).padStart(2, "0")}T20:00`, closes: `2027-02-${String((i % 28) + 1).padStart(2, "0")}T23:00`,
  timeZone: "Asia/Seoul", expectedPeakRps: 10000, cidr: `10.${64 + Math.floor(i / 16)}.${(i % 16) * 16}.0/20`,
}));
withCheapStackTraces(() => buildApp(validateConfig(input, process.env), { outdir: "/tmp/b50-" + process.pid }).synth());
