//! An installed jixiao: the binary carries its templates and fonts, so a copy
//! moved away from the source tree builds the same bytes anywhere, and a
//! project's own `templates/` overrides the built-in files one by one.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{TempDir, build_ok, copy_dir, manifest_dir, pdf_text, reference_dir};

/// The binary copied into `<tmp>/bin/`, away from the source tree.
fn moved_binary(tmp: &Path) -> PathBuf {
    let bin = tmp.join("bin").join("jixiao");
    std::fs::create_dir_all(bin.parent().unwrap()).unwrap();
    std::fs::copy(env!("CARGO_BIN_EXE_jixiao"), &bin).unwrap();
    bin
}

/// Runs `bin args…` in `cwd`, with no variable pointing at the source tree.
///
/// A freshly copied binary can be "busy" (ETXTBSY) for a moment: a child
/// another test thread forks while the copy is open for writing inherits
/// the write handle until it execs. That is the test harness's race, not
/// jixiao's, so the start is retried.
fn run_in(bin: &Path, cwd: &Path, args: &[&str]) -> Output {
    let mut tries = 0;
    loop {
        let out = Command::new(bin)
            .current_dir(cwd)
            .args(args)
            .env_remove("CARGO_MANIFEST_DIR")
            .output();
        match out {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 50 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            out => return out.expect("run jixiao"),
        }
    }
}

fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "failed ({}):\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The reference built inside the source tree, as `cargo run` would.
fn in_tree_reference(tmp: &Path) -> Vec<u8> {
    std::fs::read(build_ok(&reference_dir(), tmp, "in-tree")).unwrap()
}

#[test]
fn a_moved_binary_builds_the_same_bytes_outside_any_project() {
    let tmp = TempDir::new("install-lone");
    let bin = moved_binary(tmp.path());
    let work = tmp.path().join("work");
    copy_dir(&reference_dir(), &work.join("chengde-xinfang"));
    let out = run_in(&bin, &work, &["build", "chengde-xinfang"]);
    assert_ok(&out);
    // A document outside any project is written beside its folder.
    let pdf = work.join("chengde-xinfang.pdf");
    assert!(pdf.is_file(), "no {}", pdf.display());
    assert!(std::fs::read(&pdf).unwrap() == in_tree_reference(tmp.path()));
}

#[test]
fn a_moved_binary_writes_into_the_projects_out_folder() {
    let tmp = TempDir::new("install-project");
    let bin = moved_binary(tmp.path());
    let project = tmp.path().join("office");
    copy_dir(&reference_dir(), &project.join("data/2025/chengde-xinfang"));
    // Run from inside the document folder: the project is found above it.
    let doc = project.join("data/2025/chengde-xinfang");
    assert_ok(&run_in(&bin, &doc, &["build", "."]));
    let pdf = project.join("out/2025/chengde-xinfang.pdf");
    assert!(std::fs::read(&pdf).unwrap() == in_tree_reference(tmp.path()));
}

/// Nothing of the build machine's source path is left in a release binary,
/// so it cannot read templates or fonts from there.
#[test]
fn the_binary_holds_no_path_of_the_source_tree() {
    if cfg!(debug_assertions) {
        eprintln!("skipped: a debug build keeps source paths in its debug information");
        return;
    }
    let binary = std::fs::read(env!("CARGO_BIN_EXE_jixiao")).unwrap();
    let dir = manifest_dir().canonicalize().unwrap();
    let needle = dir.to_string_lossy().into_owned();
    let found = binary.windows(needle.len()).any(|w| w == needle.as_bytes());
    assert!(!found, "the binary contains “{needle}”");
}

