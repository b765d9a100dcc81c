// The README's examples are the ones in examples/, which `npm test`
// compiles (as `npm run check:consumer` compiles them against the packed
// package): what a reader copies works.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";

const PACKAGE = join(__dirname, "..", "..");

/** An example as an integrator writes it: importing the package, not its sources. */
function published(example: string): string {
  return example
    .replace(/from "\.\.\/src\/kit";/g, 'from "@risk-engine/client/kit";')
    .replace(/from "\.\.\/src";/g, 'from "@risk-engine/client";');
}

test("the README shows each example as it is in examples/", () => {
  const readme = readFileSync(join(PACKAGE, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map(([, code]) => code);
  for (const name of ["liquidation-bot.ts", "keeper.ts", "kit-liquidation-bot.ts"]) {
    const example = published(readFileSync(join(PACKAGE, "examples", name), "utf8"));
    assert.ok(blocks.includes(example), `${name} is in the README as it is`);
  }
});
