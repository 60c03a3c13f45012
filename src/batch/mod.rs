//! Batch build and check: every document folder below one folder in one
//! process. This part holds what does not print: finding the documents
//! ([`discover`]), the facts a summary needs of each ([`Facts`]), the
//! findings across documents ([`cross`]) and the summary ([`summary`]);
//! `cli::batch` runs the documents and prints.

pub(crate) mod cross;
pub(crate) mod discover;
pub(crate) mod summary;

use rust_decimal::Decimal;

use crate::input::form::Role;
use crate::input::load::Loaded;
use crate::report::diag::{Diagnostic, SourceMap, Span};

/// What the summary and the cross-document checks need of one document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Facts {
    /// The budget year.
    pub(crate) year: i32,
    /// The number of project tables (项目绩效目标表).
    pub(crate) tables: usize,
    /// The sum of the projects' 预算数, exact.
    pub(crate) total: Decimal,
    /// The money unit of the amounts (万元).
    pub(crate) unit: String,
    /// Each project's 项目编码 with where it is written.
    pub(crate) codes: Vec<CodeSite>,
}

/// A 项目编码 and the span of its value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CodeSite {
    /// The code.
    pub(crate) code: String,
    /// Where it is written, if it could be located.
    pub(crate) span: Option<Span>,
}

impl Facts {
    /// The facts of a loaded document; code spans are looked up in `sources`.
    pub(crate) fn of(loaded: &Loaded, sources: &SourceMap) -> Self {
        let doc = &loaded.document;
        let total = doc
            .projects
            .iter()
            .filter_map(|p| p.total())
            .map(|a| a.0)
            .sum();
        let mut codes = Vec::new();
        let mut marks = Vec::new();
        for (n, p) in doc.projects.iter().enumerate() {
            let code = p.code();
            if code.is_empty() {
                continue;
            }
            let key = p.form.role(Role::Code).map_or("code", |f| f.key);
            marks.push(Diagnostic::note(String::new()).with_place(p.field_place(n, key)));
            codes.push(code);
        }
        loaded.locate(sources, &mut marks);
        let codes = codes
            .into_iter()
            .zip(marks)
            .map(|(code, mark)| CodeSite {
                code,
                span: mark.span,
            })
            .collect();
        Self {
            year: doc.year,
            tables: doc.projects.len(),
            total,
            unit: doc.money_unit.clone(),
            codes,
        }
    }
}
