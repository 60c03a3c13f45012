//! `jixiao new`: starts a document folder from last year's (`--from`,
//! optionally `--bump-years`) or as a small commented starter, writes the
//! schema files its `#:schema` lines point to, sets up the git diff driver
//! line, then checks the new folder and lists what still needs a person.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;

use super::CommonArgs;
use crate::input::form::{DEFAULT_FORM, Kind, Registry, Role};
use crate::input::locate::Place;
use crate::input::locate::Seg::Key;
use crate::input::model::Project;
use crate::input::scaffold::{self, NewFile, Plan, SchemaRef, bump, gitattr, schema, starter};
use crate::pipeline::{self, Prepared};
use crate::report::diag::{self, Diagnostic, Diagnostics, Result, SourceMap, display_path};
use crate::report::stdio::{outp, status};

/// Arguments of `jixiao new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    /// The new document folder (must not exist, or be empty).
    pub dir: PathBuf,
    /// Start from this document folder (last year's), copying its data files.
    #[arg(long, value_name = "DIR")]
    pub from: Option<PathBuf>,
    /// The budget year (default: the year the folder's path names, as
    /// data/2026/…; else the old year + 1, or without --from next year).
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i64>,
    /// Also move the old year to the new one in 时效 values, goal texts and titles.
    #[arg(long, requires = "from")]
    pub bump_years: bool,
    /// The form of the starter's project file (without --from; default hebei).
    #[arg(long, value_name = "NAME", conflicts_with = "from")]
    pub form: Option<String>,
    /// Shared options.
    #[command(flatten)]
    pub common: CommonArgs,
}

/// Runs `jixiao new`.
pub fn run(args: &NewArgs) -> ExitCode {
    // "data/2030/../2030b/x" is the folder written, though data/2030 is
    // not there: every later step uses the folded path.
    let args = &NewArgs {
        dir: scaffold::fold(&args.dir),
        from: args.from.clone(),
        form: args.form.clone(),
        common: args.common.clone(),
        ..*args
    };
    let sources = SourceMap::default();
    let made = make(args, &sources);
    let plan = match made {
        Ok((plan, warnings)) => {
            sources.print(&warnings);
            plan
        }
        Err(d) => {
            sources.print(&d.0);
            return ExitCode::from(2);
        }
    };
    status!(
        "已新建 {}（预算年度 {}，{} 个文件）",
        display_path(&args.dir),
        plan.year,
        plan.files.len()
    );
    if !plan.left.is_empty() {
        let names = crate::report::escape::one_line(&plan.left.join("、")).into_owned();
        status!("未复制（jixiao 不读的文件，需要时请自行复制）：{names}");
    }
    print_moved(&args.dir, &plan);
    match gitattr::ensure(&args.dir) {
        Ok(setup) => print_git(&setup),
        Err(warning) => sources.print(&warning.0),
    }
    check_new(args, &plan, &sources)
}

/// Builds the plan, writes the folder and then the schema files (a
/// failure writing those is a warning: the document is there and sound).
fn make(args: &NewArgs, sources: &SourceMap) -> Result<(Plan, Vec<Diagnostic>)> {
    scaffold::check_target(&args.dir)?;
    if let Some(root) = &args.common.root {
        // The same refusal as build and check give a --root that is no folder.
        pipeline::Root::find(root, Some(root))?;
    }
    let root = scaffold::project_root(&args.dir, args.common.root.as_deref());
    let forms = match &root {
        Some(root) => Registry::load(&root.join("templates"), sources)?,
        None => Registry::builtin(),
    };
    let schema_dir = scaffold::schema_dir(&args.dir, args.common.root.as_deref());
    no_link_on_the_way(root.as_deref(), &args.dir)?;
    let schema_ref = SchemaRef {
        from_doc: scaffold::relative(&scaffold::absolute(&args.dir), &schema_dir),
    };
    let (year, mut warnings) = year_asked(args);
    let plan = match &args.from {
        Some(from) => {
            scaffold::from_existing(from, year, args.bump_years, &forms, &schema_ref, sources)?
        }
        None => {
            let year = scaffold::check_year(year.unwrap_or_else(|| this_year() + 1))?;
            let name = args.form.as_deref().unwrap_or(DEFAULT_FORM);
            let form = forms
                .get(name)
                .ok_or_else(|| crate::input::load::unknown_form(name, &forms, None))?;
            starter::plan(year, form, &schema_ref)
        }
    };
    // Those of a lone document are inside it and written with it.
    let schemas = schema::all(&forms);
    let target = scaffold::absolute(&args.dir);
    let mut files = plan.files.clone();
    let inside = schema_dir.strip_prefix(&target).ok();
    if let Some(inside) = inside {
        files.extend(schemas.iter().map(|(name, text)| NewFile {
            rel: inside.join(name).to_string_lossy().replace('\\', "/"),
            text: text.clone(),
        }));
    }
    scaffold::write_folder(&args.dir, &files)?;
    let written = match inside {
        Some(_) => Ok(Vec::new()),
        None => schema::write(&schema_dir, &schemas, root.as_deref()),
    };
    match written {
        Ok(_) => status!("JSON Schema 已写入 {}", display_path(&schema_dir)),
        Err(d) => warnings.extend(d.0.into_iter().map(schema_warning)),
    }
    Ok((plan, warnings))
}

