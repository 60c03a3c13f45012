//! `jixiao schema`: the JSON Schemas it writes accept the reference data
//! and every example document file by file, and refuse broken files (an
//! unknown key, text where a number is required, a 一级指标 outside the
//! taxonomies).

mod common;

use std::path::Path;
use std::process::Command;

use common::{TempDir, manifest_dir, reference_dir};

/// A TOML value as JSON, the way an editor hands it to the validator
/// (a date becomes its text).
fn to_json(v: &toml::Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s.clone()),
        toml::Value::Integer(i) => J::from(*i),
        toml::Value::Float(f) => J::from(*f),
        toml::Value::Boolean(b) => J::Bool(*b),
        toml::Value::Datetime(d) => J::String(d.to_string()),
        toml::Value::Array(a) => J::Array(a.iter().map(to_json).collect()),
        toml::Value::Table(t) => {
            J::Object(t.iter().map(|(k, v)| (k.clone(), to_json(v))).collect())
        }
    }
}

/// The schema files `jixiao schema -o` writes, compiled.
struct Compiled {
    schemas: boon::Schemas,
    index: Vec<(String, boon::SchemaIndex)>,
}

impl Compiled {
    fn load(dir: &Path) -> Self {
        let mut schemas = boon::Schemas::new();
        let mut compiler = boon::Compiler::new();
        let mut index = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let json: serde_json::Value =
                serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
            let url = format!("file:///schemas/{name}");
            compiler.add_resource(&url, json).unwrap();
            let i = compiler
                .compile(&url, &mut schemas)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            index.push((name, i));
        }
        Self { schemas, index }
    }

    /// Validates TOML text against the schema file `name`.
    fn check(&self, name: &str, text: &str) -> Result<(), String> {
        let (_, i) = self.index.iter().find(|(n, _)| n == name).expect(name);
        let value: toml::Value = toml::from_str(text).unwrap();
        self.schemas
            .validate(&to_json(&value), *i)
            .map_err(|e| format!("{e:#}"))
    }
}

/// Runs `jixiao schema ARGS` in the repository; its standard output.
fn schema_cmd(args: &[&std::ffi::OsStr]) -> Vec<u8> {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("schema")
        .args(args)
        .current_dir(manifest_dir())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    out.stdout
}

fn schemas() -> (TempDir, Compiled) {
    let tmp = TempDir::new("schema");
    schema_cmd(&["-o".as_ref(), tmp.path().as_os_str()]);
    let compiled = Compiled::load(tmp.path());
    (tmp, compiled)
}

/// Each data file of a document folder with the schema file it follows.
fn files_of(doc: &Path) -> Vec<(String, String)> {
    let doc_text = std::fs::read_to_string(doc.join("document.toml")).unwrap();
    let doc_table: toml::Table = toml::from_str(&doc_text).unwrap();
    let default = doc_table
        .get("form")
        .and_then(|v| v.as_str())
        .unwrap_or("hebei")
        .to_string();
    let mut out = vec![("document.schema.json".to_string(), doc_text)];
    for entry in std::fs::read_dir(doc.join("projects")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        let t: toml::Table = toml::from_str(&text).unwrap();
        let form = t.get("form").and_then(|v| v.as_str()).unwrap_or(&default);
        out.push((format!("project.{form}.schema.json"), text));
    }
    out
}

#[test]
fn the_reference_data_and_every_example_validate() {
    let (_tmp, c) = schemas();
    let mut docs = vec![reference_dir()];
    for e in std::fs::read_dir(manifest_dir().join("data/examples")).unwrap() {
        docs.push(e.unwrap().path());
    }
    assert!(docs.len() >= 4, "{docs:?}");
    let mut checked = 0;
    for doc in docs {
        for (schema, text) in files_of(&doc) {
            if let Err(e) = c.check(&schema, &text) {
                panic!("{} against {schema}: {e}", doc.display());
            }
            checked += 1;
        }
    }
    assert!(checked >= 15, "{checked}");
}

