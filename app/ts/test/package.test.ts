// What `npm pack` puts in the package, and that both entries load as
// CommonJS and as ES modules (`npm test` builds `dist` first).

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

const PACKAGE = join(__dirname, "..", "..");
const manifest = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8"));

function packedFiles(): string[] {
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const run = spawnSync(npm, ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: PACKAGE, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return (JSON.parse(run.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path).sort();
}

test("the tarball holds the build, the manifest and the README, nothing else", () => {
  const files = packedFiles();
  assert.ok(files.includes("README.md") && files.includes("package.json"));
  const strays = files.filter((f) => !f.startsWith("dist/") && f !== "README.md" && f !== "package.json");
  assert.deepEqual(strays, []);
  assert.ok(
    !files.some((f) => /test|fixtures|\.ts$/.test(f.replace(/\.d\.m?ts$/, ""))),
    "no tests, fixtures or sources",
  );
  // Every target of the exports map, and the legacy fields, are in it.
  const targets: string[] = [manifest.main, manifest.module, manifest.types];
  for (const entry of Object.values(manifest.exports as Record<string, unknown>)) {
    JSON.stringify(entry).replace(/"(\.\/[^"]+)"/g, (_, path: string) => (targets.push(path), ""));
  }
  for (const target of targets) {
    assert.ok(files.includes(target.replace(/^\.\//, "")), target);
  }
});

test("the manifest asks consumers for the runtime's types and leaves the Solana libraries to them", () => {
  assert.equal(manifest.private, undefined, "publishable");
  assert.ok(manifest.dependencies["@types/bn.js"], "BN fields typed for consumers");
  for (const peer of ["@anchor-lang/core", "@solana/web3.js", "@solana/kit"]) {
    assert.ok(manifest.peerDependencies[peer], peer);
    assert.equal(manifest.dependencies[peer], undefined, `${peer} is a peer, not a dependency`);
  }
});

test("both entries load as CommonJS and as ES modules, with the same names", async () => {
  for (const entry of ["dist/index", "dist/kit/index"]) {
    const required = require(join(PACKAGE, `${entry}.js`));
    const imported = await import(join(PACKAGE, `${entry}.mjs`));
    assert.deepEqual(
      Object.keys(required).sort(),
      Object.keys(imported)
        .sort()
        .filter((k) => k !== "default"),
      entry,
    );
    assert.equal(typeof required.liquidationQuote, "function", entry);
  }
});

test("the examples compile against the built package by its name, strict, without skipLibCheck", () => {
  // Inside the package, its own name resolves through its exports map to
  // dist/, as it does in an integrator's project.
  const project = join(PACKAGE, "build", "self");
  rmSync(project, { recursive: true, force: true });
  mkdirSync(project, { recursive: true });
  for (const name of readdirSync(join(PACKAGE, "examples"))) {
    const source = readFileSync(join(PACKAGE, "examples", name), "utf8")
      .replace(/from "\.\.\/src\/kit";/g, 'from "@risk-engine/client/kit";')
      .replace(/from "\.\.\/src";/g, 'from "@risk-engine/client";');
    assert.ok(source.includes('"@risk-engine/client'), name);
    writeFileSync(join(project, name), source);
  }
  // The consumer check's settings, without emitting (an output directory
  // here would make TypeScript map the package's own name back to sources).
  const config = JSON.parse(readFileSync(join(PACKAGE, "scripts", "consumer-tsconfig.json"), "utf8"));
  delete config.compilerOptions.outDir;
  config.compilerOptions.noEmit = true;
  writeFileSync(join(project, "tsconfig.json"), JSON.stringify(config));
  const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", project], { encoding: "utf8" });
  assert.equal(tsc.status, 0, tsc.stdout + tsc.stderr);
});
