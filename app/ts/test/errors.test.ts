// Every error code maps to the name and message the program gives it.

import assert from "node:assert/strict";
import { test } from "node:test";

import { customErrorCode, errorFromCode, programErrors } from "../src";
import { scenario } from "./fixtures";

for (const recorded of scenario.errors) {
  test(`error ${recorded.code} is ${recorded.name}`, () => {
    const error = errorFromCode(Number(recorded.code));
    assert.ok(error, `code ${recorded.code} unknown to the client`);
    assert.equal(error.name, recorded.name);
    assert.equal(error.message, recorded.message);
  });
}

test("the client knows exactly the program's errors", () => {
  const recorded = scenario.errors.filter((e) => Number(e.code) >= 6000).map((e) => Number(e.code));
  assert.deepEqual(
    programErrors().map((e) => e.code),
    recorded,
  );
  assert.equal(errorFromCode(6000 + recorded.length), undefined, "no code past the last");
});

test("a custom code is found in a transaction error and in simulation logs", () => {
  assert.equal(customErrorCode({ InstructionError: [1, { Custom: 6042 }] }), 6042);
  assert.equal(
    customErrorCode({ logs: ["Program log: AnchorError ...", "Program X failed: custom program error: 0x1771"] }),
    0x1771,
  );
  assert.equal(customErrorCode({ InstructionError: [0, "InvalidAccountData"] }), undefined);
});
