//! Pure: an API's authorizers and method protection as code a team can adopt — CloudFormation
//! ready for resource import, a SAM template, a CDK stack in TypeScript. Written as text, not
//! through a serializer, so the layout is the one a person would write and reads the same every
//! time. Integrations are not read by Gatehouse, so none is exported: each output says where a
//! placeholder stands in for one.

mod cdk;
mod cloudformation;
mod parts;
mod sam;
#[cfg(test)]
mod sample;

pub use cdk::cdk;
pub use cloudformation::{cloudformation, cloudformation_import_list};
pub use sam::sam;
#[cfg(test)]
pub use sample::{sample_http, sample_rest};
