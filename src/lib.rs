//! jixiao turns a department's TOML data into the formal PDF 部门预算绩效文本.
//!
//! The modules follow the pipeline: [`model`] and [`load`] read the data,
//! [`style`] resolves layout settings, [`render`] makes Typst source with
//! Tera, [`world`], [`fonts`] and [`compile`] run Typst in-process,
//! [`export`] writes the PDF; [`pipeline`] chains them, [`diag`] reports, and
//! [`cli`] holds one file per subcommand.

pub mod checks;
pub mod cli;
pub mod compile;
mod confine;
pub mod diag;
pub mod diff;
pub mod docfiles;
pub(crate) mod escape;
pub mod export;
pub mod fonts;
pub mod form;
pub mod load;
pub mod locate;
pub mod model;
pub mod pipeline;
mod place;
pub mod render;
pub mod revision;
pub mod session;
pub mod stamp;
pub mod stdio;
pub mod style;
pub mod textconv;
pub mod translate;
pub(crate) mod visual;
pub mod watch;
pub mod world;
