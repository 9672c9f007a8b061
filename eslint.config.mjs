import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "dockerode", message: "Only lib/docker/ talks to the daemon." }],
        },
      ],
    },
  },
  {
    files: ["lib/docker/**"],
    rules: { "no-restricted-imports": "off" },
  },
  globalIgnores([".next/**", "node_modules/**", ".sandbox*/**", ".data/**", "test-results/**", "playwright-report/**", "next-env.d.ts"]),
]);
