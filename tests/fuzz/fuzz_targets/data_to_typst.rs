//! Fuzz target for the data → Typst path: any text as `document.toml` and a
//! project file must never panic in loading, the rules or rendering, and
//! whatever renders must be Typst source that parses without an error (so no
//! data can change the document's structure).
//!
//! Run: `cargo fuzz run --fuzz-dir tests/fuzz data_to_typst` (nightly).

#![no_main]

use std::path::Path;
use std::sync::OnceLock;

use jixiao::report::diag::SourceMap;
use jixiao::input::model::{Document, Project};
use jixiao::typeset::render::{self, Templates};
use libfuzzer_sys::fuzz_target;

fn templates() -> &'static Templates {
    static T: OnceLock<Templates> = OnceLock::new();
    T.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../templates");
        Templates::load(&dir, &SourceMap::default()).expect("shipped templates load")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (doc_text, project_text) = text.split_once("\n=====\n").unwrap_or((text, ""));
    let Ok(mut doc) = toml::from_str::<Document>(doc_text) else {
        return;
    };
    if let Ok(p) = toml::from_str::<Project>(project_text) {
        doc.projects.push(p);
    }
    let _ = jixiao::rules::findings(&doc);
    let Ok(style) = jixiao::typeset::style::resolve(&doc.style) else {
        return;
    };
    let view = render::view(&doc, style);
    let source = templates()
        .render(&view, &SourceMap::default())
        .expect("valid data always renders");
    let (errors, _) = typst::syntax::parse(&source).errors_and_warnings();
    assert!(
        errors.is_empty(),
        "data produced Typst that does not parse: {errors:?}"
    );
});
