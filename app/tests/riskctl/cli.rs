//! The `riskctl` binary: the commands a person types, their output, and a
//! clear message with a non-zero exit for bad input, never a panic.

use std::path::Path;
use std::process::{Command, Output};

use anchor_lang::prelude::Pubkey;
use solana_sdk::signature::Keypair;

use crate::riskctl::harness::{assert_html_columns, localnet, repo_file};

fn riskctl(args: &[&str]) -> Output {
    riskctl_in(&repo_file(""), args)
}

/// Runs the binary from `directory`, as an installed `riskctl` would run.
fn riskctl_in(directory: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_riskctl"))
        .args(args)
        .current_dir(directory)
        .env_remove("RISKCTL_URL")
        .env_remove("RISKCTL_KEYPAIR")
        .env_remove("RISKCTL_PROGRAM_ID")
        .output()
        .expect("riskctl runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Fails with exit code 1 and `expected` in its message, without a panic.
fn assert_refused(args: &[&str], expected: &str) {
    let output = riskctl(args);
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{args:?}: {err}");
    assert!(err.contains(expected), "{args:?}: {err}");
    assert!(!err.contains("panicked"), "{args:?}: {err}");
}

fn write_keypair(path: &Path) {
    let bytes = Keypair::new().to_bytes().to_vec();
    std::fs::write(path, serde_json::to_string(&bytes).unwrap()).unwrap();
}

fn temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("riskctl-{}-{name}", std::process::id()))
}

#[test]
fn commands_run_end_to_end_on_the_embedded_bank() {
    let deploy = riskctl(&["deploy"]);
    assert!(deploy.status.success(), "{}", stderr(&deploy));
    assert!(
        stdout(&deploy).contains("applied 10 change(s)"),
        "{}",
        stdout(&deploy)
    );

    let show = riskctl(&["show", "reserve", "SOL", "--json"]);
    assert!(show.status.success(), "{}", stderr(&show));
    let json: serde_json::Value = serde_json::from_str(&stdout(&show)).unwrap();
    assert_eq!(json["bounds"]["lt_max"], 8_800);

    let keeper = riskctl(&["keeper", "--once"]);
    assert!(
        stdout(&keeper).contains("keeper pass: 3 refreshed, 0 up to date"),
        "{}",
        stdout(&keeper)
    );

    let liquidator = riskctl(&["liquidator", "--once"]);
    assert!(
        stdout(&liquidator).contains("liquidator pass: 0 positions"),
        "{}",
        stdout(&liquidator)
    );

    let gov = riskctl(&["gov", "set-bounds", "SOL", "lt_max=86%"]);
    assert!(gov.status.success(), "{}", stderr(&gov));
    assert!(
        stdout(&gov).contains("lt_max: 88.00 % -> 86.00 %"),
        "{}",
        stdout(&gov)
    );

    let keypair = temp("operator.json");
    write_keypair(&keypair);
    let with_key = riskctl(&["--keypair", keypair.to_str().unwrap(), "show", "market"]);
    assert!(with_key.status.success(), "{}", stderr(&with_key));
    std::fs::remove_file(keypair).ok();
}

#[test]
fn simulate_prints_its_summary_and_writes_its_report() {
    let report = temp("simulate.html");
    let output = riskctl(&[
        "simulate",
        "--borrowers",
        "8",
        "--max-steps",
        "130",
        "--report",
        report.to_str().unwrap(),
    ]);
    let out = stdout(&output);
    assert!(output.status.success(), "{}", stderr(&output));
    for line in [
        "steps replayed",
        "liquidations",
        "bad debt",
        "debt vault vs books",
        "balanced",
    ] {
        assert!(out.contains(line), "{line}: {out}");
    }
    assert!(
        out.contains(&format!("report: {}", report.display())),
        "{out}"
    );
    assert!(
        stderr(&output).contains("replaying prices: 130/130 steps"),
        "progress: {}",
        stderr(&output)
    );
    assert!(std::fs::read_to_string(&report).unwrap().contains("<svg"));
    let steps: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report.with_extension("json")).unwrap())
            .unwrap();
    assert_eq!(steps["steps"].as_array().unwrap().len(), 130);
    std::fs::remove_file(&report).ok();
    std::fs::remove_file(report.with_extension("json")).ok();
}

