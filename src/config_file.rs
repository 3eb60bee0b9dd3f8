//! `.keyhound.toml`: the per-repository configuration file (to be written).

use std::path::Path;

use crate::config::ScanConfig;
use crate::finding::Finding;
use crate::rules::RuleSet;

/// Settings read from `.keyhound.toml` (or `--config FILE`).
#[derive(Debug, Default)]
pub struct Settings {}

/// A configuration file that cannot be used; names the file, line and reason.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ConfigFileError(pub String);

impl Settings {
    /// Loads `explicit`, or `.keyhound.toml` in `root` if it exists, or the defaults.
    pub fn load(_explicit: Option<&Path>, _root: &Path) -> Result<Settings, ConfigFileError> {
        Ok(Settings::default())
    }

    /// Applies settings that change the scan (extra rule files, excludes, sizes)
    /// where the command line did not set them.
    pub fn apply_to(&self, _config: &mut ScanConfig) {}

    /// Disables rules and changes severities.
    pub fn adjust_rules(&self, _rules: &mut RuleSet) -> Result<(), ConfigFileError> {
        Ok(())
    }

    /// Whether a finding is allowlisted by fingerprint or by regex.
    pub fn is_allowlisted(&self, _finding: &Finding) -> bool {
        false
    }
}
