import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const root = fileURLToPath(new URL(".", import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\//, replacement: `${root}` },
      // `server-only` throws outside the react-server condition; tests import server modules directly.
      { find: /^server-only$/, replacement: `${root}test/support/empty-module.ts` },
    ],
  },
  test: {
    reporters: ["default"],
    teardownTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          environment: "node",
          include: ["lib/**/*.test.ts", "components/**/*.test.{ts,tsx}"],
          exclude: ["**/node_modules/**", "**/__integration__/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          environment: "node",
          include: ["test/integration/**/*.test.ts", "lib/**/__integration__/**/*.test.ts"],
          globalSetup: ["test/support/global-setup.ts"],
          // One sandbox daemon is shared by every file: run them one after another.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
