//! Integration tests: drive the built `opsctl` binary as a user would.

mod config;
mod generated;
mod help;
mod secrets;
mod shells;
mod streams;
mod support;
