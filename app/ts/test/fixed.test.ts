// The fixed-point helpers against values worked out by hand.

import assert from "node:assert/strict";
import { test } from "node:test";

import { fixed } from "../src";

const bytesOf = (bits: bigint) => {
  const out: number[] = [];
  let v = BigInt.asUintN(128, bits);
  for (let i = 0; i < 16; i++) {
    out.push(Number(v & 0xffn));
    v >>= 8n;
  }
  return out;
};

test("wrapped bytes read back as the bits, negative ones too", () => {
  for (const bits of [0n, 1n, fixed.ONE * 150n, -fixed.ONE / 2n, fixed.MAX]) {
    assert.equal(fixed.fromWrapped({ value: bytesOf(bits) }), bits);
  }
});

test("decimal strings are exact", () => {
  assert.equal(fixed.toDecimalString(fixed.ONE * 3n + fixed.ONE / 4n), "3.25");
  assert.equal(fixed.toDecimalString(-fixed.ONE / 2n), "-0.5");
  assert.equal(fixed.toDecimalString(1n), "0.000000000000003552713678800500929355621337890625");
});

test("rounding follows the program: products down, quotients toward zero, round half away", () => {
  const third = fixed.div(fixed.ONE, fixed.fromInt(3));
  assert.equal(third, fixed.ONE / 3n);
  assert.equal(fixed.mul(third, fixed.fromInt(3)), fixed.ONE - 1n);
  assert.equal(fixed.ceilToInt(fixed.ONE + 1n), 2n);
  assert.equal(fixed.floorToInt(fixed.ONE * 2n - 1n), 1n);
  assert.equal(fixed.roundToInt(fixed.ONE / 2n), 1n);
  assert.equal(fixed.roundToInt(-fixed.ONE / 2n), -1n);
  assert.equal(fixed.sqrt(fixed.fromInt(16)), fixed.fromInt(4));
  assert.equal(fixed.sqrt(-1n), undefined);
  assert.throws(() => fixed.mul(fixed.MAX, fixed.fromInt(2)), /overflow/);
});