#[test]
fn broken_files_fail_validation() {
    let (_tmp, c) = schemas();
    let project =
        std::fs::read_to_string(reference_dir().join("projects/01-jiefang-dating.toml")).unwrap();
    let hebei = "project.hebei.schema.json";
    assert!(c.check(hebei, &project).is_ok());
    let broken = [
        ("unknown key", project.replace("usage = ", "usgae = ")),
        (
            "text for a number",
            project.replace("total = \"117.26\"", "total = \"一百\""),
        ),
        (
            "boolean amount",
            project.replace("total = \"117.26\"", "total = true"),
        ),
        (
            "bad 一级指标",
            project.replacen("level1 = \"产出指标\"", "level1 = \"产出\"", 1),
        ),
        (
            "missing 项目编码",
            project.replace("code = \"QC154005\"\n", ""),
        ),
    ];
    for (what, text) in broken {
        assert!(c.check(hebei, &text).is_err(), "{what} passed");
    }
    let doc = std::fs::read_to_string(reference_dir().join("document.toml")).unwrap();
    assert!(c.check("document.schema.json", &doc).is_ok());
    let central = format!("form = \"central\"\n{doc}\n[check]\nprofile = \"C\"\n");
    assert!(c.check("document.schema.json", &central).is_ok());
    let hebei_b = format!("{doc}\n[check]\nprofile = \"B\"\n");
    assert!(c.check("document.schema.json", &hebei_b).is_ok());
    for (what, text) in [
        ("unknown key", doc.replace("unit_name = ", "unit_nmae = ")),
        (
            "year as text",
            doc.replace("year = 2025", "year = \"2025\""),
        ),
        (
            "year out of range",
            doc.replace("year = 2025", "year = 1999"),
        ),
        // C is a taxonomy of central only; the document's form is hebei.
        (
            "profile of another form",
            format!("{doc}\n[check]\nprofile = \"C\"\n"),
        ),
        (
            "profile of another form, named",
            format!("form = \"hebei\"\n{doc}\n[check]\nprofile = \"C\"\n"),
        ),
    ] {
        assert!(
            c.check("document.schema.json", &text).is_err(),
            "{what} passed"
        );
    }
}

#[test]
fn descriptions_are_chinese_and_one_form_can_be_printed() {
    let out = schema_cmd(&["--form".as_ref(), "central".as_ref()]);
    let schema: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(schema["properties"]["form"]["const"], "central");
    let name = schema["properties"]["name"]["description"]
        .as_str()
        .unwrap();
    assert!(name.starts_with("项目名称（必填）"), "{name}");
    let out = schema_cmd(&[]);
    let doc: serde_json::Value = serde_json::from_slice(&out).unwrap();
    let year = doc["properties"]["year"]["description"].as_str().unwrap();
    assert!(year.starts_with("预算年度（必填）"), "{year}");
    assert_eq!(
        doc["properties"]["goals"]["items"]["properties"]["title"]["title"],
        "标题"
    );
    let text = String::from_utf8(out).unwrap();
    assert!(
        text.lines()
            .filter(|l| l.contains("\"description\": \""))
            .all(|l| l.chars().any(|c| c > '\u{2e80}')),
        "English doc comments leaked"
    );
    // TOML has no null: an absent key is the default.
    assert!(!text.contains("null"), "{text}");
}

#[test]
fn a_project_form_gets_a_schema_of_its_own() {
    let tmp = TempDir::new("schema-form");
    let forms = tmp.path().join("templates/forms");
    std::fs::create_dir_all(&forms).unwrap();
    let central =
        std::fs::read_to_string(manifest_dir().join("templates/forms/central.toml")).unwrap();
    let county = central.replacen("name = \"central\"", "name = \"county\"", 1);
    assert_ne!(county, central);
    std::fs::write(forms.join("county.toml"), county).unwrap();
    // A project root: templates (the main one may be empty here) and fonts.
    std::fs::write(tmp.path().join("templates/document.typ.tera"), "").unwrap();
    std::fs::create_dir_all(tmp.path().join("fonts")).unwrap();
    let root = tmp.path().as_os_str();
    let out = schema_cmd(&[
        "--root".as_ref(),
        root,
        "--form".as_ref(),
        "county".as_ref(),
    ]);
    let schema: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(schema["properties"]["form"]["const"], "county");
    let doc: serde_json::Value =
        serde_json::from_slice(&schema_cmd(&["--root".as_ref(), root])).unwrap();
    let forms = doc["properties"]["form"]["enum"].as_array().unwrap();
    assert!(forms.iter().any(|f| f == "county"), "{forms:?}");
}
