//! The outline (bookmarks) of an OFD document: the headings Typst's PDF
//! export bookmarks, each going to its page at the heading's height.

use std::fmt::Write;

use typst::foundations::{NativeElement, Packed, StyleChain};
use typst::introspection::Introspector;
use typst::layout::Abs;
use typst::model::{HeadingElem, OutlineNode};
use typst_layout::PagedDocument;

use super::xml::{escape, mm};

/// `<ofd:Outlines>…</ofd:Outlines>`, or nothing for a document without
/// bookmarked headings. `page_ids[i]` is the ID of page i + 1.
pub(super) fn outlines(document: &PagedDocument, page_ids: &[u64]) -> String {
    let introspector = document.introspector();
    let headings = introspector.query(&HeadingElem::ELEM.select());
    let flat = headings.iter().filter_map(|elem| {
        let heading = elem.to_packed::<HeadingElem>()?;
        let level = heading.resolve_level(StyleChain::default());
        let bookmarked = heading
            .bookmarked
            .get(StyleChain::default())
            .unwrap_or_else(|| heading.outlined.get(StyleChain::default()));
        Some((heading, level, bookmarked))
    });
    let tree = OutlineNode::build_tree(flat);
    if tree.is_empty() {
        return String::new();
    }
    let mut out = String::from("<ofd:Outlines>\n");
    for node in &tree {
        element(&mut out, node, document, page_ids);
    }
    out.push_str("</ofd:Outlines>\n");
    out
}

/// The title the PDF's bookmark has: the heading's number, then its text.
pub(super) fn title(heading: &Packed<HeadingElem>) -> String {
    let text = heading.body.plain_text();
    match &heading.numbers {
        Some(numbers) => format!("{numbers} {text}"),
        None => text.to_string(),
    }
}

fn element(
    out: &mut String,
    node: &OutlineNode<&Packed<HeadingElem>>,
    document: &PagedDocument,
    page_ids: &[u64],
) {
    let Some(position) = node
        .entry
        .location()
        .and_then(|loc| document.introspector().position(loc))
    else {
        return;
    };
    let Some(page) = page_ids.get(position.page.get() - 1) else {
        return;
    };
    let _ = writeln!(
        out,
        "<ofd:OutlineElem Title=\"{}\"><ofd:Actions><ofd:Action Event=\"CLICK\"><ofd:Goto><ofd:Dest Type=\"XYZ\" PageID=\"{page}\" Left=\"{}\" Top=\"{}\"/></ofd:Goto></ofd:Action></ofd:Actions>",
        escape(&title(node.entry)),
        mm(position.point.x),
        // 10 pt above the heading, as Typst's PDF bookmarks point.
        mm((position.point.y - Abs::pt(10.0)).max(Abs::zero())),
    );
    for child in &node.children {
        element(out, child, document, page_ids);
    }
    out.push_str("</ofd:OutlineElem>\n");
}
