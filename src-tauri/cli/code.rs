//! `gatehouse protect --as-code` and `gatehouse export`: the owning template patched (its diff,
//! the patched file, a change set to review) and an API's protection as code. Nothing here is
//! sent to API Gateway.

use super::common::{context, Common, EXIT_OK};
use super::out::{clean, write_text};
use crate::core::{AsCodeOutcome, AsCodeRequest, Core, ProtectRequest, TemplateFile};
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// The as-code flags of `protect`.
pub struct AsCode {
    pub template: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub change_set: Option<String>,
    pub json: bool,
}

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub common: Common,
    /// The REST or HTTP API, by name or id.
    #[arg(long)]
    pub api: String,
    /// cloudformation (ready for resource import), sam, terraform (with import blocks) or cdk
    /// (TypeScript).
    #[arg(long, value_parser = ["cloudformation", "sam", "terraform", "cdk"])]
    pub format: String,
    /// Export what this stage serves rather than the editor.
    #[arg(long)]
    pub stage: Option<String>,
    /// Write the code here rather than to stdout (CloudFormation: FILE.import.json beside it,
    /// the resources to import).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text)
        .map_err(|e| Error::Io(format!("Cannot write {}: {e}", path.display())))
}

pub(super) async fn protect_as_code(
    core: &Core,
    protect: ProtectRequest,
    code: AsCode,
) -> Result<i32> {
    let template = code
        .template
        .as_deref()
        .map(TemplateFile::read)
        .transpose()?;
    let req = AsCodeRequest {
        protect,
        template,
        change_set: code.change_set,
    };
    let outcome = core.protect_as_code(req).await?;
    let to_stdout = code.out.as_deref() == Some(Path::new("-"));
    if let (Some(out), Some(p)) = (&code.out, &outcome.patched) {
        if !to_stdout {
            write_file(out, &p.text)?;
        }
    }
    if code.json {
        // Through a Value: its keys come out sorted, as every JSON of the command line.
        outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::to_value(&outcome)?)?
        );
        return Ok(EXIT_OK);
    }
    print_outcome(&outcome, code.out.as_deref(), to_stdout);
    Ok(EXIT_OK)
}

fn print_outcome(o: &AsCodeOutcome, out: Option<&Path>, to_stdout: bool) {
    let Some(p) = &o.patched else {
        outln!(
            "{}",
            clean(o.nothing_to_do.as_deref().unwrap_or("Nothing to do."))
        );
        return;
    };
    if to_stdout {
        write_text(&p.text);
    } else {
        eoutln!("{}", clean(&o.summary));
        // No file was patched (the HCL to add): the text itself, not a diff.
        write_text(if p.diff.is_empty() && !p.changed.is_empty() {
            &p.text
        } else {
            &p.diff
        });
    }
    if !p.already.is_empty() {
        eoutln!("Already so in the template: {}", p.already.join(", "));
    }
    for note in &p.notes {
        eoutln!("{}", clean(note));
    }
    match out {
        Some(path) if !to_stdout => eoutln!("Wrote the patched template to {}.", path.display()),
        Some(_) => {}
        None if !p.changed.is_empty() => {
            eoutln!("--out FILE writes the patched template (--out - prints it).")
        }
        None => {}
    }
    if let Some(cs) = &o.change_set {
        eoutln!(
            "Change set {} created on stack {} (not executed).",
            clean(&cs.name),
            clean(&cs.stack)
        );
        eoutln!("  Review it:   {}", clean(&cs.review));
        eoutln!("  Execute it:  {}", clean(&cs.execute));
    }
    eoutln!("Nothing was sent to API Gateway.");
}

pub(super) async fn export(core: &Core, args: ExportArgs) -> Result<i32> {
    let ctx = context(core, &args.common).await?;
    let exported = core
        .export(&ctx, &args.api, &args.format, args.stage.as_deref())
        .await?;
    match &args.out {
        Some(path) => {
            write_file(path, &exported.text)?;
            eoutln!("Wrote {} to {}.", exported.format, path.display());
            if let Some(list) = &exported.import_list {
                let mut import = path.as_os_str().to_owned();
                import.push(".import.json");
                let import = PathBuf::from(import);
                write_file(&import, list)?;
                eoutln!(
                    "Wrote the resources to import to {} (aws cloudformation create-change-set --change-set-type IMPORT --resources-to-import file://{} …).",
                    import.display(),
                    import.display()
                );
            }
        }
        None => {
            write_text(&exported.text);
            if exported.import_list.is_some() {
                eoutln!("The resources to import (for an IMPORT change set) are written beside the template with --out FILE (FILE.import.json).");
            }
        }
    }
    Ok(EXIT_OK)
}