/// An installed binary run where there is no `migrations/localnet.toml`
/// uses the deployment built into it, and says so.
#[test]
fn without_a_deployment_file_the_built_in_localnet_is_used() {
    let empty = temp("empty-dir");
    std::fs::create_dir_all(&empty).unwrap();
    let simulate = riskctl_in(
        &empty,
        &["simulate", "--borrowers", "4", "--max-steps", "80"],
    );
    assert!(simulate.status.success(), "{}", stderr(&simulate));
    assert!(
        stderr(&simulate).contains(
            "note: no migrations/localnet.toml here and no --config: using the localnet deployment built into riskctl"
        ),
        "{}",
        stderr(&simulate)
    );
    assert!(
        stdout(&simulate).contains("balanced"),
        "{}",
        stdout(&simulate)
    );
    assert!(empty.join("target/riskctl/simulate.html").exists());

    let show = riskctl_in(&empty, &["show", "reserve", "SOL", "--json"]);
    assert!(show.status.success(), "{}", stderr(&show));
    let json: serde_json::Value = serde_json::from_str(&stdout(&show)).unwrap();
    assert_eq!(json["bounds"]["lt_max"], 8_800);

    // A --config that names a missing file is an error, never the fallback.
    let missing = riskctl_in(&empty, &["show", "market", "--config", "nowhere.toml"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(
        stderr(&missing).contains("cannot read nowhere.toml"),
        "{}",
        stderr(&missing)
    );
    std::fs::remove_dir_all(&empty).ok();
}

#[test]
fn bad_input_gets_a_clear_message_and_a_non_zero_exit() {
    let malformed = temp("malformed.toml");
    std::fs::write(&malformed, "cluster = \"x\"\n[market\n").unwrap();
    let bad_key = temp("bad-key.json");
    std::fs::write(&bad_key, "[1, 2, 3]").unwrap();
    let good_key = temp("good-key.json");
    write_keypair(&good_key);
    let unknown_mint = temp("unknown-mint.toml");
    let text = std::fs::read_to_string(localnet()).unwrap().replace(
        "presets_from = \"presets.toml\"",
        &format!(
            "presets_from = \"{}\"",
            repo_file("migrations/presets.toml").display()
        ),
    );
    let first_create = "mint = \"create\"\ndecimals = 9\ntoken_program = \"spl-token\"";
    assert!(text.contains(first_create));
    std::fs::write(
        &unknown_mint,
        text.replacen(
            first_create,
            "mint = \"7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU\"\ndecimals = 9",
            1,
        ),
    )
    .unwrap();
    let path = |p: &Path| p.to_str().unwrap().to_string();

    assert_refused(
        &["--program-id", "testnet", "show", "market"],
        "--program-id: \"testnet\" is neither an address nor a cluster of Anchor.toml",
    );
    let elsewhere = Pubkey::new_unique().to_string();
    assert_refused(
        &["--program-id", &elsewhere, "show", "market"],
        "the embedded bank runs the program at the id compiled into it",
    );
    // A cluster's id that is the compiled-in one runs on the bank as usual.
    let localnet_id = riskctl(&["--program-id", "localnet", "show", "market"]);
    assert!(localnet_id.status.success(), "{}", stderr(&localnet_id));
    assert_refused(
        &["--config", "migrations/nope.toml", "deploy"],
        "cannot read migrations/nope.toml",
    );
    assert_refused(
        &["--config", &path(&malformed), "deploy"],
        "TOML parse error at line 2",
    );
    assert_refused(
        &["--config", &path(&unknown_mint), "deploy"],
        "mint 7xKXtg2CW87d97TXJSDpbD5jBkheTqA83TZRuJosgAsU does not exist",
    );
    assert_refused(
        &["--config", "migrations/devnet.toml", "deploy"],
        "no Pyth price account for feed",
    );
    assert_refused(
        &["gov", "set-bounds", "SOL", "lt_max=99.5%"],
        "ThresholdBoundsInvalid",
    );
    assert_refused(
        &["gov", "set-bounds", "DOGE", "lt_max=80%"],
        "neither a reserve address nor a symbol",
    );
    assert_refused(
        &["liquidator", "--once", "--tolerance", "0.5"],
        "--tolerance: \"0.5\" needs a unit",
    );
    assert_refused(
        &["--keypair", &path(&bad_key), "show", "market"],
        "is not a Solana keypair file",
    );
    assert_refused(
        &["--keypair", "/nonexistent/id.json", "show", "market"],
        "keypair file /nonexistent/id.json does not exist",
    );
    assert_refused(
        &[
            "--url",
            "http://127.0.0.1:9",
            "--keypair",
            &path(&good_key),
            "--rpc-attempts",
            "1",
            "show",
            "market",
        ],
        "cannot reach http://127.0.0.1:9",
    );
    assert_refused(
        &[
            "--url",
            "http://127.0.0.1:9",
            "--keypair",
            &path(&good_key),
            "simulate",
        ],
        "simulate runs on the embedded bank only",
    );
    assert_refused(
        &["simulate", "--prices", &path(&malformed)],
        "line 1: unknown columns",
    );
    for file in [malformed, bad_key, good_key, unknown_mint] {
        std::fs::remove_file(file).ok();
    }
    // A usage error is clap's: exit code 2 and the usage line.
    let usage = riskctl(&["gov", "set-bounds"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn backtest_and_calibrate_print_their_figures_and_write_their_reports() {
    let btc = "data/prices/btc-usd-daily-2011-2021.csv";
    let report = temp("backtest.html");
    let output = riskctl(&[
        "backtest",
        "--prices",
        btc,
        "--static",
        "90%",
        "--report",
        report.to_str().unwrap(),
    ]);
    let out = stdout(&output);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        out.contains(
            "3789 steps of data/prices/btc-usd-daily-2011-2021.csv from 2011-08-18 to 2021-12-31"
        ),
        "{out}"
    );
    for figure in [
        "bad debt",
        "bad debt / peak debt",
        "bad debt / volume borrowed",
        "99th pct loss per window",
        "max LTV, mean",
        "time at lt_min / lt_max",
        "static 90.00 %",
    ] {
        assert!(out.contains(figure), "{figure}: {out}");
    }
    let runs: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(report.with_extension("json")).unwrap())
            .unwrap();
    assert_eq!(runs.as_array().unwrap().len(), 2);
    assert!(std::fs::read_to_string(&report)
        .unwrap()
        .contains("Threshold: dynamic against static"));

    let calibrate_report = temp("calibrate.html");
    let output = riskctl(&[
        "calibrate",
        "--prices",
        btc,
        "--z",
        "3.5",
        "--horizon",
        "2d",
        "--lt-min",
        "40%,75%",
        "--stress",
        "--bootstrap",
        "2",
        "--report",
        calibrate_report.to_str().unwrap(),
    ]);
    let out = stdout(&output);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(out.contains("2 candidates × 1 histories"), "{out}");
    assert!(out.contains(", on the closes"), "{out}");
    assert!(
        out.contains("recommended: z 3.5, T 2 d, half-lives 6 h / 2 w, LT 40.00 %..88.00 %"),
        "{out}"
    );
    assert!(out.contains("no bad debt"), "{out}");
    assert!(
        out.contains("runner-up: z 3.5, T 2 d, half-lives 6 h / 2 w, LT 75.00 %..88.00 %"),
        "{out}"
    );
    assert!(out.contains("stress: "), "{out}");
    let html = std::fs::read_to_string(&calibrate_report).unwrap();
    assert!(
        html.contains("Best mean max LTV without bad debt"),
        "the heat map"
    );

    // Walk-forward: chosen before 2020, judged after, in the table, the
    // report and the JSON.
    let output = riskctl(&[
        "calibrate",
        "--prices",
        btc,
        "--z",
        "3.09",
        "--horizon",
        "2d",
        "--lt-min",
        "40%,75%",
        "--train-until",
        "2019-12-31",
        "--folds",
        "2",
        "--report",
        calibrate_report.to_str().unwrap(),
    ]);
    let out = stdout(&output);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        out.contains("2 candidates × 4 histories"),
        "a training part, it rougher, and two folds: {out}"
    );
    assert!(
        out.contains("out of sample: chosen before 2020-01-01, judged from then on"),
        "{out}"
    );
    for column in [
        "(a) clean in training",
        "(b) best in hindsight",
        "vs (a)",
        "vs (b)",
    ] {
        assert!(out.contains(column), "{column}: {out}");
    }
    let html = std::fs::read_to_string(&calibrate_report).unwrap();
    // Real tables, a column per field, not rows of padded text.
    assert_html_columns(&html, "Out of sample", 9);
    assert_html_columns(&html, "Best candidates", 5);
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(calibrate_report.with_extension("json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        json["out_of_sample"]["histories"].as_array().unwrap().len(),
        1
    );

    // Tails measured in training: z at 99 % instead of --z, lt_max capped
    // at the jump floor.
    let output = riskctl(&[
        "calibrate",
        "--prices",
        btc,
        "--tail-confidence",
        "99%",
        "--jump-floor",
        "--horizon",
        "1d",
        "--lt-min",
        "40%",
        "--train-until",
        "2019-12-31",
        "--report",
        calibrate_report.to_str().unwrap(),
    ]);
    let out = stdout(&output);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        out.contains("z at confidence") && out.contains("at 99.00 %"),
        "{out}"
    );
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(calibrate_report.with_extension("json")).unwrap(),
    )
    .unwrap();
    let tails = &json["tails"][0]["tails"];
    let z_milli = tails["z_milli"].as_u64().unwrap();
    assert!((2_000..6_000).contains(&z_milli), "{tails}");
    let best = &json["recommendation"]["best"]["candidate"];
    assert_eq!(
        best["calibration"]["quantile_z_milli"].as_u64(),
        Some(z_milli)
    );
    // The worst daily loss of BTC to 2019 (-48.5 % in April 2013) allows at
    // most (1 - 48.5 %) / 1.05 = 49 % with the 5 % bonus.
    let worst = tails["worst_loss"].as_f64().unwrap();
    assert!((0.48..0.49).contains(&worst), "{tails}");
    let lt_max = best["bounds"]["lt_max_bps"].as_u64().unwrap();
    assert!(lt_max <= 4_905, "{best}");
    let html = std::fs::read_to_string(&calibrate_report).unwrap();
    assert!(
        html.contains("Tail of standardised losses in training"),
        "the tail against a Gaussian one, as a chart"
    );
    assert_html_columns(&html, "Tails measured in training", 5);
    for file in [
        report.clone(),
        report.with_extension("json"),
        calibrate_report.clone(),
        calibrate_report.with_extension("json"),
    ] {
        std::fs::remove_file(file).ok();
    }
}

#[test]
fn bad_price_files_are_refused_with_their_line() {
    let cases = [
        ("", "the file is empty"),
        (
            "unix_timestamp,price\n10,1\n5,1\n",
            "line 3: timestamp 5 is before the line before",
        ),
        (
            "unix_timestamp,price\n10,1\n10,2\n",
            "line 3: timestamp 10 repeats the line before",
        ),
        (
            "unix_timestamp,price\n10,1\n11,0\n",
            "line 3: price 0 is not positive",
        ),
        (
            "unix_timestamp,price\n10,1\n11,-3\n",
            "line 3: price -3 is not positive",
        ),
        ("time,close\n10,1\n", "line 1: unknown columns `time,close`"),
    ];
    for (i, (content, expected)) in cases.iter().enumerate() {
        let file = temp(&format!("prices-{i}.csv"));
        std::fs::write(&file, content).unwrap();
        assert_refused(&["backtest", "--prices", file.to_str().unwrap()], expected);
        assert_refused(&["calibrate", "--prices", file.to_str().unwrap()], expected);
        std::fs::remove_file(file).ok();
    }
    assert_refused(
        &["backtest", "--prices", "nope.csv"],
        "cannot read price file nope.csv",
    );
    assert_refused(
        &[
            "calibrate",
            "--prices",
            "data/prices/btc-usd-daily-2011-2021.csv",
            "--lt-min",
            "95%",
            "--lt-max",
            "90%",
        ],
        "no valid parameter set in the grid",
    );
    // A bar whose low is above its close: the closes do not read it, a
    // walk refuses it with its line.
    let file = temp("bad-bar.csv");
    std::fs::write(
        &file,
        "unix_timestamp,open,high,low,close,volume\n0,5,6,4,5,1\n86400,5,6,5.5,5.2,1\n172800,5,6,4,5,1\n",
    )
    .unwrap();
    let prices = file.to_str().unwrap();
    let closes = riskctl(&[
        "backtest",
        "--prices",
        prices,
        "--report",
        temp("bad-bar.html").to_str().unwrap(),
    ]);
    assert!(closes.status.success(), "{}", stderr(&closes));
    assert_refused(
        &["backtest", "--prices", prices, "--intrabar", "1h"],
        "line 3: the low 5.5 and high 6 do not hold the open 5 and close 5.2",
    );
    for path in [file.clone(), temp("bad-bar.html"), temp("bad-bar.json")] {
        std::fs::remove_file(path).ok();
    }
    for (step, expected) in [
        (
            "12h",
            "--intrabar 12h: a bar of 1 d must hold at least three steps",
        ),
        ("0s", "--intrabar 0s: the step must be at least 1 s"),
        ("soon", "--intrabar: \"soon\" needs a unit"),
        (
            "1s",
            "--intrabar 1s: walking 3789 bars of 1 d makes about 327 million prices, more than 100 million: choose a longer step",
        ),
    ] {
        assert_refused(
            &[
                "backtest",
                "--prices",
                "data/prices/btc-usd-daily-2011-2021.csv",
                "--intrabar",
                step,
            ],
            expected,
        );
        assert_refused(
            &[
                "calibrate",
                "--prices",
                "data/prices/btc-usd-daily-2011-2021.csv",
                "--intrabar",
                step,
                "--train-until",
                "2019-12-31",
            ],
            expected,
        );
    }
    assert_refused(
        &[
            "calibrate",
            "--prices",
            "data/prices/btc-usd-daily-2011-2021.csv",
            "--intrabar",
            "1min",
            "--stress",
        ],
        "--stress resamples returns tick by tick",
    );
    assert_refused(
        &[
            "calibrate",
            "--prices",
            "data/prices/btc-usd-daily-2011-2021.csv",
            "--intrabar",
            "1min",
        ],
        "--intrabar replays a liquidation market and judges a calibration out of sample: give --train-until",
    );
    // Bars that open at noon: a training date ends mid-bar.
    let file = temp("noon-bars.csv");
    let rows: String = (0..10)
        .map(|day| format!("{},5,6,4,5,1\n", 1_577_880_000 + day * 86_400))
        .collect();
    std::fs::write(
        &file,
        format!("unix_timestamp,open,high,low,close,volume\n{rows}"),
    )
    .unwrap();
    assert_refused(
        &[
            "calibrate",
            "--prices",
            file.to_str().unwrap(),
            "--intrabar",
            "1h",
            "--train-until",
            "2020-01-04",
        ],
        "straddles the date",
    );
    std::fs::remove_file(file).ok();
    assert_refused(
        &[
            "calibrate",
            "--prices",
            "data/prices/btc-usd-daily-2011-2021.csv",
            "--tail-confidence",
            "100%",
        ],
        "the tail confidence must be in [50 %, 100 %)",
    );
    assert_refused(
        &[
            "calibrate",
            "--prices",
            "data/prices/btc-usd-daily-2011-2021.csv",
            "--train-until",
            "2030-01-01",
        ],
        "btc-usd-daily-2011-2021: the training date leaves 3789 prices before it and 0 after; each side needs 2",
    );
}

/// The README's walk-forward row for every crypto history pooled: chosen
/// on BTC, ETH and DOGE to 2019-12-31 with the tail measured at 99.5 %,
/// no test part has bad debt; the majors clear both margins, DOGE does not.
#[test]
fn pooled_crypto_history_judged_after_2019_is_as_the_readme_says() {
    let output = riskctl(&[
        "--json",
        "calibrate",
        "--prices",
        "data/prices/btc-usd-daily-2011-2021.csv",
        "--prices",
        "data/prices/eth-usd-daily-to-2021.csv",
        "--prices",
        "data/prices/doge-usd-daily-to-2021.csv",
        "--asset",
        "SOL",
        "--train-until",
        "2019-12-31",
        "--folds",
        "3",
        "--tail-confidence",
        "99.5%",
        "--report",
        temp("pooled.html").to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["price_path"], "the closes");
    let chosen = &json["recommendation"]["best"]["candidate"];
    assert_eq!(
        (
            chosen["calibration"]["quantile_z_milli"].as_u64(),
            chosen["calibration"]["horizon_secs"].as_u64(),
            chosen["bounds"]["lt_min_bps"].as_u64(),
        ),
        (Some(4_147), Some(2 * 86_400), Some(4_000)),
        "{chosen}"
    );
    let histories = json["out_of_sample"]["histories"].as_array().unwrap();
    let margin = |history: &serde_json::Value, static_run: &str| {
        let dynamic = history["dynamic"]["avg_max_ltv_bps"].as_f64().unwrap();
        let other = history[static_run]["metrics"]["avg_max_ltv_bps"]
            .as_f64()
            .unwrap();
        ((dynamic - other) / 100.0 * 100.0).round() / 100.0
    };
    let expected = [
        ("btc-usd-daily-2011-2021", 17.53, 8.53),
        ("eth-usd-daily-to-2021", 11.42, 6.42),
        ("doge-usd-daily-to-2021", 7.71, -4.29),
    ];
    assert_eq!(histories.len(), expected.len());
    for (history, (name, vs_a, vs_b)) in histories.iter().zip(expected) {
        assert_eq!(history["name"], name);
        // Under 0.001 % of the peak debt: 0.1 bps.
        let bad_debt_bps = history["dynamic"]["bad_debt_bps_of_peak_debt"]
            .as_f64()
            .unwrap();
        assert!(bad_debt_bps < 0.1, "{name}: {bad_debt_bps} bps");
        assert_eq!(
            (
                margin(history, "safe_in_training"),
                margin(history, "best_in_hindsight")
            ),
            (vs_a, vs_b),
            "{name}"
        );
    }
    for file in [temp("pooled.html"), temp("pooled.json")] {
        std::fs::remove_file(file).ok();
    }
}

#[test]
fn calibrate_and_backtest_walk_the_bars_when_asked() {
    let btc = "data/prices/btc-usd-daily-2011-2021.csv";
    let report = temp("walked.html");
    let output = riskctl(&[
        "--json",
        "calibrate",
        "--prices",
        btc,
        "--intrabar",
        "1h",
        "--train-until",
        "2019-12-31",
        "--latency",
        "5min",
        "--book-share",
        "1%",
        "--whale",
        "off,on",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let cases: Vec<&str> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|case| case["case"].as_str().unwrap())
        .collect();
    assert_eq!(
        cases,
        ["latency 5 min, book 1 %", "latency 5 min, book 1 %, whale"]
    );
    for case in json.as_array().unwrap() {
        // 5 minutes and the oracle's 15 s.
        assert_eq!(case["horizon_secs"], 315, "{case}");
        assert_eq!(
            case["frontier"].as_array().unwrap().len(),
            56,
            "40 % to 95 %"
        );
    }
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(
        html.contains("each bar walked every 1h"),
        "the report says so"
    );
    assert!(html.contains("Frontiers"), "a chart per case");
    assert_html_columns(&html, "Cases", 14);
    assert_html_columns(&html, "Targets", 6);

    let output = riskctl(&[
        "backtest",
        "--prices",
        btc,
        "--intrabar",
        "1h",
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    // The open, then each 8-hour leg's hourly steps and its corner; the
    // steps due at a corner's slot start go to the second before it: 26 a
    // day.
    assert!(
        stdout(&output).starts_with(&format!(
            "{} steps of {btc} (each bar walked every 1h) from 2011-08-18 to 2021-12-31",
            3_789 * 26
        )),
        "{}",
        stdout(&output)
    );
    for file in [report.clone(), report.with_extension("json")] {
        std::fs::remove_file(file).ok();
    }
}
