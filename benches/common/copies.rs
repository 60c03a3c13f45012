//! Copies of the reference document for the batch benchmarks: shared by
//! them through `#[path]`.

use std::path::{Path, PathBuf};

/// Copies a document to `to` with its 项目编码 made unique to copy `n`
/// (so a batch check finds no code twice).
pub fn copy_with_codes(from: &Path, to: &Path, n: usize) -> PathBuf {
    std::fs::create_dir_all(to.join("projects")).unwrap();
    std::fs::copy(from.join("document.toml"), to.join("document.toml")).unwrap();
    for entry in std::fs::read_dir(from.join("projects")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text.replace("code = \"", &format!("code = \"B{n:03}"));
        std::fs::write(to.join("projects").join(path.file_name().unwrap()), text).unwrap();
    }
    to.to_path_buf()
}
