//! Shared formatting helpers for the `Display` impls.

use core::fmt;

/// Writes one component, honouring the formatter's precision.
pub(crate) fn component<T: fmt::Display>(f: &mut fmt::Formatter<'_>, x: &T) -> fmt::Result {
    match f.precision() {
        Some(p) => write!(f, "{x:.p$}"),
        None => write!(f, "{x}"),
    }
}

/// Writes `[a, b, c]`.
pub(crate) fn list<T: fmt::Display>(f: &mut fmt::Formatter<'_>, xs: &[T]) -> fmt::Result {
    f.write_str("[")?;
    for (i, x) in xs.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        component(f, x)?;
    }
    f.write_str("]")
}
