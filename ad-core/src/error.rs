//! The one error type of ad-core.

use core::fmt;

/// Everything that can go wrong in ad-core, as a value (ad-core never panics on user
/// input).
///
/// ```
/// use ad_core::Error;
/// let e = Error::TapeFull { capacity: 16, needed: 40 };
/// assert_eq!(e.to_string(), "tape full: capacity 16 nodes, the recording needs 40");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// The tape ran out of nodes. Everything recorded before is intact; record again
    /// with a capacity of at least `needed`.
    TapeFull {
        /// The tape's capacity in nodes.
        capacity: usize,
        /// The nodes the whole recording needs.
        needed: usize,
    },
    /// A replay reached a comparison whose outcome differs from the recording: the
    /// recorded program took another branch, so its derivative would be wrong here.
    /// Record again at this point (or use `select`, which records both branches).
    BranchChanged {
        /// Index of the comparison node in the program.
        node: usize,
    },
    /// One recording used more distinct custom functions than a tape has slots for.
    TooManyCustom {
        /// The slots of a tape ([`MAX_CUSTOM`](crate::MAX_CUSTOM)).
        max: usize,
    },
    /// A caller-provided buffer is shorter than the program.
    BufferTooSmall {
        /// The length the program needs.
        needed: usize,
        /// The length provided.
        provided: usize,
    },
    /// A recording used an operation outside its tape's op set (the tape's third
    /// parameter, see [`ops`](crate::ops)): add it to the set. Nothing was recorded.
    OpNotEnabled {
        /// The operation (`"sin"`, `"powf"`, `"mul_add"`, ...).
        op: &'static str,
    },
    /// Slices passed together (points and outputs of a [`vmap`](crate::vmap) call)
    /// disagree in length.
    LengthMismatch {
        /// The length the first argument implies (the number of points).
        expected: usize,
        /// The length of the argument that disagrees.
        found: usize,
    },
    /// A colored Hessian ([`HessianColoring`](crate::HessianColoring)) was asked for
    /// over dual numbers with fewer tangents than the coloring has colors.
    TooFewTangents {
        /// The colors of the coloring: the tangents needed.
        needed: usize,
        /// The tangents of the dual numbers given.
        provided: usize,
    },
    /// A [`HessianColoring`](crate::HessianColoring) was used with another program than
    /// the one it was computed from: its pattern would not be this program's.
    ColoringMismatch,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Error::TapeFull { capacity, needed } => {
                write!(
                    f,
                    "tape full: capacity {capacity} nodes, the recording needs {needed}"
                )
            }
            Error::BranchChanged { node } => write!(
                f,
                "branch changed: the comparison at node {node} differs from the recording"
            ),
            Error::TooManyCustom { max } => {
                write!(
                    f,
                    "too many custom functions: a recording may use {max} distinct ones"
                )
            }
            Error::BufferTooSmall { needed, provided } => {
                write!(
                    f,
                    "buffer too small: {provided} slots provided, the program needs {needed}"
                )
            }
            Error::OpNotEnabled { op } => write!(
                f,
                "operation not enabled: `{op}` is not in the tape's op set (see ad_core::ops)"
            ),
            Error::LengthMismatch { expected, found } => write!(
                f,
                "length mismatch: {expected} points, but an output slice holds {found}"
            ),
            Error::TooFewTangents { needed, provided } => write!(
                f,
                "too few tangents: the Hessian coloring has {needed} colors, the dual numbers {provided} tangents"
            ),
            Error::ColoringMismatch => {
                write!(f, "the Hessian coloring was computed from another program")
            }
        }
    }
}

impl core::error::Error for Error {}
