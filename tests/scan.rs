//! Tests: scan.
