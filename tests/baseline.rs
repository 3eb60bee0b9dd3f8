//! Tests: baseline.
