//! Shared helpers of the examples (being written).
