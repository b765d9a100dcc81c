// The package's build: the Anchor client (`.`) and the Kit client (`./kit`)
// as ES modules and CommonJS, each with its declarations, the peer
// dependencies left out of the bundles.

import { defineConfig } from "tsup";

export default defineConfig({
  entry: { index: "src/index.ts", "kit/index": "src/kit/index.ts" },
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  outDir: "dist",
  // Both entries share the program's computations; one copy of each class
  // (`ProgramRefusal`, ...) per module format.
  splitting: true,
  external: ["@anchor-lang/core", "@solana/web3.js", "@solana/kit", "bn.js"],
  outExtension: ({ format }) => ({ js: format === "esm" ? ".mjs" : ".js" }),
});
