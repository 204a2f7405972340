//! ad-core (draft)
#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "std")]
extern crate std;

mod dual;
mod fmt;
mod macros;
mod math;
mod real;
pub mod rules;

pub use dual::{Dual, Dual32, Dual64};
pub use real::{Primitive, Real};
mod dual2;
mod hyperdual;
pub use dual2::{Dual2, Dual2_32, Dual2_64};
pub use hyperdual::{HyperDual, HyperDual32, HyperDual64};
mod derivatives;
pub use derivatives::{
    derivative, gradient, hessian, hvp, jacobian, jvp, second_derivative, value_and_gradient,
    value_and_jacobian, value_gradient_hessian,
};
