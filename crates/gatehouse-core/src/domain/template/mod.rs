//! Pure: an API's protection as code. Patching the user's own template (CloudFormation and SAM
//! as YAML or JSON, Terraform) by editing its text where the change needs it, so comments, key
//! order and layout elsewhere stay as they were; and exporting an API's authorizers and method
//! protection as CloudFormation, SAM, Terraform or CDK for a team adopting code.

pub mod cloudformation;
pub mod diff;
pub mod export;
pub mod sam;
pub mod spec;
pub mod terraform;
pub mod terraform_add;
pub mod yaml_doc;

use crate::error::{Error, Result};
use spec::{CodeChange, ExportInput, Patched};

/// Patches a template by its kind: Terraform by the file's name (`.tf`), SAM by its
/// `Transform`, else CloudFormation. `api_logical` is the API's logical id when the stack said.
pub fn patch(
    name: &str,
    text: &str,
    change: &CodeChange,
    api_logical: Option<&str>,
) -> Result<Patched> {
    if name.ends_with(".tf") {
        return terraform::patch(name, text, change);
    }
    let doc = yaml_doc::Doc::parse(text)?;
    if sam::is_sam(&doc) {
        sam::patch(name, text, change, api_logical)
    } else {
        cloudformation::patch(name, text, change, api_logical)
    }
}

/// The formats `gatehouse export` writes.
pub const EXPORT_FORMATS: &[&str] = &["cloudformation", "sam", "terraform", "cdk"];

/// An API's protection as code in one of [`EXPORT_FORMATS`], with the file name it is given.
pub fn export_as(format: &str, input: &ExportInput) -> Result<(String, String)> {
    check_export_format(format)?;
    let base = spec::terraform_name(&input.api.name).replace('_', "-");
    match format {
        "cloudformation" => Ok((format!("{base}.cfn.yaml"), export::cloudformation(input))),
        "sam" => Ok((format!("{base}.sam.yaml"), export::sam(input))),
        "terraform" => Ok((format!("{base}.tf"), terraform::export(input))),
        "cdk" => Ok((format!("{base}.ts"), export::cdk(input))),
        other => Err(Error::Internal(format!(
            "export format {other} has no writer"
        ))),
    }
}

/// Refuses a format `gatehouse export` does not write, naming those it does.
pub fn check_export_format(format: &str) -> Result<()> {
    if EXPORT_FORMATS.contains(&format) {
        return Ok(());
    }
    Err(Error::invalid(
        "format",
        format!(
            "No export format '{format}': choose {}.",
            EXPORT_FORMATS.join(", ")
        ),
    ))
}
