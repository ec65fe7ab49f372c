//! opsctl: one toolkit for the jobs around a GitOps service.
//!
//! The crate is a core library with a thin command-line front end:
//!
//! - [`config`] finds and layers `opsctl.toml`, the user file, `OPSCTL_*`
//!   variables and flags, remembering where every value came from.
//! - [`document`] is the YAML document model with its reader and writer,
//!   shared by `secrets` and `render`.
//! - [`secrets`] seals files as SOPS files with age recipients, and opens them.
//! - [`diagnostic`] points at file positions and suggests near words in errors.
//! - [`fsx`] writes files atomically and keeps private temp files that are
//!   removed on every exit path.
//! - [`interrupt`] is the Ctrl-C flag long-running work polls.
//! - [`cli`] is the only module that knows clap, terminals, colour, progress
//!   bars, prompts and exit codes.
//!
//! The core modules never print and never exit: they take typed requests and
//! return typed reports or typed errors, so the same code serves the terminal,
//! JSON output and other Rust programs.

#![forbid(unsafe_code)]

pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod document;
pub mod fsx;
#[doc(hidden)]
pub mod fuzzing;
pub mod gate;
pub mod interrupt;
pub mod load;
pub mod markup;
pub mod prometheus;
pub mod render;
pub mod scaffold;
pub mod secrets;
pub mod template;
pub mod units;
pub mod values;
