//! jixiao turns a department's TOML data into the formal PDF 部门预算绩效文本.
//!
//! The modules follow the pipeline: [`model`] and [`load`] read the data,
//! [`style`] resolves layout settings, [`render`] makes Typst source with
//! Tera, [`world`], [`fonts`] and [`compile`] run Typst in-process,
//! [`export`] writes the PDF; [`pipeline`] chains them, [`diag`] reports, and
//! [`cli`] holds one file per subcommand.

pub mod cli;
pub mod compile;
pub mod diag;
pub mod export;
pub mod fonts;
pub mod load;
pub mod model;
pub mod pipeline;
pub mod render;
pub mod session;
pub mod stamp;
pub mod style;
pub mod watch;
pub mod world;
