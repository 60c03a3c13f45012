//! The forms a build can use: the built-in ones compiled into the program,
//! overridden or extended by the project's `templates/forms/*.toml`.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use super::Form;
use crate::report::diag::{Diagnostic, Diagnostics, Result, SourceMap};

/// The form of a table whose document and file name none.
pub const DEFAULT_FORM: &str = "hebei";
/// The folder (inside the templates folder) holding project forms.
pub const FORMS_DIR: &str = "forms";

/// The built-in forms: name and TOML text.
pub static BUILTIN: &[(&str, &str)] = &[
    ("hebei", include_str!("../../../templates/forms/hebei.toml")),
    (
        "central",
        include_str!("../../../templates/forms/central.toml"),
    ),
    (
        "department",
        include_str!("../../../templates/forms/department.toml"),
    ),
    (
        "shenbao",
        include_str!("../../../templates/forms/shenbao.toml"),
    ),
];

/// The largest form file read; real ones are a few kilobytes.
const MAX_FORM_BYTES: u64 = 1024 * 1024;
/// The most form files one project may have.
const MAX_FORMS: usize = 256;

/// A key of a form as a `&'static str`, stored once per distinct text,
/// so places in the data (`Seg::Key`) can name form-defined keys.
pub fn intern(key: &str) -> &'static str {
    static KEYS: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let mut keys = KEYS
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(k) = keys.get(key) {
        return k;
    }
    let k: &'static str = Box::leak(key.to_string().into_boxed_str());
    keys.insert(k);
    k
}

/// The forms known to one build, by name.
#[derive(Debug, Clone)]
pub struct Registry {
    forms: BTreeMap<String, Arc<Form>>,
    /// Where each project form came from (built-in ones are absent).
    files: BTreeMap<String, PathBuf>,
}

impl Registry {
    /// The built-in forms only.
    pub fn builtin() -> Self {
        static FORMS: OnceLock<BTreeMap<String, Arc<Form>>> = OnceLock::new();
        let forms = FORMS.get_or_init(|| {
            let sources = SourceMap::default();
            BUILTIN
                .iter()
                .map(|(name, text)| {
                    let path = Path::new("<内置表样>").join(format!("{name}.toml"));
                    let form =
                        super::parse::parse_form(&path, text.as_bytes().to_vec(), name, &sources)
                            .unwrap_or_else(|e| {
                                panic!("built-in form {name}: {}", sources.render_plain(&e.0))
                            });
                    (name.to_string(), Arc::new(form))
                })
                .collect()
        });
        Self {
            forms: forms.clone(),
            files: BTreeMap::new(),
        }
    }

    /// The built-in forms with those of `templates/forms/` (same name wins).
    pub fn load(templates: &Path, sources: &SourceMap) -> Result<Self> {
        let dir = templates.join(FORMS_DIR);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::builtin()),
            Err(e) => return Err(crate::report::diag::io_error("读取表样文件夹", &dir, &e).into()),
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| is_form_file(p))
            .collect();
        paths.sort();
        check_count(&dir, paths.len())?;
        let files = paths.into_iter().map(|path| {
            let bytes = crate::input::confine::open_confined(templates, &path, MAX_FORM_BYTES)
                .map_err(|e| e.diagnostic("表样", &path, MAX_FORM_BYTES).into());
            (path, bytes)
        });
        Self::with_files(files, sources)
    }

    /// The built-in forms with project forms given as bytes (a git
    /// revision's `templates/forms/`, read into memory), named in messages
    /// by `dir` joined with each file name; files not ending in `.toml`
    /// are left out, like [`Registry::load`] does on disk.
    pub fn from_files(
        dir: &Path,
        files: Vec<(String, Vec<u8>)>,
        sources: &SourceMap,
    ) -> Result<Self> {
        let mut files: Vec<(PathBuf, Vec<u8>)> = files
            .into_iter()
            .map(|(name, bytes)| (dir.join(name), bytes))
            .filter(|(path, _)| is_form_file(path))
            .collect();
        files.sort_by(|a, b| a.0.cmp(&b.0));
        check_count(dir, files.len())?;
        let files = files.into_iter().map(|(path, bytes)| {
            let size = bytes.len() as u64;
            let bytes = match size > MAX_FORM_BYTES {
                false => Ok(bytes),
                true => Err(crate::input::confine::ConfineError::TooLarge(size)
                    .diagnostic("表样", &path, MAX_FORM_BYTES)
                    .into()),
            };
            (path, bytes)
        });
        Self::with_files(files, sources)
    }

    /// The built-in forms overridden by the given files, parsed in order;
    /// every unreadable or bad file is reported.
    fn with_files(
        files: impl Iterator<Item = (PathBuf, Result<Vec<u8>>)>,
        sources: &SourceMap,
    ) -> Result<Self> {
        let mut out = Self::builtin();
        let mut errors = Vec::new();
        for (path, bytes) in files {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            // A copy of a built-in form (this repository's own forms, a
            // project started from them) is the built-in form, parsed once
            // per process rather than on every rebuild.
            let same = |b: &Vec<u8>| BUILTIN.iter().any(|(n, t)| *n == name && t.as_bytes() == b);
            match bytes {
                Ok(b) if same(&b) => {
                    out.files.insert(name, path);
                }
                Ok(b) => match super::parse::parse_form(&path, b, &name, sources) {
                    Ok(form) => {
                        out.files.insert(form.name.clone(), path);
                        out.forms.insert(form.name.clone(), Arc::new(form));
                    }
                    Err(d) => errors.extend(d.0),
                },
                Err(d) => errors.extend(d.0),
            }
        }
        match errors.is_empty() {
            true => Ok(out),
            false => Err(Diagnostics(errors)),
        }
    }

    /// The form with this name.
    pub fn get(&self, name: &str) -> Option<&Arc<Form>> {
        self.forms.get(name)
    }

    /// Every form, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<Form>> {
        self.forms.values()
    }

    /// The file a project form was read from; `None` for a built-in one.
    pub fn file(&self, name: &str) -> Option<&Path> {
        self.files.get(name).map(PathBuf::as_path)
    }

    /// Every form name, sorted.
    pub fn names(&self) -> Vec<&str> {
        self.forms.keys().map(String::as_str).collect()
    }
}

