//! Synthetic, realistic demonstration data for screenshots, benchmarks and tests. Never real people.

pub fn placeholder() {}
