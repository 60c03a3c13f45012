//! A new column is a change to one form file: a copied form with an extra
//! required column is printed, checked, diffed and textconv'd without any
//! change to the program.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{TempDir, build_ok, manifest_dir, pdf_text, squash};

/// The built-in Hebei form copied as `hebei-weight` with a required 权重
/// column after 指标值 (确定依据 gives up one of its two grid columns).
fn weighted_form() -> String {
    let hebei = std::fs::read_to_string(manifest_dir().join("templates/forms/hebei.toml")).unwrap();
    let with_column = hebei
        .replace("name = \"hebei\"", "name = \"hebei-weight\"")
        .replace(
            "label = \"指标值确定依据\"\nneed = \"recommended\"\nspan = 2",
            "label = \"指标值确定依据\"\nneed = \"recommended\"\n\n\
             [[tables.columns]]\nkey = \"weight\"\nlabel = \"权重\"\nneed = \"required\"",
        );
    assert_ne!(
        hebei.replace("\"hebei\"", "\"hebei-weight\""),
        with_column,
        "the form text changed shape"
    );
    with_column
}

/// A project root (templates with the extra form, shared fonts) holding
/// one document whose table uses the new form.
fn project(tmp: &Path, weight: &str) -> PathBuf {
    let root = tmp.join("root");
    let forms = root.join("templates/forms");
    std::fs::create_dir_all(&forms).unwrap();
    for entry in std::fs::read_dir(manifest_dir().join("templates")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(
                &path,
                root.join("templates").join(path.file_name().unwrap()),
            )
            .unwrap();
        }
    }
    std::fs::write(forms.join("hebei-weight.toml"), weighted_form()).unwrap();
    std::os::unix::fs::symlink(manifest_dir().join("fonts"), root.join("fonts")).unwrap();
    let doc = root.join("data/doc");
    std::fs::create_dir_all(doc.join("projects")).unwrap();
    std::fs::write(
        doc.join("document.toml"),
        "year = 2025\ndepartment = \"测试局\"\nunit_code = \"1\"\nunit_name = \"测试局本级\"\ndate = 2025-01-20\n",
    )
    .unwrap();
    std::fs::write(doc.join("projects/01-a.toml"), project_text(weight)).unwrap();
    doc
}

fn project_text(weight: &str) -> String {
    let rows = [
        ("产出指标", "数量指标", "培训人次"),
        ("效益指标", "社会效益指标", "群众知晓率"),
        ("满意度指标", "服务对象满意度指标", "参训人员满意度"),
    ];
    let mut text = String::from(
        "form = \"hebei-weight\"\ncode = \"T01\"\nname = \"培训经费\"\nusage = \"用于培训。\"\n\
         goal = \"完成培训。\"\n[budget]\ntotal = \"10\"\nfiscal = \"10\"\n[plan]\ndecember = 100\n",
    );
    for (i, (l1, l2, name)) in rows.iter().enumerate() {
        let w = if i == 0 {
            weight.to_string()
        } else {
            "weight = \"30%\"\n".into()
        };
        text += &format!(
            "[[indicators]]\nlevel1 = \"{l1}\"\nlevel2 = \"{l2}\"\nname = \"{name}\"\n\
             description = \"{name}\"\nvalue = \"≥90%\"\nbasis = \"计划\"\n{w}"
        );
    }
    text
}

fn jixiao(args: &[&std::ffi::OsStr], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

fn text_of(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn a_column_added_to_a_form_file_is_printed() {
    let tmp = TempDir::new("form-column-print");
    let doc = project(tmp.path(), "weight = \"40%\"\n");
    let pdf = build_ok(&doc, tmp.path(), "weighted");
    let text = squash(&pdf_text(&pdf));
    assert!(text.contains("权重"), "{text}");
    assert!(text.contains("40%") && text.contains("30%"), "{text}");
}

#[test]
fn a_required_column_is_checked() {
    let tmp = TempDir::new("form-column-check");
    let doc = project(tmp.path(), "weight = \"\"\n");
    let out = jixiao(&["check".as_ref(), doc.as_os_str()], tmp.path());
    let text = text_of(&out);
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("error[J602]: 第 1 行指标的权重为空"),
        "{text}"
    );
    assert!(text.contains("01-a.toml:18:10"), "{text}");

    std::fs::write(doc.join("projects/01-a.toml"), project_text("")).unwrap();
    let text = text_of(&jixiao(&["check".as_ref(), doc.as_os_str()], tmp.path()));
    assert!(
        text.contains("缺少必填字段“indicators[1].weight”（权重）"),
        "{text}"
    );
}

#[test]
fn a_new_column_is_diffed_and_textconvd() {
    let tmp = TempDir::new("form-column-diff");
    let doc = project(tmp.path(), "weight = \"40%\"\n");
    let old = tmp.path().join("root/data/old");
    std::fs::create_dir_all(old.join("projects")).unwrap();
    std::fs::copy(doc.join("document.toml"), old.join("document.toml")).unwrap();
    std::fs::write(
        old.join("projects/01-a.toml"),
        project_text("weight = \"20%\"\n"),
    )
    .unwrap();
    let out = jixiao(
        &["diff".as_ref(), old.as_os_str(), doc.as_os_str()],
        tmp.path(),
    );
    let text = text_of(&out);
    assert!(
        text.contains("权重") && text.contains("20%") && text.contains("40%"),
        "{text}"
    );

    let file = doc.join("projects/01-a.toml");
    let root = tmp.path().join("root");
    let out = jixiao(&["textconv".as_ref(), file.as_os_str()], &root);
    let text = text_of(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("表样: hebei-weight"), "{text}");
    assert!(text.contains("| 权重=40%"), "{text}");
}

#[test]
fn jixiao_forms_lists_every_form_with_its_columns() {
    let tmp = TempDir::new("form-column-list");
    let doc = project(tmp.path(), "weight = \"40%\"\n");
    let root = doc.parent().unwrap().parent().unwrap().to_path_buf();
    let out = jixiao(&["forms".as_ref()], &root);
    let text = text_of(&out);
    assert!(out.status.success(), "{text}");
    for (name, _) in jixiao::input::form::BUILTIN {
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{name}  "))),
            "{name}: {text}"
        );
    }
    assert!(text.contains("hebei-weight"), "{text}");
    let out = jixiao(&["forms".as_ref(), "hebei-weight".as_ref()], &root);
    let text = text_of(&out);
    assert!(text.contains("[[indicators]] 绩效指标"), "{text}");
    assert!(
        text.contains("weight") && text.contains("权重  文本  必填"),
        "{text}"
    );
    let out = jixiao(&["forms".as_ref(), "hebe".as_ref()], &root);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text_of(&out).contains("您是不是想写“hebei”"),
        "{}",
        text_of(&out)
    );
}