#[test]
fn exported_templates_build_the_same_bytes_and_are_not_overwritten() {
    let tmp = TempDir::new("install-export");
    let bin = moved_binary(tmp.path());
    let project = tmp.path().join("office");
    copy_dir(&reference_dir(), &project.join("data/d"));
    assert_ok(&run_in(
        &bin,
        &project,
        &["templates", "export", "templates"],
    ));
    for rel in [
        "document.typ.tera",
        "project.typ.tera",
        "jixiao.typ",
        "forms/hebei.toml",
    ] {
        let exported = std::fs::read(project.join("templates").join(rel)).unwrap();
        let shipped = std::fs::read(manifest_dir().join("templates").join(rel)).unwrap();
        assert!(exported == shipped, "{rel} differs from the shipped file");
    }
    let again = run_in(&bin, &project, &["templates", "export", "templates"]);
    assert_eq!(again.status.code(), Some(2));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(
        err.contains("不覆盖已有的文件") && err.contains("--force"),
        "{err}"
    );
    assert_ok(&run_in(
        &bin,
        &project,
        &["templates", "export", "templates", "--force"],
    ));
    let listed = run_in(&bin, &project, &["templates"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains("jixiao.typ  项目文件"));
    assert_ok(&run_in(&bin, &project, &["build", "data/d"]));
    let built = std::fs::read(project.join("out/d.pdf")).unwrap();
    assert!(built == in_tree_reference(tmp.path()));
}

#[test]
fn a_project_template_overrides_only_its_own_built_in_file() {
    let tmp = TempDir::new("install-override");
    let bin = moved_binary(tmp.path());
    let project = tmp.path().join("office");
    copy_dir(&reference_dir(), &project.join("data/d"));
    let layout = std::fs::read_to_string(manifest_dir().join("templates/jixiao.typ")).unwrap();
    let changed = layout.replace(r#""目" + h(1em) + "录""#, r#""目" + h(1em) + "次""#);
    assert_ne!(layout, changed, "the 目录 title moved in jixiao.typ");
    std::fs::create_dir_all(project.join("templates")).unwrap();
    std::fs::write(project.join("templates/jixiao.typ"), changed).unwrap();
    let listed = run_in(&bin, &project, &["templates"]);
    let listed = String::from_utf8_lossy(&listed.stdout);
    assert!(listed.contains("jixiao.typ  项目文件") && listed.contains("document.typ.tera  内置"));
    assert_ok(&run_in(&bin, &project, &["build", "data/d"]));
    let text = pdf_text(&project.join("out/d.pdf"));
    let squashed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(squashed.contains("目次"), "{text}");
    // The built-in document template still printed the rest.
    assert!(squashed.contains("第一部分") && squashed.contains("第二部分"));
}

#[test]
fn an_error_in_a_project_template_names_that_file() {
    let tmp = TempDir::new("install-bad-template");
    let bin = moved_binary(tmp.path());
    let project = tmp.path().join("office");
    copy_dir(&reference_dir(), &project.join("data/d"));
    std::fs::create_dir_all(project.join("templates")).unwrap();
    std::fs::write(project.join("templates/project.typ.tera"), "ok\n{{ oops(\n").unwrap();
    let out = run_in(&bin, &project, &["check", "data/d"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("templates/project.typ.tera:2:"), "{err}");
}

#[cfg(unix)]
#[test]
fn export_never_writes_through_a_link_and_a_dangling_template_link_is_an_error() {
    let tmp = TempDir::new("install-links");
    let bin = moved_binary(tmp.path());
    let project = tmp.path().join("office");
    std::fs::create_dir_all(project.join("templates")).unwrap();
    let outside = tmp.path().join("outside.typ");
    std::os::unix::fs::symlink(&outside, project.join("templates/jixiao.typ")).unwrap();
    for force in [false, true] {
        let mut args = vec!["templates", "export", "templates"];
        if force {
            args.push("--force");
        }
        let out = run_in(&bin, &project, &args);
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("不写入链接"));
        assert!(!outside.exists(), "written through the link");
        assert!(
            !project.join("templates/document.typ.tera").exists(),
            "half an export"
        );
    }
    // Nor through a folder on the way that is a link (forms/ elsewhere).
    let victim = tmp.path().join("victim");
    std::fs::create_dir_all(&victim).unwrap();
    std::fs::create_dir_all(project.join("fresh")).unwrap();
    std::os::unix::fs::symlink(&victim, project.join("fresh/forms")).unwrap();
    let out = run_in(&bin, &project, &["templates", "export", "fresh", "--force"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("路径中的“fresh/forms”是符号链接"), "{err}");
    assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 0);
    // The dangling link is the project's layout, not a reason to fall back.
    copy_dir(&reference_dir(), &project.join("data/d"));
    let listed = run_in(&bin, &project, &["templates"]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains("jixiao.typ  项目文件"));
    let checked = run_in(&bin, &project, &["check", "data/d"]);
    assert_eq!(
        checked.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&checked.stderr)
    );
}

/// Each built-in font is in the binary once: a `const` holding the bytes
/// was copied into every function that used it (the binary grew by 30 MB).
#[test]
fn the_fonts_are_built_in_once() {
    if cfg!(debug_assertions) {
        eprintln!("skipped: measured on the release binary");
        return;
    }
    let binary = std::fs::read(env!("CARGO_BIN_EXE_jixiao")).unwrap();
    for font in std::fs::read_dir(manifest_dir().join("fonts")).unwrap() {
        let path = font.unwrap().path();
        if path.extension().is_none_or(|e| e != "otf") {
            continue;
        }
        let data = std::fs::read(&path).unwrap();
        let probe = &data[data.len() / 2..data.len() / 2 + 64];
        let copies = binary.windows(probe.len()).filter(|w| *w == probe).count();
        assert_eq!(
            copies,
            1,
            "{} is in the binary {copies} times",
            path.display()
        );
    }
}

/// Commands told to write into a folder (`templates export DIR`, `schema
/// -o DIR`, `import -o DIR`) refuse one that is a link or has one on its
/// way inside the project; nothing lands where the link points.
#[cfg(unix)]
#[test]
fn folders_to_write_into_are_not_reached_through_links() {
    let tmp = TempDir::new("install-write-links");
    let bin = moved_binary(tmp.path());
    let project = tmp.path().join("office");
    std::fs::create_dir_all(project.join("data")).unwrap();
    copy_dir(&reference_dir(), &project.join("data/d"));
    let victim = tmp.path().join("victim");
    std::fs::create_dir_all(&victim).unwrap();
    std::os::unix::fs::symlink(&victim, project.join("linked")).unwrap();
    std::os::unix::fs::symlink(&victim, project.join("data/2030")).unwrap();
    let xlsx = tmp.path().join("d.xlsx");
    let made = run_in(
        &bin,
        &project,
        &["export", "data/d", "-o", xlsx.to_str().unwrap()],
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    for args in [
        vec!["templates", "export", "linked"],
        vec!["schema", "-o", "linked/schema"],
        vec!["import", xlsx.to_str().unwrap(), "-o", "data/2030/x"],
    ] {
        let out = run_in(&bin, &project, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}: {err}");
        assert!(err.contains("符号链接"), "{args:?}: {err}");
        assert_eq!(std::fs::read_dir(&victim).unwrap().count(), 0, "{args:?}");
    }
}
