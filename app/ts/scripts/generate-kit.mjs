// Generates the @solana/kit client (src/kit/generated) from the program's
// IDL with Codama's JS renderer. With --check it generates into a temporary
// directory and fails, naming the first file that differs, when the
// committed client is not what the IDL gives (as `riskctl idl --check` does
// for the IDL): `npm test` runs it.
//
// The Codama packages are pinned together at the 1.9 line: from 1.10 on,
// @codama/nodes leaves out empty struct fields, which renderers-js 2.2
// still reads.

import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

import { definedTypeNode, programIdValueNode, programNode, rootNode } from "@codama/nodes";
import { rootNodeFromAnchor } from "@codama/nodes-from-anchor";
import { renderVisitor } from "@codama/renderers-js";
import { visit } from "@codama/visitors-core";
import { resolveConfig } from "prettier";

const PACKAGE = fileURLToPath(new URL("..", import.meta.url));
const IDL = join(PACKAGE, "src/idl/risk_engine.json");
const KIT = join(PACKAGE, "src/kit");
const GENERATED = "generated";

/**
 * The IDL as Codama reads it, with three changes a Kit client needs:
 * - every event becomes a defined type whose codec starts with its
 *   discriminator (the renderer writes no code for events);
 * - the `program` account of `#[event_cpi]` defaults to the instruction's
 *   program address, so a client calling another deployment's id
 *   (`config.programAddress`) does not name the default one;
 * - token programs get no default: a reserve names its own (SPL Token or
 *   Token-2022), and Codama's default (SPL Token) would be wrong for half
 *   of them.
 */
function codamaRoot() {
  const idl = JSON.parse(readFileSync(IDL, "utf8"));
  const root = rootNodeFromAnchor(idl);
  const program = root.program;
  const events = program.events.map((event) =>
    definedTypeNode({ name: event.name, docs: event.docs, type: event.data }),
  );
  const instructions = program.instructions.map((instruction) => ({
    ...instruction,
    accounts: instruction.accounts.map((account) => {
      if (account.name === "program") return { ...account, defaultValue: programIdValueNode() };
      if (/tokenProgram$/i.test(account.name)) {
        const { defaultValue: _dropped, ...rest } = account;
        return rest;
      }
      return account;
    }),
  }));
  return rootNode(
    programNode({ ...program, definedTypes: [...program.definedTypes, ...events], instructions }),
    root.additionalPrograms,
  );
}

/**
 * The one change made to the rendered code. renderers-js 2.2 (the newest
 * the registry has) writes the program plugin for Kit 6.4 to 6.9 and
 * declares its return type as Kit 6 typed `extendClient`; from Kit 6.10 on
 * that type is a mapped one TypeScript cannot match. Leaving the return
 * type to inference compiles on every Kit from 6.5 to 8. The generator
 * fails when the text is not found, so a renderer that no longer needs
 * this says so.
 */
const PLUGIN_FILE = "programs/riskEngine.ts";
const PLUGIN_RETURN_TYPE = `\n  ): Omit<T, "riskEngine"> & { riskEngine: RiskEnginePlugin } => {`;

function inferPluginReturnType(generated) {
  const path = join(generated, PLUGIN_FILE);
  const text = readFileSync(path, "utf8");
  if (!text.includes(PLUGIN_RETURN_TYPE)) {
    throw new Error(
      `${PLUGIN_FILE}: the plugin's return type was not found; is the change in generate-kit.mjs still needed?`,
    );
  }
  writeFileSync(path, text.replace(PLUGIN_RETURN_TYPE, "\n  ) => {"));
}

async function generate(packageFolder) {
  // The package's own formatting, wherever the code is written (the check
  // writes it outside the package, where no configuration would be found).
  const prettierOptions = (await resolveConfig(join(PACKAGE, "package.json"))) ?? {};
  await visit(
    codamaRoot(),
    renderVisitor(packageFolder, {
      prettierOptions,
      generatedFolder: GENERATED,
      deleteFolderBeforeRendering: true,
      syncPackageJson: false,
      // Everything from @solana/kit itself (its program-client-core subpath
      // included): the one peer dependency a Kit user installs.
      kitImportStrategy: "rootOnly",
    }),
  );
  inferPluginReturnType(join(packageFolder, GENERATED));
}

function files(directory) {
  return readdirSync(directory)
    .flatMap((name) => {
      const path = join(directory, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    })
    .sort();
}

/** The first difference between two generated trees, in words; `undefined` when there is none. */
function difference(committed, fresh) {
  const names = (root) => (safeFiles(root) ?? []).map((path) => relative(root, path));
  const had = names(committed);
  const has = names(fresh);
  const missing = has.find((name) => !had.includes(name));
  if (missing) return `${missing} is not committed`;
  const extra = had.find((name) => !has.includes(name));
  if (extra) return `${extra} is committed but no longer generated`;
  for (const name of has) {
    const a = readFileSync(join(committed, name), "utf8").split("\n");
    const b = readFileSync(join(fresh, name), "utf8").split("\n");
    const line = a.findIndex((text, i) => text !== b[i]);
    if (line >= 0 || a.length !== b.length) {
      const at = line >= 0 ? line : Math.min(a.length, b.length);
      return `${name} differs at line ${at + 1}: committed ${JSON.stringify(a[at])}, the IDL gives ${JSON.stringify(b[at])}`;
    }
  }
  return undefined;
}

function safeFiles(directory) {
  try {
    return files(directory);
  } catch {
    return undefined;
  }
}

if (process.argv.includes("--check")) {
  const scratch = mkdtempSync(join(tmpdir(), "risk-engine-kit-"));
  try {
    await generate(scratch);
    const found = difference(join(KIT, GENERATED), join(scratch, GENERATED));
    if (found) {
      console.error(`src/kit/${GENERATED} is not what the IDL gives: ${found}; run \`npm run kit:generate\``);
      process.exit(1);
    }
    console.log(`src/kit/${GENERATED} matches the IDL`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
} else {
  await generate(KIT);
  console.log(`src/kit/${GENERATED} written from src/idl/risk_engine.json`);
}
