//! Tests: hook.
