//! The operations a random sequence is made of, drawn from a seed. An
//! operation names actors and reserves by index and amounts as shares of
//! what is there, so it means something whatever came before it: a
//! sequence with operations removed (while shrinking) still runs.

use riskctl::history::random::Random;

/// Actors: 0..SUPPLIERS supply, the next ones borrow, the last ones liquidate;
/// anyone may repay or attempt anything.
pub const ACTORS: u8 = 6;
/// Reserves: market A's SOL (SPL Token) and USDC (Token-2022), then market B's.
pub const RESERVES: u8 = 4;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    /// `permille` of a thousandth of the actor's balance (at least one unit).
    Supply {
        actor: u8,
        reserve: u8,
        permille: u16,
    },
    /// `permille` of what the shares are worth; 1,000 withdraws everything.
    Withdraw {
        actor: u8,
        reserve: u8,
        permille: u16,
    },
    /// A position in `market` (0 or 1): SOL against USDC, or USDC against SOL.
    Open {
        actor: u8,
        market: u8,
        usdc_collateral: bool,
    },
    Deposit {
        position: u8,
        permille: u16,
    },
    WithdrawCollateral {
        position: u8,
        permille: u16,
    },
    /// Borrows up to `permille_of_max` of the max LTV in use (above it
    /// too, which must be refused).
    Borrow {
        position: u8,
        permille_of_max: u16,
    },
    /// Anyone repays `permille` of a position's debt; 1,000 repays it all.
    Repay {
        position: u8,
        payer: u8,
        permille: u16,
    },
    /// An attempt, healthy position or not; a liquidator that posts its
    /// own price update (`fresh`) publishes the current prices first.
    Liquidate {
        position: u8,
        liquidator: u8,
        permille: u16,
        fresh: bool,
    },
    /// Prices move (calm, crash, jump or recovery), are published now and
    /// every reserve is refreshed; `to_slot` first moves the clock to the
    /// next sample slot's start, where the calibration counts the price.
    Keeper {
        regime: u8,
        to_slot: bool,
    },
    Depth {
        reserve: u8,
        depth_quote: u32,
    },
    Wait {
        secs: u32,
    },
    /// New bounds for a reserve, valid or not.
    Bounds {
        reserve: u8,
        lt_min_bps: u16,
        spread_bps: u16,
        tighten: u16,
        loosen: u16,
    },
    /// The guardian adds flags or the authority sets them.
    Pause {
        market: u8,
        flags: u8,
        by_guardian: bool,
    },
    ClaimFees {
        reserve: u8,
    },
    /// Anyone writes off a position's debt (most attempts at the unhealthy
    /// position with the least collateral), with prices published first
    /// when `fresh`.
    WriteOff {
        position: u8,
        fresh: bool,
    },
    /// Governance sets a reserve's minimum borrow value, whole dollars.
    MinBorrow {
        reserve: u8,
        value: u32,
    },
    ClosePosition {
        position: u8,
    },
    CloseLender {
        actor: u8,
        reserve: u8,
    },
}

/// `count` operations drawn from `seed`, weighted toward what moves money.
pub fn draw(seed: u64, count: usize) -> Vec<Op> {
    let mut r = Random::new(seed);
    let mut pick = |n: u32| r.below(n as usize) as u32;
    (0..count)
        .map(|_| {
            let (a, b, c, d, e) = (pick(256), pick(256), pick(1_001), pick(1_001), pick(1_001));
            match pick(100) {
                13 => Op::WriteOff {
                    position: a as u8,
                    fresh: e % 4 != 0,
                },
                0..=12 => Op::Keeper {
                    regime: (a % 11) as u8,
                    to_slot: b % 3 != 0,
                },
                14..=25 | 80..=82 => Op::Borrow {
                    position: a as u8,
                    // Mostly near the max LTV, where liquidations come from.
                    permille_of_max: (700 + c * 2 / 5) as u16,
                },
                26..=35 => Op::Supply {
                    actor: (a % ACTORS as u32) as u8,
                    reserve: (b % RESERVES as u32) as u8,
                    permille: c as u16,
                },
                36..=42 => Op::Withdraw {
                    actor: (a % ACTORS as u32) as u8,
                    reserve: (b % RESERVES as u32) as u8,
                    permille: if d > 800 { 1_000 } else { c as u16 },
                },
                43..=50 => Op::Deposit {
                    position: a as u8,
                    permille: c as u16,
                },
                51..=58 => Op::Repay {
                    position: a as u8,
                    payer: (b % ACTORS as u32) as u8,
                    permille: if d > 700 { 1_000 } else { c as u16 },
                },
                59..=68 => Op::Liquidate {
                    position: a as u8,
                    liquidator: (b % ACTORS as u32) as u8,
                    permille: if d > 500 { 1_000 } else { c as u16 },
                    fresh: e % 4 != 0,
                },
                69..=76 => Op::Wait {
                    secs: match c % 10 {
                        0 => 3_600 * (1 + d % 12),
                        1..=3 => 60 + d,
                        _ => 1 + d % 30,
                    },
                },
                77..=79 => Op::Open {
                    actor: (a % ACTORS as u32) as u8,
                    market: (b % 2) as u8,
                    usdc_collateral: c % 3 == 0,
                },
                83..=86 => Op::WithdrawCollateral {
                    position: a as u8,
                    permille: c as u16,
                },
                87..=88 => Op::Bounds {
                    reserve: (a % RESERVES as u32) as u8,
                    lt_min_bps: (5_000 + c * 3) as u16,
                    spread_bps: (d * 2) as u16,
                    tighten: (1 + e) as u16,
                    loosen: (1 + b) as u16,
                },
                89 => Op::Pause {
                    market: (a % 2) as u8,
                    // The authority mostly lifts pauses the guardian set.
                    flags: if c % 3 == 0 || d % 4 == 0 {
                        (b % 8) as u8
                    } else {
                        0
                    },
                    by_guardian: c % 4 == 0,
                },
                90..=92 => Op::Depth {
                    reserve: (a % RESERVES as u32) as u8,
                    depth_quote: 1 + c * 10_000,
                },
                93..=95 => Op::ClaimFees {
                    reserve: (a % RESERVES as u32) as u8,
                },
                96 => Op::ClosePosition { position: a as u8 },
                97 => Op::MinBorrow {
                    reserve: (a % RESERVES as u32) as u8,
                    value: if c % 3 == 0 { 0 } else { d % 50 },
                },
                _ => Op::CloseLender {
                    actor: (a % ACTORS as u32) as u8,
                    reserve: (b % RESERVES as u32) as u8,
                },
            }
        })
        .collect()
}
