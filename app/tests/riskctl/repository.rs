//! The repository carries everything its tests, benchmarks and examples
//! read: a clone with nothing beside it must pass.

use std::path::{Path, PathBuf};

use crate::riskctl::harness::repo_file;

/// Folders that are built or fetched, never written by hand.
const SKIPPED: [&str; 3] = [".git", "target", "node_modules"];

fn files_under(directory: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(directory).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if path.is_dir() {
            if !SKIPPED.contains(&name.as_str()) {
                files_under(&path, found);
            }
        } else {
            found.push(path);
        }
    }
}

#[test]
fn no_file_refers_to_a_folder_beside_the_repository() {
    // Spelled in two parts so that this file does not match itself.
    let needle = format!("..{}shared", '/');
    let mut files = Vec::new();
    files_under(&repo_file(""), &mut files);
    assert!(files.len() > 100, "walked {} files", files.len());
    let offenders: Vec<String> = files
        .iter()
        .filter(|path| {
            let bytes = std::fs::read(path).unwrap();
            bytes
                .windows(needle.len())
                .any(|window| window == needle.as_bytes())
        })
        .map(|path| path.display().to_string())
        .collect();
    assert!(offenders.is_empty(), "{needle} named in {offenders:?}");
}

#[test]
fn the_data_the_tests_read_is_in_the_repository() {
    for file in [
        "data/prices/btc-usd-daily-2011-2021.csv",
        "data/prices/btc-usd-hourly-2017-2019.csv",
        "data/prices/eth-usd-daily-to-2021.csv",
        "data/prices/doge-usd-daily-to-2021.csv",
        "data/prices/sol-usd-daily-to-2021.csv",
        "data/prices/usdc-usd-daily-to-2021.csv",
        "tests/fixtures/pyth/sol-usd-price-update-v2.bin",
    ] {
        let path = repo_file(file);
        assert!(path.is_file(), "{} is missing", path.display());
        let readme = if file.starts_with("data/") {
            "data/README.md"
        } else {
            "tests/fixtures/README.md"
        };
        let name = file.rsplit('/').next().unwrap();
        let text = std::fs::read_to_string(repo_file(readme)).unwrap();
        assert!(text.contains(name), "{readme} does not name {name}");
    }
}