/// The budget year asked for: `--year`, else the year the folder's path
/// names (`data/2026/…`); a warning when the two differ.
fn year_asked(args: &NewArgs) -> (Option<i64>, Vec<Diagnostic>) {
    let named = scaffold::folder_year(&args.dir).map(i64::from);
    let mut warnings = Vec::new();
    if let (Some(asked), Some(named)) = (args.year, named)
        && asked != named
    {
        warnings.push(
            Diagnostic::warning(format!(
                "--year {asked} 与文件夹路径中的年份 {named} 不同，预算年度用 {asked}"
            ))
            .with_hint("确属本意可不理会；否则请改 --year，或把文档放到该年份的文件夹中"),
        );
    }
    (args.year.or(named), warnings)
}

/// A failure writing the schema files, as a warning: the document was
/// written; only the editor's completion waits for the files.
/// Refuses a link inside the project on the way to the new folder
/// (`data/2026 -> elsewhere`): the files would land where it points. The
/// folder itself being a link is refused by [`scaffold::check_target`],
/// one on the way to the schema folder by [`schema::write`].
fn no_link_on_the_way(root: Option<&Path>, dir: &Path) -> Result<()> {
    let dir = scaffold::absolute(dir);
    crate::input::confine::no_link_within(root, dir.parent().unwrap_or(&dir))
}

fn schema_warning(d: Diagnostic) -> Diagnostic {
    let hint =
        "文档已新建；编辑器暂时无法按 JSON Schema 补全，可稍后用 jixiao schema -o 文件夹 写出";
    Diagnostic::warning(d.message).with_hint(hint)
}

/// The current calendar year (UTC): the clock is read only to pick the
/// starter's default year.
fn this_year() -> i64 {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    // Days to civil date (H. Hinnant's algorithm), year only.
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    yoe + era * 400 + i64::from(mp >= 10)
}

/// Every year moved, as `file:line:col  旧 → 新  context`.
fn print_moved(dir: &Path, plan: &Plan) {
    let count = moved(plan).count();
    if count == 0 {
        return;
    }
    outp!("改动的年份（{count} 处）：\n");
    for (rel, m) in moved(plan) {
        let file = display_path(&dir.join(rel));
        let shown = crate::report::escape::one_line(&m.context);
        outp!(
            "{file}:{}:{}  {} → {}  {shown}\n",
            m.line,
            m.column,
            m.old,
            m.new
        );
    }
}

/// The years moved (not those held for a person), with their files.
fn moved(plan: &Plan) -> impl Iterator<Item = (&String, &bump::Moved)> {
    found(plan).filter(|(_, m)| m.held.is_none())
}

/// Every year found (moved or held), with its file.
fn found(plan: &Plan) -> impl Iterator<Item = (&String, &bump::Moved)> {
    let all = plan.moved.iter();
    all.flat_map(|(rel, m)| m.iter().map(move |m| (rel, m)))
}

/// The years held (a range, a named document) as reminder lines.
fn held(dir: &Path, plan: &Plan) -> Vec<diag::Record> {
    found(plan)
        .filter_map(|(rel, m)| {
            let why = m.held?;
            let shown = crate::report::escape::one_line(&m.context);
            Some(diag::Record {
                severity: "note",
                code: None,
                message: format!("{} 年：{why}  {shown}", m.old),
                file: Some(display_path(&dir.join(rel))),
                line: Some(m.line),
                column: Some(m.column),
                end_line: None,
                end_column: None,
                label: None,
                hints: Vec::new(),
            })
        })
        .collect()
}

fn print_git(setup: &gitattr::GitSetup) {
    if let Some((file, line)) = &setup.added {
        status!("已在 {} 中加入：{line}", display_path(file));
    }
    if let Some(cmd) = &setup.config_hint {
        status!("要让 git diff 通过 jixiao 显示数据文件，请运行一次：\n  {cmd}");
    }
}

