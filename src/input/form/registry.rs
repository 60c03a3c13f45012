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
pub const BUILTIN: &[(&str, &str)] = &[
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
        let mut out = Self::builtin();
        let dir = templates.join(FORMS_DIR);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(crate::report::diag::io_error("读取表样文件夹", &dir, &e).into()),
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        if paths.len() > MAX_FORMS {
            return Err(Diagnostic::error(format!(
                "表样文件夹“{}”有 {} 个文件，超过上限 {MAX_FORMS}",
                crate::report::diag::display_path(&dir),
                paths.len()
            ))
            .into());
        }
        let mut errors = Vec::new();
        for path in paths {
            match read_form(templates, &path, sources) {
                Ok(form) => {
                    out.files.insert(form.name.clone(), path);
                    out.forms.insert(form.name.clone(), Arc::new(form));
                }
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

/// Reads one project form, named by its file name.
fn read_form(templates: &Path, path: &Path, sources: &SourceMap) -> Result<Form> {
    let bytes = crate::input::confine::open_confined(templates, path, MAX_FORM_BYTES)
        .map_err(|e| e.diagnostic("表样", path, MAX_FORM_BYTES))?;
    let name = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    super::parse::parse_form(path, bytes, &name, sources)
}
