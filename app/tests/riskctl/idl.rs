//! The committed IDL (`idl/risk_engine.json`) is what the program's source
//! gives, and lists everything a client needs.

use anchor_lang::prelude::Pubkey;
use risk_engine::pda;

use crate::riskctl::harness::repo_file;

#[test]
fn the_committed_idl_is_what_the_source_gives() {
    // Through the binary, as a person runs it: the builder it calls runs
    // cargo, which the test harness's environment would confuse.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_riskctl"))
        .args(["idl", "--check"])
        .current_dir(repo_file(""))
        .env_remove("RUSTUP_TOOLCHAIN")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let idl: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo_file(riskctl::idl::IDL_PATH)).unwrap())
            .unwrap();
    assert_eq!(idl["address"], risk_engine::ID.to_string());
    let names = |key: &str| -> Vec<String> {
        idl[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["name"].as_str().unwrap().to_string())
            .collect()
    };
    let lib = std::fs::read_to_string(repo_file("programs/risk-engine/src/lib.rs")).unwrap();
    let instructions: Vec<&str> = lib
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub fn "))
        .filter_map(|l| l.split('(').next())
        .collect();
    let listed = names("instructions");
    for instruction in &instructions {
        assert!(listed.contains(&instruction.to_string()), "{instruction}");
    }
    assert_eq!(listed.len(), instructions.len());
    assert_eq!(
        names("accounts"),
        ["LenderPosition", "Market", "Position", "Reserve"]
    );
    let errors = idl["errors"].as_array().unwrap();
    assert_eq!(
        errors.len() as u32,
        u32::from(risk_engine::error::RiskError::LAST) - 6_000 + 1
    );
    assert!(names("events").contains(&"Liquidated".to_string()));
    // Doc comments come along: every instruction and account has them.
    for key in ["instructions", "accounts"] {
        for item in idl[key].as_array().unwrap() {
            let docs = item.get("docs").or_else(|| {
                idl["types"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|t| t["name"] == item["name"])
                    .and_then(|t| t.get("docs"))
            });
            assert!(
                docs.is_some_and(|d| !d.as_array().unwrap().is_empty()),
                "{key} {} has no docs",
                item["name"]
            );
        }
    }
    // The accounts `#[event_cpi]` appends carry what the program checks
    // them against, so IDL tools fill them in: the event authority's seed
    // and the program's own address.
    let authority = pda::event_authority();
    let mut cpi_instructions = 0;
    for instruction in idl["instructions"].as_array().unwrap() {
        let accounts = instruction["accounts"].as_array().unwrap();
        let Some([event_authority, program]) = accounts.get(accounts.len() - 2..) else {
            continue;
        };
        if event_authority["name"] != "event_authority" {
            continue;
        }
        cpi_instructions += 1;
        let seeds = event_authority["pda"]["seeds"].as_array().unwrap();
        assert_eq!(seeds.len(), 1, "{}", instruction["name"]);
        let seed: Vec<u8> = serde_json::from_value(seeds[0]["value"].clone()).unwrap();
        assert_eq!(
            Pubkey::find_program_address(&[&seed], &risk_engine::ID).0,
            authority
        );
        assert_eq!(program["name"], "program");
        assert_eq!(program["address"], risk_engine::ID.to_string());
    }
    assert_eq!(
        cpi_instructions,
        instructions.len(),
        "every instruction emits events"
    );
}
