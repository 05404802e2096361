//! Pacta application.
