//! Tests: checklist.
