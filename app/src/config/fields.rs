//! Named values of one section, taken one by one with their unit
//! conversion, so that a missing, malformed or unknown value is reported
//! with its full path ("reserve SOL: bounds.lt_min: ...").

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{anyhow, bail, Result};

use super::units::Human;

pub struct Fields {
    path: String,
    values: BTreeMap<String, Human>,
    taken: BTreeSet<String>,
}

impl Fields {
    pub fn new(path: impl Into<String>, values: BTreeMap<String, Human>) -> Self {
        Self {
            path: path.into(),
            values,
            taken: BTreeSet::new(),
        }
    }

    /// A required value, converted.
    pub fn take<T>(&mut self, key: &str, convert: impl Fn(&str) -> Result<T, String>) -> Result<T> {
        self.maybe(key, convert)?
            .ok_or_else(|| anyhow!("{}.{key} is missing", self.path))
    }

    /// An optional value, converted.
    pub fn maybe<T>(
        &mut self,
        key: &str,
        convert: impl Fn(&str) -> Result<T, String>,
    ) -> Result<Option<T>> {
        self.taken.insert(key.to_string());
        match self.values.get(key) {
            None => Ok(None),
            Some(value) => convert(&value.0)
                .map(Some)
                .map_err(|reason| anyhow!("{}.{key}: {reason}", self.path)),
        }
    }

    /// Refuses values nobody asked for: a typo must not pass silently.
    pub fn finish(self) -> Result<()> {
        let unknown: Vec<&String> = self
            .values
            .keys()
            .filter(|key| !self.taken.contains(*key))
            .collect();
        if !unknown.is_empty() {
            let known: Vec<&String> = self.taken.iter().collect();
            bail!(
                "{}: unknown value(s) {unknown:?}; expected some of {known:?}",
                self.path
            );
        }
        Ok(())
    }
}
