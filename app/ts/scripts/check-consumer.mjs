// What an integrator does, checked: packs the package, installs the tarball
// and its peer dependencies from the registry in a new TypeScript project,
// compiles the README's examples there under `strict` without
// `skipLibCheck`, and runs a check that the installed package (both
// clients, as CommonJS and as ES modules) quotes the scenario's liquidation
// as the program paid it. Needs the npm registry; `.ci/run` runs it.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE = fileURLToPath(new URL("..", import.meta.url));
const manifest = JSON.parse(readFileSync(join(PACKAGE, "package.json"), "utf8"));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, stdio: ["ignore", "pipe", "inherit"], encoding: "utf8" });

/** The check the consumer runs: both clients' quotes of the scenario's liquidation against what the program paid. */
const QUOTE_CHECK = `import { readFileSync } from "node:fs";

import * as anchor from "@risk-engine/client";
import * as kit from "@risk-engine/client/kit";

const scenario = JSON.parse(readFileSync(process.argv[2], "utf8"));
const c = scenario.quotes[0];
const bytes = (base64: string) => Buffer.from(base64, "base64");
const paid = scenario.events.find((e: { name: string }) => e.name === "Liquidated").fields;
const now = BigInt(c.now);
const options = { toleranceBps: Number(c.toleranceBps) };
const quotes = {
  Anchor: anchor.liquidationQuote(
    {
      position: anchor.decodePosition(bytes(c.position)),
      collateral: anchor.decodeReserve(bytes(c.collateralReserve)),
      collateralUpdate: anchor.decodePriceUpdate(bytes(c.collateralPrice)),
      debt: anchor.decodeReserve(bytes(c.debtReserve)),
      debtUpdate: anchor.decodePriceUpdate(bytes(c.debtPrice)),
      market: anchor.decodeMarket(bytes(c.market)),
      now,
    },
    options,
  ),
  Kit: kit.liquidationQuote(
    {
      position: kit.decodeAccount("position", bytes(c.position)),
      collateral: kit.decodeAccount("reserve", bytes(c.collateralReserve)),
      collateralUpdate: kit.decodePriceUpdate(bytes(c.collateralPrice)),
      debt: kit.decodeAccount("reserve", bytes(c.debtReserve)),
      debtUpdate: kit.decodePriceUpdate(bytes(c.debtPrice)),
      market: kit.decodeAccount("market", bytes(c.market)),
      now,
    },
    options,
  ),
};
for (const [client, { outcome }] of Object.entries(quotes)) {
  const quoted = [outcome.repaid, outcome.seized, outcome.split.toLiquidator, outcome.split.protocolFee, outcome.deficit].map(String);
  const program = [paid.repaid, paid.seized, paid.to_liquidator, paid.protocol_fee, paid.deficit];
  if (quoted.join() !== program.join()) {
    console.error(\`\${client} client: quoted \${quoted.join(", ")}, the program paid \${program.join(", ")}\`);
    process.exit(1);
  }
  console.log(
    \`\${client} client quotes what the program paid: repaid \${anchor.formatTokens(outcome.repaid, 6, "USDC")}, \` +
      \`seized \${anchor.formatTokens(outcome.seized, 9, "SOL")}, deficit \${anchor.formatTokens(outcome.deficit, 6, "USDC")}\`,
  );
}
`;

/** An integrator's settings: strict, modern resolution, no `skipLibCheck` (shared with the package's test). */
const TSCONFIG = readFileSync(join(PACKAGE, "scripts", "consumer-tsconfig.json"), "utf8");

const scratch = mkdtempSync(join(tmpdir(), "risk-engine-consumer-"));
try {
  execFileSync(npm, ["run", "build"], { cwd: PACKAGE, stdio: "inherit" });
  const packed = run(npm, ["pack", "--json", "--ignore-scripts", "--pack-destination", scratch], PACKAGE);
  const [{ filename }] = JSON.parse(packed);
  const project = join(scratch, "consumer");
  mkdirSync(project);
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "commonjs" }, null, 2),
  );
  const peers = Object.entries(manifest.peerDependencies).map(([name, range]) => `${name}@${range}`);
  const dev = ["typescript", "@types/node"].map((name) => `${name}@${manifest.devDependencies[name]}`);
  console.log(`installing ${filename} with ${[...peers, ...dev].join(", ")}`);
  run(npm, ["install", "--no-audit", "--no-fund", join(scratch, filename), ...peers, ...dev], project);
  // The README's examples, as a reader copies them.
  const readme = readFileSync(join(PACKAGE, "README.md"), "utf8");
  const examples = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map(([, code]) => code)
    .filter((code) => code.includes('from "@risk-engine/client') && code.includes("async function main()"));
  if (examples.length < 3)
    throw new Error(`the README has ${examples.length} complete examples, not the bot, the keeper and the Kit bot`);
  examples.forEach((code, i) => writeFileSync(join(project, `example${i + 1}.ts`), code));
  writeFileSync(join(project, "quote-check.ts"), QUOTE_CHECK);
  writeFileSync(join(project, "tsconfig.json"), TSCONFIG);
  run(join(project, "node_modules", ".bin", "tsc"), ["-p", "."], project);
  console.log(
    `the README's ${examples.length} examples compile against the packed package, strict, without skipLibCheck`,
  );
  process.stdout.write(
    run(process.execPath, [join("out", "quote-check.js"), join(PACKAGE, "fixtures", "scenario.json")], project),
  );
  // The ES module builds load too, with the same names.
  const esm = `const a = await import("@risk-engine/client"); const k = await import("@risk-engine/client/kit");
if (typeof a.liquidationQuote !== "function" || typeof k.getLiquidateInstruction !== "function") process.exit(1);`;
  run(process.execPath, ["--input-type=module", "-e", esm], project);
  console.log("both entries load as ES modules");
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
