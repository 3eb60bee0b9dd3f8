//! The one integration-test binary: runs the real `keyhound` on fixtures built in
//! temporary directories. One module per topic.

mod util;

mod accuracy;
mod allow;
mod baseline;
mod checklist;
mod cli;
mod config_file;
mod credential_files;
mod decode;
mod filters;
mod frameworks;
mod git;
mod help;
mod history;
mod hook;
mod hostile;
mod human;
mod install;
mod layers;
mod readme;
mod rules;
mod sarif;
mod scan;
