// I80F48, the program's fixed-point number (the `fixed` crate), as a
// bigint of its bits: 80 integer bits, 48 fraction bits, two's complement.
// The operations round exactly as the program's do, so values computed
// here equal the program's bit for bit; a result past the type's range
// throws `FixedOverflow`, where the program fails with `MathOverflow`.

export const FRACTION_BITS = 48n;
export const ONE = 1n << FRACTION_BITS;
const I128_MIN = -(1n << 127n);
const I128_MAX = (1n << 127n) - 1n;
/** The largest I80F48 (`I80F48::MAX`). */
export const MAX = I128_MAX;

/** A result the program's checked operations refuse (`MathOverflow`). */
export class FixedOverflow extends Error {
  constructor(what = "I80F48 overflow") {
    super(what);
    this.name = "FixedOverflow";
  }
}

/** An account's `WrappedI80F48`: 16 little-endian bytes, as either client decodes them. */
export interface Wrapped {
  value: ArrayLike<number>;
}

/** The bits of a `WrappedI80F48`. */
export function fromWrapped(wrapped: Wrapped): bigint {
  const bytes = Array.from(wrapped.value);
  if (bytes.length !== 16) {
    throw new Error(`an I80F48 is 16 bytes, got ${bytes.length}`);
  }
  let bits = 0n;
  for (let i = 15; i >= 0; i--) {
    bits = (bits << 8n) | BigInt(bytes[i]);
  }
  return bits >= 1n << 127n ? bits - (1n << 128n) : bits;
}

/** An integer as I80F48 bits. */
export function fromInt(value: bigint | number): bigint {
  return checked(BigInt(value) << FRACTION_BITS);
}

/** `a × b`, rounded down (the crate's multiplication). */
export function mul(a: bigint, b: bigint): bigint {
  return checked(floorShift(a * b, FRACTION_BITS));
}

/** `a / b`, rounded toward zero (the crate's division). */
export function div(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new FixedOverflow("I80F48 division by zero");
  return checked((a << FRACTION_BITS) / b);
}

/** `a / n` for a whole `n`, rounded toward zero (the crate's `Div<i128>`). */
export function divInt(a: bigint, n: bigint | number): bigint {
  const divisor = BigInt(n);
  if (divisor === 0n) throw new FixedOverflow("I80F48 division by zero");
  return a / divisor;
}

export function floorToInt(a: bigint): bigint {
  return floorShift(a, FRACTION_BITS);
}

export function ceilToInt(a: bigint): bigint {
  return -floorShift(-a, FRACTION_BITS);
}

/** Rounded to the nearest whole, ties away from zero (the crate's `round`). */
export function roundToInt(a: bigint): bigint {
  const half = ONE >> 1n;
  return a >= 0n ? floorShift(a + half, FRACTION_BITS) : -floorShift(-a + half, FRACTION_BITS);
}

export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

export function clamp(a: bigint, low: bigint, high: bigint): bigint {
  return max(low, min(a, high));
}

/** `a + b`, checked (the crate's `checked_add`). */
export function add(a: bigint, b: bigint): bigint {
  return checked(a + b);
}

/** `a - b`, checked (the crate's `checked_sub`). */
export function sub(a: bigint, b: bigint): bigint {
  return checked(a - b);
}

/** `sqrt(a)` rounded down; `undefined` below zero. */
export function sqrt(a: bigint): bigint | undefined {
  if (a < 0n) return undefined;
  return isqrt(a << FRACTION_BITS);
}

/** An approximation for display; exact values stay bigints. */
export function toNumber(a: bigint): number {
  return Number(a) / Number(ONE);
}

/** The exact decimal value (a 48-bit fraction always ends). */
export function toDecimalString(a: bigint): string {
  const negative = a < 0n;
  const magnitude = negative ? -a : a;
  const whole = magnitude >> FRACTION_BITS;
  let fraction = magnitude & (ONE - 1n);
  let digits = "";
  while (fraction !== 0n) {
    fraction *= 10n;
    digits += (fraction >> FRACTION_BITS).toString();
    fraction &= ONE - 1n;
  }
  const text = digits ? `${whole}.${digits}` : whole.toString();
  return negative ? `-${text}` : text;
}

function floorShift(value: bigint, bits: bigint): bigint {
  // bigint `>>` rounds toward minus infinity, as the crate's shifts do.
  return value >> bits;
}

function checked(bits: bigint): bigint {
  if (bits < I128_MIN || bits > I128_MAX) {
    throw new FixedOverflow();
  }
  return bits;
}

/** The integer square root of a whole `n >= 0`, rounded down. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let root = 1n << BigInt(Math.ceil(n.toString(2).length / 2));
  for (;;) {
    const next = (root + n / root) >> 1n;
    if (next >= root) return root;
    root = next;
  }
}
