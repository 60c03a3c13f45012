//! 总体绩效目标 written as `[[overall]]` parts: each prints as a numbered
//! "（一）" sub-heading followed by its paragraphs, and the parts show in
//! `textconv` and `diff` by number.

mod common;

use std::process::Command;

use common::*;

fn jixiao(args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .output()
        .expect("cannot run the jixiao binary")
}

#[test]
fn overall_parts_print_under_numbered_subheadings() {
    let out = TempDir::new("overall-parts");
    let pdf = build_ok(&fixture("overall-parts"), out.path(), "parts");
    let body = body_text(&pdf);
    let expected = squash(
        "一、总体绩效目标\
         （一）年度总体目标\
         全面完成年度信访工作任务，信访事项及时受理率达到100%。\
         持续推进信访工作法治化建设。\
         （二）履职目标\
         依法依规办理群众来信来访，按期办结率不低于95%。\
         二、分项绩效目标",
    );
    assert!(
        body.contains(&expected),
        "the parts are not printed in order under 一、总体绩效目标:\n{body}"
    );
}

#[test]
fn overall_parts_in_textconv_and_diff() {
    let doc = fixture("overall-parts").join("document.toml");
    let text = String::from_utf8(jixiao(&["textconv".as_ref(), doc.as_os_str()]).stdout).unwrap();
    assert!(
        text.contains("总体绩效目标（二）标题: 履职目标\n总体绩效目标（二）正文[1]: 依法依规"),
        "{text}"
    );

    let tmp = TempDir::new("overall-diff");
    let (old, new) = (tmp.path().join("old"), tmp.path().join("new"));
    let source = std::fs::read_to_string(&doc).unwrap();
    for (dir, text) in [
        (&old, source.clone()),
        (
            &new,
            source.replace("title = \"履职目标\"", "title = \"部门履职目标\""),
        ),
    ] {
        std::fs::create_dir(dir).unwrap();
        std::fs::write(dir.join("document.toml"), text).unwrap();
    }
    let diff = jixiao(&["diff".as_ref(), old.as_os_str(), new.as_os_str()]);
    let shown = String::from_utf8(diff.stdout).unwrap();
    assert!(
        shown.contains("修改 总体绩效目标") && shown.contains("（二）{+部门+}履职目标"),
        "{shown}"
    );
}
