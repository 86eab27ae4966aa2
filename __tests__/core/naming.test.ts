import { describe, expect, it } from "vitest";
import { Naming, fit } from "../../src/core/naming";

describe("Naming", () => {
  const naming = new Naming("flashcrowd", "event-dec-flash-sale");

  it("names components {project}-{stack}-{component}", () => {
    expect(naming.name("vpc")).toBe("flashcrowd-event-dec-flash-sale-vpc");
  });

  it("names the workspace {project}-{stack}", () => {
    expect(naming.workspace).toBe("flashcrowd-event-dec-flash-sale");
    expect(Naming.workspace("flashcrowd", "prod")).toBe("flashcrowd-prod");
  });

  it("cuts long names to the limit with a stable hash suffix", () => {
    const name = naming.name("alb-target-group", 32);
    expect(name).toHaveLength(32);
    expect(name).toMatch(/^flashcrowd-event-dec-flas-[0-9a-f]{6}$/);
    expect(naming.name("alb-target-group", 32)).toBe(name);
    expect(naming.name("alb-target-grouq", 32)).not.toBe(name);
  });

  it("never leaves a double hyphen where it cuts", () => {
    expect(fit("abcd-efgh-ijkl-mnop", 12)).toMatch(/^abcd-[0-9a-f]{6}$/);
  });

  it.each([["Upper"], ["under_score"], ["-lead"], ["trail-"], [""]])("rejects the component %j", (component) => {
    expect(() => naming.name(component)).toThrow(/must be lowercase letters, digits and '-'/);
  });
});
