//! Tests: sarif.
