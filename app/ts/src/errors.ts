// Every error code a transaction to the program can fail with: the
// program's own (from the IDL, 6000 and up) and Anchor's account checks.

import { LangErrorCode, LangErrorMessage } from "@anchor-lang/core";

import { ProgramErrorInfo, programErrorOfCode } from "./core/errors";

/**
 * Anchor errors the program (anchor-lang 1.2.2) raises that
 * `@anchor-lang/core`'s table lacks or words differently; the Rust
 * messages win, since those are what the program logs. The tests compare
 * every one of Anchor's 82 errors with the program's.
 */
const ANCHOR_1_2_2: [number, string, string][] = [
  [1001, "IdlInstructionInvalidProgram", "Invalid program given to the IDL instruction"],
  [2040, "ConstraintDuplicateMutableAccount", "A duplicate mutable account constraint was violated"],
  [2041, "AccountAlreadyMigrated", "Account is already migrated"],
  [2042, "AccountNotMigrated", "Account must be migrated before exiting"],
  [2043, "ConstraintMintPausableExtension", "A pausable extension constraint was violated"],
  [2044, "ConstraintMintPausableAuthority", "A pausable extension authority constraint was violated"],
  [4102, "InvalidNumericConversion", "Error during numeric conversion"],
];

const ANCHOR_ERRORS = new Map<number, ProgramErrorInfo>([
  ...Object.entries(LangErrorCode).map(([camelName, code]): [number, ProgramErrorInfo] => [
    code,
    {
      code,
      // Anchor's Rust names are PascalCase; its TypeScript table camelCase.
      name: camelName.charAt(0).toUpperCase() + camelName.slice(1),
      message: LangErrorMessage.get(code) ?? camelName,
      source: "anchor",
    },
  ]),
  ...ANCHOR_1_2_2.map(([code, name, message]): [number, ProgramErrorInfo] => [
    code,
    { code, name, message, source: "anchor" },
  ]),
]);

/** The error behind a custom error code, or `undefined` for a code neither the program nor Anchor uses. */
export function errorFromCode(code: number): ProgramErrorInfo | undefined {
  return programErrorOfCode(code) ?? ANCHOR_ERRORS.get(code);
}

/**
 * The custom code in a transaction error as web3.js reports it
 * (`{ InstructionError: [index, { Custom: code }] }`), or in a
 * `SendTransactionError`'s logs (`custom program error: 0x1771`).
 */
export function customErrorCode(error: unknown): number | undefined {
  const instructionError = (error as { InstructionError?: [number, unknown] })?.InstructionError;
  const custom = (instructionError?.[1] as { Custom?: number } | undefined)?.Custom;
  if (typeof custom === "number") return custom;
  const logs: string[] = (error as { logs?: string[] })?.logs ?? [];
  for (const line of logs) {
    const match = /custom program error: (0x[0-9a-f]+)/i.exec(line);
    if (match) return Number.parseInt(match[1], 16);
  }
  return undefined;
}
