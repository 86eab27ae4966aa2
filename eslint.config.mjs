// Lint: typescript-eslint's recommended rules plus the project's own: provider packages are
// imported by deep path only (the barrels cost seconds and hundreds of MB on every synth).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

const PROVIDER_BARRELS = ["@cdktf/provider-aws", "@cdktf/provider-kubernetes", "@cdktf/provider-helm", "@cdktf/provider-tfe"];

export default tseslint.config(
  { ignores: ["node_modules/", "cdktf.out/", ".tmp/", "coverage/", "**/*.d.ts"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts", "**/*.mts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: PROVIDER_BARRELS.map((name) => ({
            name,
            message: `Import the resource by deep path, e.g. "${name}/lib/<resource>": the barrel loads every resource of the provider.`,
          })),
          patterns: [
            {
              regex: "^@cdktf/provider-(aws|kubernetes|helm|tfe)/lib/?$",
              message: "Import the resource by deep path (lib/<resource>), not the lib barrel.",
            },
          ],
        },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { require: "readonly", process: "readonly", module: "writable", __dirname: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
