//! Inline allow-comments that suppress a finding on their line:
//! `keyhound:allow`, `keyhound:allow rule-id[,rule-id]`, and for teams migrating from
//! other scanners `gitleaks:allow` and `pragma: allowlist secret`.

/// An allow directive found on a finding's line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Allow {
    /// Suppresses every finding on the line.
    All,
    /// Suppresses only findings of these rule ids.
    Rules(Vec<String>),
}

impl Allow {
    /// Whether this directive suppresses a finding of `rule_id`.
    pub fn covers(&self, rule_id: &str) -> bool {
        match self {
            Allow::All => true,
            Allow::Rules(ids) => ids.iter().any(|id| id == rule_id),
        }
    }
}

/// The allow directive on `line`, if any.
pub fn parse(line: &[u8]) -> Option<Allow> {
    if let Some(at) = find(line, b"keyhound:allow") {
        let rest = &line[at + b"keyhound:allow".len()..];
        // `keyhound:allow` alone, or followed by rule ids separated by commas or spaces.
        let ids: Vec<String> = rest
            .iter()
            .position(|b| !matches!(b, b' ' | b'\t' | b'='))
            .map(|start| {
                let tail = &rest[start..];
                let end = tail
                    .iter()
                    .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b',')))
                    .unwrap_or(tail.len());
                String::from_utf8_lossy(&tail[..end])
                    .split(',')
                    .filter(|id| !id.is_empty() && id.contains('-'))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        let directly_followed = rest
            .first()
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'='));
        return Some(if ids.is_empty() || !directly_followed {
            Allow::All
        } else {
            Allow::Rules(ids)
        });
    }
    if find(line, b"gitleaks:allow").is_some() || find(line, b"pragma: allowlist secret").is_some()
    {
        return Some(Allow::All);
    }
    None
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(haystack, needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms() {
        assert_eq!(parse(b"x = 1 # keyhound:allow"), Some(Allow::All));
        assert_eq!(
            parse(b"x = 1 // keyhound:allow github-pat-classic"),
            Some(Allow::Rules(vec!["github-pat-classic".into()]))
        );
        assert_eq!(parse(b"key: v  # gitleaks:allow"), Some(Allow::All));
        assert_eq!(
            parse(b"key = v  # pragma: allowlist secret"),
            Some(Allow::All)
        );
        assert_eq!(parse(b"nothing here"), None);
    }
}
