//! Tests: config_file.
