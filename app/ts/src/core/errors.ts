// The program's errors, from its IDL, and the refusal this package throws
// where the program would refuse an instruction.

import idl from "../idl/risk_engine.json";

export interface ProgramErrorInfo {
  code: number;
  /** The Rust variant's name (`MaxLtvExceeded`, `ConstraintSeeds`). */
  name: string;
  message: string;
  source: "risk-engine" | "anchor";
}

const PROGRAM_ERRORS: ReadonlyMap<number, ProgramErrorInfo> = new Map(
  idl.errors.map((e): [number, ProgramErrorInfo] => [
    e.code,
    { code: e.code, name: e.name, message: e.msg ?? e.name, source: "risk-engine" },
  ]),
);

/** Every program error, in code order. */
export function programErrors(): ProgramErrorInfo[] {
  return [...PROGRAM_ERRORS.values()].sort((a, b) => a.code - b.code);
}

/** The program's error of that code, if it has one. */
export function programErrorOfCode(code: number): ProgramErrorInfo | undefined {
  return PROGRAM_ERRORS.get(code);
}

/** The program's error named `name` (`PositionHealthy`). */
export function programError(name: string): ProgramErrorInfo {
  const error = programErrors().find((e) => e.name === name);
  if (!error) throw new Error(`the IDL has no error ${name}`);
  return error;
}

/** What the program would answer an instruction with, found before sending it. */
export class ProgramRefusal extends Error {
  constructor(public readonly error: ProgramErrorInfo) {
    super(`${error.name}: ${error.message}`);
    this.name = "ProgramRefusal";
  }
}
