import { describe, expect, it } from "vitest";
import { buildTableMappings, sourceSchemasOf, type DmsTableMapping } from "../../../modules/data/dms-table-mappings";
import { configWith } from "../../helpers/config";

const map = (source: string, target: string): DmsTableMapping => {
  const [ss, st] = source.split(".");
  const [ts, tt] = target.split(".");
  return { source: { schema: ss!, table: st! }, target: { schema: ts!, table: tt! } };
};

describe("buildTableMappings", () => {
  it("selects exactly the configured event tables", () => {
    const { rules } = buildTableMappings(configWith().events.platform.dms.tableMappings);
    const selections = rules.filter((r) => r["rule-type"] === "selection");
    expect(selections.map((r) => r["object-locator"])).toEqual([
      { "schema-name": "sale", "table-name": "orders" },
      { "schema-name": "sale", "table-name": "order_items" },
      { "schema-name": "sale", "table-name": "payments" },
    ]);
    expect(selections.every((r) => r["rule-action"] === "include")).toBe(true);
  });

  it("renames the event schema into the prod schema with one rule", () => {
    const { rules } = buildTableMappings(configWith().events.platform.dms.tableMappings);
    expect(rules.filter((r) => r["rule-type"] === "transformation")).toEqual([
      expect.objectContaining({ "rule-target": "schema", "object-locator": { "schema-name": "sale" }, "rule-action": "rename", value: "shop" }),
    ]);
  });

  it("renames a table only where the prod table is named differently", () => {
    const { rules } = buildTableMappings([map("sale.orders", "shop.orders"), map("sale.sale_payments", "shop.payments")]);
    const tableRenames = rules.filter((r) => r["rule-type"] === "transformation" && r["rule-target"] === "table");
    expect(tableRenames).toEqual([
      expect.objectContaining({ "object-locator": { "schema-name": "sale", "table-name": "sale_payments" }, value: "payments" }),
    ]);
  });

  it("states the target schema even when it has the same name", () => {
    const { rules } = buildTableMappings([map("shop.orders", "shop.orders")]);
    expect(rules).toContainEqual(expect.objectContaining({ "rule-target": "schema", "object-locator": { "schema-name": "shop" }, value: "shop" }));
  });

  it("gives every rule a unique id and name", () => {
    const { rules } = buildTableMappings([map("sale.orders", "shop.orders"), map("sale.items", "shop.order_items"), map("cart.carts", "shop_carts.carts")]);
    expect(new Set(rules.map((r) => r["rule-id"])).size).toBe(rules.length);
    expect(new Set(rules.map((r) => r["rule-name"])).size).toBe(rules.length);
  });

  it.each<[string, DmsTableMapping[], RegExp]>([
    ["no tables", [], /at least one table is needed/],
    ["a selection without a target", [{ source: { schema: "sale", table: "orders" } } as DmsTableMapping], /every selected table needs a source and a target/],
    ["a wildcard", [map("sale.%", "shop.orders")], /must be plain identifiers, no wildcards/],
    ["a table selected twice", [map("sale.orders", "shop.orders"), map("sale.orders", "shop.orders2")], /sale.orders is selected twice/],
    ["two tables into one prod table", [map("sale.orders", "shop.orders"), map("sale.orders2", "shop.orders")], /shop.orders is the target of two event tables/],
    ["one schema into two prod schemas", [map("sale.orders", "shop.orders"), map("sale.payments", "billing.payments")], /schema sale goes to both shop and billing/],
  ])("refuses %s", (_name, mappings, error) => {
    expect(() => buildTableMappings(mappings)).toThrow(error);
  });
});

describe("sourceSchemasOf", () => {
  it("lists each event schema once, for the DMS source user's grants", () => {
    expect(sourceSchemasOf([map("sale.orders", "shop.orders"), map("cart.carts", "shop_carts.carts"), map("sale.payments", "shop.payments")])).toEqual(["sale", "cart"]);
  });
});
