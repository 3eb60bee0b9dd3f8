//! The git pre-commit hook: install, chain, uninstall (to be written).
