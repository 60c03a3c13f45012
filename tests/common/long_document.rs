//! A long document made of copies of the reference projects, for the
//! memory of `diff --pages` (issue 8, item 14): shared by
//! `tests/pages_memory.rs` and `benches/pages.rs` through `#[path]`.

use std::path::Path;

/// Writes into `dir` the reference `document.toml` and `copies` times each
/// reference project (codes made unique): about 1.2 pages per project. In
/// the first copy of the first project, `≥800平方米` becomes `edit`.
pub fn write_long_document(dir: &Path, copies: usize, edit: &str) {
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/2025/chengde-xinfang");
    std::fs::create_dir_all(dir.join("projects")).unwrap();
    std::fs::copy(from.join("document.toml"), dir.join("document.toml")).unwrap();
    let mut originals: Vec<_> = std::fs::read_dir(from.join("projects"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    originals.sort();
    for (i, path) in originals.iter().enumerate() {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy();
        for copy in 0..copies {
            let mut text = text.replacen("code = \"", &format!("code = \"C{copy}-"), 1);
            if i == 0 && copy == 0 {
                text = text.replace("≥800平方米", edit);
            }
            std::fs::write(dir.join(format!("projects/{copy:03}-{name}")), text).unwrap();
        }
    }
}
