use super::*;

#[test]
fn percentages_convert_exactly_or_not_at_all() {
    assert_eq!(percent_to_bps("87.5%"), Ok(8_750));
    assert_eq!(percent_to_bps(" 0.1 % "), Ok(10));
    assert_eq!(percent_to_bps("300%"), Ok(30_000));
    assert_eq!(percent_to_bps("8750 bps"), Ok(8_750));
    assert_eq!(percent_to_bps("87.50%"), Ok(8_750));
    assert!(percent_to_bps("87.555%")
        .unwrap_err()
        .contains("finer than 0.01 %"));
    assert!(percent_to_bps("87.5").unwrap_err().contains("needs a unit"));
    assert!(percent_to_bps("-5%").unwrap_err().contains("negative"));
    assert!(percent_to_bps("abc%").unwrap_err().contains("not a number"));
    assert!(percent_to_bps_u16("700%").unwrap_err().contains("655.35 %"));
}

#[test]
fn durations_take_their_unit() {
    assert_eq!(duration_to_secs("90s"), Ok(90));
    assert_eq!(duration_to_secs("15 min"), Ok(900));
    assert_eq!(duration_to_secs("15m"), Ok(900));
    assert_eq!(duration_to_secs("6h"), Ok(21_600));
    assert_eq!(duration_to_secs("1.5h"), Ok(5_400));
    assert_eq!(duration_to_secs("14d"), Ok(1_209_600));
    assert_eq!(duration_to_secs("2w"), Ok(1_209_600));
    assert!(duration_to_secs("0.5s")
        .unwrap_err()
        .contains("finer than 1 s"));
    assert!(duration_to_secs("3600")
        .unwrap_err()
        .contains("needs a unit"));
    assert!(duration_to_secs("5ms")
        .unwrap_err()
        .contains("needs a unit"));
}

#[test]
fn money_and_tokens_are_exact() {
    assert_eq!(usd_whole("250,000 USD"), Ok(250_000));
    assert_eq!(usd_whole("$1_000_000"), Ok(1_000_000));
    assert!(usd_whole("1.5 USD")
        .unwrap_err()
        .contains("finer than 1 USD"));
    assert_eq!(usd_e6("1.25 USD"), Ok(1_250_000));
    assert_eq!(usd_to_price_e8("150.12345678"), Ok(15_012_345_678));
    assert!(usd_to_price_e8("0").unwrap_err().contains("above 0"));
    assert_eq!(tokens_to_base_units("1.5", 9), Ok(1_500_000_000));
    assert_eq!(tokens_to_base_units("1000000", 6), Ok(1_000_000_000_000));
    assert!(tokens_to_base_units("0.0000001", 6)
        .unwrap_err()
        .contains("6 decimals"));
    assert!(tokens_to_base_units("99999999999999999999", 0)
        .unwrap_err()
        .contains("largest allowed"));
    assert_eq!(ratio_to_bps("0.95"), Ok(9_500));
    assert_eq!(integer("2326"), Ok(2_326));
}

#[test]
fn formatting_keeps_units_and_precision() {
    assert_eq!(fmt_bps(8_750), "87.50 %");
    assert_eq!(fmt_bps(5), "0.05 %");
    assert_eq!(fmt_secs(21_600), "6 h");
    assert_eq!(fmt_secs(1_209_600), "2 w");
    assert_eq!(fmt_secs(90), "90 s");
    assert_eq!(fmt_tokens(1_500_000_000, 9), "1.5");
    assert_eq!(fmt_tokens(1_234_000_000, 6), "1,234");
    assert_eq!(fmt_usd(1_234.565), "$1,234.57");
    assert_eq!(fmt_usd(-0.001), "$0.00");
    assert_eq!(fmt_usd(-12.5), "-$12.50");
    assert_eq!(fmt_usd_price(0.00002), "$0.00002");
    assert_eq!(fmt_usd_price(0.99984), "$0.9998");
    assert_eq!(fmt_usd_price(150.0), "$150.00");
}

#[test]
fn toml_numbers_keep_their_literal() {
    #[derive(serde::Deserialize)]
    struct Row {
        a: Human,
        b: Human,
        c: Human,
    }
    let row: Row = toml::from_str("a = 87.5\nb = 2326\nc = \"6h\"").unwrap();
    assert_eq!(
        (row.a.0.as_str(), row.b.0.as_str(), row.c.0.as_str()),
        ("87.5", "2326", "6h")
    );
}
