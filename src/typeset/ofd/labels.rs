//! Page labels of an OFD document. GB/T 33190 has no page labels, so they
//! are written as its extension mechanism allows: one `ofd:Extension` per
//! page (`RefId` the page's ID) with a `PageLabel` property, holding what
//! the PDF's page labels show for the page ("i", "ii", "1", …).

use std::fmt::Write;

use typst::model::Numbering;
use typst_layout::PagedDocument;

use super::xml::{DECLARATION, NS, escape};

/// The extensions part's path inside the document folder.
pub(super) const PATH: &str = "Extensions.xml";

/// The label the PDF shows for each page: the page's numbering pattern
/// applied to its logical number, as typst-pdf makes it; `None` for a page
/// without a pattern numbering (typst-pdf gives it no label either).
pub(super) fn labels(document: &PagedDocument) -> Vec<Option<String>> {
    document
        .pages()
        .iter()
        .map(|page| match page.numbering.as_ref()? {
            Numbering::Pattern(pattern) => pattern.apply(None, &[page.number]).ok().map(Into::into),
            Numbering::Func(_) => None,
        })
        .collect()
}

/// `Extensions.xml` with the pages' labels, or `None` when no page has one.
/// `page_ids[i]` is the ID of page i + 1.
pub(super) fn extensions(labels: &[Option<String>], page_ids: &[u64]) -> Option<String> {
    let mut out = String::new();
    for (label, id) in labels.iter().zip(page_ids) {
        let Some(label) = label else { continue };
        let _ = writeln!(
            out,
            "<ofd:Extension AppName=\"jixiao\" AppVersion=\"{}\" RefId=\"{id}\"><ofd:Property Name=\"PageLabel\" Type=\"string\">{}</ofd:Property></ofd:Extension>",
            env!("CARGO_PKG_VERSION"),
            escape(label),
        );
    }
    (!out.is_empty()).then(|| {
        format!("{DECLARATION}<ofd:Extensions xmlns:ofd=\"{NS}\">\n{out}</ofd:Extensions>\n")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unlabelled_pages_are_left_out() {
        let labels = [Some("i".to_string()), None, Some("<1>".to_string())];
        let xml = extensions(&labels, &[1, 2, 3]).unwrap();
        assert!(xml.contains("RefId=\"1\"><ofd:Property Name=\"PageLabel\" Type=\"string\">i<"));
        assert!(!xml.contains("RefId=\"2\""));
        assert!(xml.contains(">&lt;1&gt;</ofd:Property>"));
        assert_eq!(extensions(&[None, None], &[1, 2]), None);
    }
}
