//! Batch build and check: every document folder below one folder in one
//! process. This part holds what does not print: finding the documents
//! ([`discover`]), the facts a summary needs of each ([`Facts`]), the
//! findings across documents ([`cross`]) and the summary ([`summary`]);
//! `cli::batch` runs the documents and prints.

pub(crate) mod cross;
pub(crate) mod discover;
pub(crate) mod summary;

use rust_decimal::Decimal;

use crate::input::form::{Placement, Role};
use crate::input::load::Loaded;
use crate::report::diag::{Diagnostic, SourceMap, Span};

/// What the summary and the cross-document checks need of one document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Facts {
    /// The budget year.
    pub(crate) year: i32,
    /// The number of project tables (项目绩效目标表 in 第二部分; the
    /// 部门整体支出绩效目标表 is not one).
    pub(crate) tables: usize,
    /// The sum of those projects' 预算数, exact; `None` past what a
    /// decimal holds.
    pub(crate) total: Option<Decimal>,
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
        // The 整体支出 table's 资金总额 already holds the projects' money.
        let total = crate::compare::diff::budget_total(doc, Placement::Project);
        let tables = doc.projects.iter();
        let tables = tables.filter(|p| p.form.placement == Placement::Project);
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
            tables: tables.count(),
            total,
            unit: doc.money_unit.clone(),
            codes,
        }
    }
}
