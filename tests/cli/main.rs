//! Integration tests: drive the built `opsctl` binary as a user would.

mod config;
mod gate;
mod gate_client;
mod generated;
mod help;
mod http_server;
mod load;
mod load_report;
mod new;
mod prometheus_gateway;
mod prometheus_harness;
mod prometheus_server;
mod render;
mod secrets;
mod shells;
mod streams;
mod support;
