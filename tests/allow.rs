//! Tests: allow.
