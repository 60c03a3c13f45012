//! The templates and fonts compiled into the binary, so that an installed
//! jixiao needs no source tree; a project's own files override them by name.

use std::path::PathBuf;

/// How built-in files are named in messages: they have no path on disk.
pub const BUILTIN_DIR: &str = "<内置模板>";

/// The built-in templates: file name inside `templates/`, and text.
pub static TEMPLATES: &[(&str, &str)] = &[
    (
        "document.typ.tera",
        include_str!("../../templates/document.typ.tera"),
    ),
    (
        "project.typ.tera",
        include_str!("../../templates/project.typ.tera"),
    ),
    ("jixiao.typ", include_str!("../../templates/jixiao.typ")),
];

/// The built-in fonts (Fandol Song, Hei, Kai and Fang: GPL with the font
/// exception, which allows embedding them in documents): file name and bytes.
pub static FONTS: &[(&str, &[u8])] = &[
    (
        "FandolFang-Regular.otf",
        include_bytes!("../../fonts/FandolFang-Regular.otf"),
    ),
    (
        "FandolHei-Regular.otf",
        include_bytes!("../../fonts/FandolHei-Regular.otf"),
    ),
    (
        "FandolKai-Regular.otf",
        include_bytes!("../../fonts/FandolKai-Regular.otf"),
    ),
    (
        "FandolSong-Bold.otf",
        include_bytes!("../../fonts/FandolSong-Bold.otf"),
    ),
    (
        "FandolSong-Regular.otf",
        include_bytes!("../../fonts/FandolSong-Regular.otf"),
    ),
];

/// The name a built-in file goes by in messages: `<内置模板>/NAME`.
pub fn path(name: &str) -> PathBuf {
    PathBuf::from(BUILTIN_DIR).join(name)
}

/// The text of the built-in template `name` (`jixiao.typ`), if there is one.
pub fn template(name: &str) -> Option<&'static str> {
    TEMPLATES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// The hint for an error in a project's own copy of the built-in template
/// `name`: it is the project's file, and how to go back or compare.
pub fn override_hint(name: &str) -> String {
    format!(
        "出错的是本项目自己的 templates/{name}，它替换了内置的同名模板；如非有意修改，删除它即用回内置模板，或用 jixiao templates export 文件夹 写出内置版本对照"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lists must name every file the source tree ships, so a template
    /// or font added there is not silently left out of the binary.
    #[test]
    fn every_shipped_template_and_font_is_built_in() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let names = |dir: &str, keep: fn(&str) -> bool| -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(root.join(dir))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| keep(n))
                .collect();
            v.sort();
            v
        };
        let templates = names("templates", |n| n.ends_with(".tera") || n.ends_with(".typ"));
        let built: Vec<&str> = TEMPLATES.iter().map(|(n, _)| *n).collect();
        let mut built_sorted = built.clone();
        built_sorted.sort();
        assert_eq!(templates, built_sorted);
        let fonts = names("fonts", |n| n.ends_with(".otf") || n.ends_with(".ttf"));
        let built: Vec<&str> = FONTS.iter().map(|(n, _)| *n).collect();
        assert_eq!(fonts, built);
    }
}