/// Checks the new folder as `jixiao check` does and lists what a person
/// must still look at: amounts and dates (last year's), and J501.
fn check_new(args: &NewArgs, plan: &Plan, sources: &SourceMap) -> ExitCode {
    let prepared = match pipeline::prepare(&args.dir, &args.common.options(), sources) {
        Ok(p) => p,
        Err(d) => return report(&d.0, sources),
    };
    let main_path = args.dir.join("document.typ");
    let diags = match prepared.typeset(&main_path, sources) {
        Ok(t) => t.warnings,
        Err(Diagnostics(errors)) => [prepared.report.clone(), errors].concat(),
    };
    let code = report(&diags, sources);
    if args.from.is_some() {
        let mut todo = reminders(&prepared);
        prepared.loaded.locate(sources, &mut todo);
        // The J501 findings again, one line each, after the amounts.
        let j501 = diags.iter().filter(|d| d.code.as_deref() == Some("J501"));
        todo.extend(j501.cloned());
        let mut records = sources.records(&todo);
        // A year J501 already points at is not listed twice.
        let at = |r: &diag::Record| (r.file.clone(), r.line, r.column);
        let listed: Vec<_> = records.iter().map(at).collect();
        let held = held(&args.dir, plan).into_iter();
        records.extend(held.filter(|r| !listed.contains(&at(r))));
        // By file and position: a person works through them file by file.
        records.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
        print_reminders(&records);
    }
    code
}

/// Prints the check's findings; exit 1 when one is an error.
fn report(diags: &[Diagnostic], sources: &SourceMap) -> ExitCode {
    sources.print(diags);
    let (errors, warnings, notes) = diag::counts(diags);
    let j501 = diags
        .iter()
        .filter(|d| d.code.as_deref() == Some("J501"))
        .count();
    status!(
        "检查完成：{errors} 个错误，{warnings} 个警告（其中 J501 年份 {j501} 处），{notes} 个提示"
    );
    ExitCode::from(u8::from(errors > 0))
}

/// A note at every amount and date of the new document, which are still
/// last year's: each money or date field, money or date cell, and each
/// value in money (a 成本指标's "≤117.26万元").
fn reminders(prepared: &Prepared) -> Vec<Diagnostic> {
    let doc = &prepared.loaded.document;
    let mut out = Vec::new();
    if let Some(date) = &doc.date {
        out.push(
            Diagnostic::note(format!("编制日期 = {date}")).with_place(Place::doc(&[Key("date")])),
        );
    }
    for (n, p) in doc.projects.iter().enumerate() {
        out.extend(project_reminders(n, p));
    }
    out
}

/// Whether a value of `kind` was copied from last year as it is.
fn stale(kind: Kind) -> bool {
    matches!(kind, Kind::Money | Kind::Date | Kind::Period)
}

fn project_reminders(n: usize, p: &Project) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for f in p.form.fields.iter().filter(|f| stale(f.kind)) {
        if let Some(v) = p.values.get(f.key) {
            let what = format!("{} = {}", f.label, v.text());
            out.push(Diagnostic::note(what).with_place(p.field_place(n, f.key)));
        }
    }
    for t in &p.form.tables {
        for c in t.columns.iter().filter(|c| c.auto.is_none()) {
            for (j, r) in p.rows(t.key).iter().enumerate() {
                let Some(v) = r.0.get(c.key) else { continue };
                // An indicator's value in money ("≤117.26万元") is last
                // year's amount as well.
                let money = c.role == Some(Role::Value) && crate::rules::in_money(&v.text());
                if stale(c.kind) || money {
                    let what = format!("{}第 {} 行{} = {}", t.label, j + 1, c.label, v.text());
                    out.push(
                        Diagnostic::note(what).with_place(Project::cell_place(n, t.key, j, c.key)),
                    );
                }
            }
        }
    }
    out
}

/// The reminder list (a status report: left out under `-q`).
fn print_reminders(records: &[diag::Record]) {
    if records.is_empty() || crate::report::stdio::quiet() {
        return;
    }
    outp!(
        "仍需人工核对（去年的金额、日期、未改动的年份和 J501 年份，{} 处）：\n",
        records.len()
    );
    for r in records {
        let at = match (&r.file, r.line, r.column) {
            (Some(f), Some(l), Some(c)) => format!("{f}:{l}:{c}"),
            (Some(f), _, _) => f.clone(),
            _ => String::new(),
        };
        let code = r
            .code
            .as_deref()
            .map_or(String::new(), |c| format!("[{c}] "));
        outp!(
            "{at}  {code}{}\n",
            crate::report::escape::one_line(&r.message)
        );
    }
}
