//! `blowback convert`: writes a model in the other file format (Vensim `.mdl` or XMILE).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use blowback_sd::{convert, ModelFormat};

use crate::output::write_atomic;
use crate::sd::{print_diagnostics, read_model_file};

/// The format to write.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum Target {
    /// XMILE 1.0 (`.xmile`), readable by Stella and simlin.
    Xmile,
    /// Vensim (`.mdl`).
    Mdl,
}

/// Arguments of `blowback convert`.
#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// A model file: XMILE (`.xmile`, `.stmx`) or Vensim (`.mdl`).
    pub model: PathBuf,
    /// The format to write.
    #[arg(long)]
    pub to: Target,
    /// Where to write (`-` for standard output); default: the model's name with the new extension.
    #[arg(short = 'o', long = "output", alias = "out", value_name = "PATH")]
    pub out: Option<PathBuf>,
}

/// Reads a model and writes it in the other format; exits 1 when the model does not read.
pub fn run(args: ConvertArgs) -> anyhow::Result<ExitCode> {
    let (text, format) = read_model_file(&args.model)?;
    let project = match format.read(&text) {
        Ok((project, warnings)) => {
            print_diagnostics(&args.model, &text, &warnings);
            project
        }
        Err(errors) => {
            print_diagnostics(&args.model, &text, &errors.0);
            return Ok(ExitCode::from(1));
        }
    };
    let (to, extension) = match args.to {
        Target::Xmile => (ModelFormat::Xmile, "xmile"),
        Target::Mdl => (ModelFormat::Mdl, "mdl"),
    };
    let (written, warnings) = convert(&project, to);
    for warning in &warnings {
        eprintln!("warning: {warning}");
    }
    let out = args
        .out
        .unwrap_or_else(|| args.model.with_extension(extension));
    if out != Path::new("-") && out == args.model {
        anyhow::bail!(
            "{} would overwrite the model; give another path with -o",
            out.display()
        );
    }
    write_atomic(&out, written.as_bytes())?;
    if out != Path::new("-") {
        eprintln!("wrote {}", out.display());
    }
    Ok(ExitCode::SUCCESS)
}
