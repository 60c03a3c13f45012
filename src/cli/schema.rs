//! `jixiao schema`: the JSON Schemas of the data files (document.toml and
//! one per form's project files), printed or written to a folder.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;

use crate::input::scaffold::schema;
use crate::report::diag::{Diagnostic, SourceMap, display_path};
use crate::report::stdio::status;

/// Arguments of `jixiao schema`.
#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Only the schema of this form's project files (default: document.toml's, or all with -o).
    #[arg(long, value_name = "NAME")]
    pub form: Option<String>,
    /// Write the schema files into this folder instead of printing one.
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Project root holding templates/forms/ (default: found above the current folder).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
}

/// Runs `jixiao schema`.
pub fn run(args: &SchemaArgs) -> ExitCode {
    let sources = SourceMap::default();
    let forms = match super::forms::project_forms(args.root.as_deref(), &sources) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let mut files = schema::all(&forms);
    if let Some(name) = &args.form {
        if forms.get(name).is_none() {
            sources.print(&[crate::input::load::unknown_form(name, &forms, None)]);
            return ExitCode::from(2);
        }
        let want = schema::project_schema_name(name);
        files.retain(|(n, _)| *n == want);
    }
    let Some(dir) = &args.output else {
        crate::report::stdio::out(&files[0].1);
        return ExitCode::SUCCESS;
    };
    let written =
        crate::input::confine::no_link_to(dir).and_then(|()| schema::write(dir, &files, None));
    match written {
        Ok(paths) => {
            for p in paths {
                status!("已写入 {}", display_path(&p));
            }
            ExitCode::SUCCESS
        }
        Err(d) => {
            let d: Vec<Diagnostic> = d.0;
            sources.print(&d);
            ExitCode::from(2)
        }
    }
}
