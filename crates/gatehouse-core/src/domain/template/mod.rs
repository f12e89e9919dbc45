//! Pure: an API's protection as code. Patching the user's own template (CloudFormation and SAM
//! as YAML or JSON, Terraform) by editing its text where the change needs it, so comments, key
//! order and layout elsewhere stay as they were; and exporting an API's authorizers and method
//! protection as CloudFormation, SAM, Terraform or CDK for a team adopting code.

pub mod diff;
pub mod export;
pub mod spec;
pub mod terraform;
pub mod yaml_doc;