/// Whether a file in the forms folder is a form (`*.toml`).
fn is_form_file(path: &Path) -> bool {
    path.extension().is_some_and(|x| x == "toml")
}

/// Refuses a forms folder with more files than any project needs.
fn check_count(dir: &Path, count: usize) -> Result<()> {
    if count <= MAX_FORMS {
        return Ok(());
    }
    Err(Diagnostic::error(format!(
        "表样文件夹“{}”有 {count} 个文件，超过上限 {MAX_FORMS}",
        crate::report::diag::display_path(dir),
    ))
    .into())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The built-in `hebei` form renamed to `name`.
    fn hebei_as(name: &str) -> Vec<u8> {
        BUILTIN[0]
            .1
            .replace("name = \"hebei\"", &format!("name = \"{name}\""))
            .into_bytes()
    }

    fn revision_dir() -> &'static Path {
        Path::new("HEAD~1:templates/forms")
    }

    #[test]
    fn files_in_memory_add_and_override_forms() {
        let files = vec![
            ("extra.toml".to_string(), hebei_as("extra")),
            ("hebei.toml".to_string(), hebei_as("hebei")),
            ("README.md".to_string(), b"not a form".to_vec()),
        ];
        let forms = Registry::from_files(revision_dir(), files, &SourceMap::default()).unwrap();
        assert!(forms.get("extra").is_some());
        assert_eq!(
            forms.file("extra"),
            Some(revision_dir().join("extra.toml").as_path())
        );
        assert_eq!(
            forms.file("hebei"),
            Some(revision_dir().join("hebei.toml").as_path())
        );
        assert!(forms.file("central").is_none(), "built-in forms stay");
        assert!(!forms.names().contains(&"README"));
        let none = Registry::from_files(revision_dir(), Vec::new(), &SourceMap::default());
        assert_eq!(none.unwrap().names(), Registry::builtin().names());
    }

    #[test]
    fn errors_in_memory_are_those_on_disk_at_the_same_places() {
        let bad = hebei_as("bad")
            .into_iter()
            .chain(b"\nfoo = \n".to_vec())
            .collect::<Vec<_>>();
        let dir = std::env::temp_dir().join(format!("jixiao-registry-{}", std::process::id()));
        std::fs::create_dir_all(dir.join(FORMS_DIR)).unwrap();
        std::fs::write(dir.join(FORMS_DIR).join("bad.toml"), &bad).unwrap();
        let sources = SourceMap::default();
        let on_disk = Registry::load(&dir, &sources).unwrap_err();
        let on_disk = sources.render_plain(&on_disk.0);
        std::fs::remove_dir_all(&dir).unwrap();
        let sources = SourceMap::default();
        let files = vec![("bad.toml".to_string(), bad)];
        let in_memory = Registry::from_files(revision_dir(), files, &sources).unwrap_err();
        let in_memory = sources.render_plain(&in_memory.0);
        assert!(
            in_memory.contains("HEAD~1:templates/forms/bad.toml:"),
            "{in_memory}"
        );
        let disk_dir = crate::report::diag::display_path(&dir.join(FORMS_DIR));
        assert_eq!(
            on_disk.replace(&disk_dir, "HEAD~1:templates/forms"),
            in_memory
        );
    }

    #[test]
    fn files_in_memory_keep_the_limits_on_disk() {
        let many = (0..=MAX_FORMS)
            .map(|n| (format!("f{n}.toml"), Vec::new()))
            .collect();
        let err = Registry::from_files(revision_dir(), many, &SourceMap::default()).unwrap_err();
        assert!(
            err.0[0].message.contains("超过上限"),
            "{}",
            err.0[0].message
        );
        let big = vec![(
            "big.toml".to_string(),
            vec![b' '; MAX_FORM_BYTES as usize + 1],
        )];
        let err = Registry::from_files(revision_dir(), big, &SourceMap::default()).unwrap_err();
        assert!(err.0[0].message.contains("太大"), "{}", err.0[0].message);
    }
}
