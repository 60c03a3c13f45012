//! Reading a form file: the TOML as written, then every cross-reference
//! (layout cells, sums, plan, columns, roles) checked with a located message.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use super::layout::{check_grid, parse_cell};
use super::*;
use crate::input::locate::Seg;
use crate::report::diag::{Diagnostic, Diagnostics, FileKey, Result, SourceMap, Span};
use crate::report::escape::{needs_escape, one_line};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawForm {
    name: String,
    title: String,
    #[serde(default)]
    placement: Placement,
    #[serde(default)]
    standalone: bool,
    #[serde(default = "default_suffix")]
    title_suffix: String,
    #[serde(default)]
    amount_suffix: String,
    grid: Vec<f64>,
    layout: Vec<Vec<String>>,
    #[serde(default)]
    below: Vec<Vec<String>>,
    #[serde(default)]
    fields: Vec<RawField>,
    #[serde(default)]
    headings: Vec<RawHeading>,
    #[serde(default)]
    sums: Vec<RawSum>,
    #[serde(default)]
    plan: Option<RawPlan>,
    #[serde(default)]
    tables: Vec<RawTable>,
    #[serde(default)]
    taxonomies: Vec<Taxonomy>,
}

fn default_suffix() -> String {
    "绩效目标表".into()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    key: String,
    label: String,
    #[serde(default)]
    label_key: Option<String>,
    #[serde(default)]
    kind: Kind,
    #[serde(default)]
    need: Need,
    #[serde(default)]
    align: Align,
    #[serde(default)]
    role: Option<Role>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeading {
    key: String,
    label: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSum {
    total: String,
    parts: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPlan {
    checkpoints: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    key: String,
    label: String,
    #[serde(default)]
    kind: TableKind,
    #[serde(default)]
    side: bool,
    #[serde(default = "one")]
    side_span: usize,
    #[serde(default = "yes")]
    header: bool,
    #[serde(default)]
    total_row: Option<String>,
    columns: Vec<RawColumn>,
}

fn one() -> usize {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    key: String,
    label: String,
    #[serde(default)]
    label_key: Option<String>,
    #[serde(default = "one")]
    span: usize,
    #[serde(default)]
    kind: Kind,
    #[serde(default)]
    need: Need,
    #[serde(default)]
    align: Align,
    #[serde(default)]
    role: Option<Role>,
    #[serde(default)]
    auto: Option<String>,
    #[serde(default)]
    min_width: Option<f64>,
    #[serde(default)]
    max_width: Option<f64>,
}

/// Keys a data file has whatever its form.
const RESERVED: &[&str] = &["form", "title", "labels", "check"];

/// A problem in a form file: where (a key path) and what.
struct Problem {
    path: Vec<Seg>,
    message: String,
}

fn problem(path: Vec<Seg>, message: impl Into<String>) -> Problem {
    Problem {
        path,
        message: message.into(),
    }
}

/// Reads one form file; `expected` is the name its file name gives it.
pub(crate) fn parse_form(
    path: &Path,
    bytes: Vec<u8>,
    expected: &str,
    sources: &SourceMap,
) -> Result<Form> {
    let (raw, file) = crate::input::load::parse_bytes::<RawForm>(path, bytes, sources)?;
    let mut problems = Vec::new();
    if raw.name != expected {
        problems.push(problem(
            vec![Seg::Key("name")],
            format!("表样名称“{}”与文件名“{expected}”不一致", raw.name),
        ));
    }
    texts(&raw, &mut problems);
    let form = build(raw, &mut problems);
    if problems.is_empty() {
        return Ok(form);
    }
    Err(located(problems, file, sources))
}

/// Every text of a form file that is printed or shown: none may hold a
/// control character, a bidi control or a line separator; cell texts may
/// hold `\n`, the line break data texts use too.
fn texts(raw: &RawForm, problems: &mut Vec<Problem>) {
    use Seg::{Index, Key};
    let mut all: Vec<(Vec<Seg>, &str, bool)> = vec![
        (vec![Key("name")], &raw.name, false),
        (vec![Key("title")], &raw.title, false),
        (vec![Key("title_suffix")], &raw.title_suffix, false),
        (vec![Key("amount_suffix")], &raw.amount_suffix, false),
    ];
    for (i, row) in raw.layout.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            all.push((vec![Key("layout"), Index(i), Index(j)], cell, true));
        }
    }
    for (i, f) in raw.fields.iter().enumerate() {
        all.push((vec![Key("fields"), Index(i), Key("label")], &f.label, true));
    }
    for (i, h) in raw.headings.iter().enumerate() {
        all.push((
            vec![Key("headings"), Index(i), Key("label")],
            &h.label,
            true,
        ));
    }
    for (i, t) in raw.tables.iter().enumerate() {
        let at = |k| vec![Key("tables"), Index(i), Key(k)];
        all.push((at("label"), &t.label, true));
        if let Some(total) = &t.total_row {
            all.push((at("total_row"), total, true));
        }
        for (j, c) in t.columns.iter().enumerate() {
            let at = |k| vec![Key("tables"), Index(i), Key("columns"), Index(j), Key(k)];
            all.push((at("label"), &c.label, true));
            if let Some(auto) = &c.auto {
                all.push((at("auto"), auto, true));
            }
        }
    }
    taxonomy_texts(&raw.taxonomies, &mut all);
    for (path, text, cell) in all {
        let bad = text
            .chars()
            .find(|&c| needs_escape(c) && !(cell && c == '\n'));
        if let Some(c) = bad {
            let why = format!(
                "文字“{}”含有控制字符、双向文字控制符或换行符 U+{:04X}，请删除",
                one_line(text),
                c as u32
            );
            problems.push(problem(path, why));
        }
    }
}

/// The names and titles of the taxonomies, one line each.
fn taxonomy_texts<'a>(taxonomies: &'a [Taxonomy], all: &mut Vec<(Vec<Seg>, &'a str, bool)>) {
    use Seg::{Index, Key};
    for (i, t) in taxonomies.iter().enumerate() {
        let at = |k| vec![Key("taxonomies"), Index(i), Key(k)];
        all.push((at("name"), &t.name, false));
        all.push((at("title"), &t.title, false));
        for (j, l) in t.levels.iter().enumerate() {
            let at = |k| vec![Key("taxonomies"), Index(i), Key("levels"), Index(j), Key(k)];
            all.push((at("name"), &l.name, false));
            for (k, n) in l.also.iter().enumerate() {
                let mut here = at("also");
                here.push(Index(k));
                all.push((here, n, false));
            }
            for (k, n) in l.children.iter().enumerate() {
                let mut here = at("children");
                here.push(Index(k));
                all.push((here, n, false));
            }
        }
    }
}

/// Builds the form from what was written, noting every problem.
fn build(raw: RawForm, problems: &mut Vec<Problem>) -> Form {
    let fields = fields(&raw.fields, problems);
    let tables = tables(&raw.tables, raw.grid.len(), &fields, problems);
    let headings = headings(&raw.headings, &fields, &tables, problems);
    let mut form = Form {
        name: raw.name,
        title: raw.title,
        placement: raw.placement,
        standalone: raw.standalone,
        title_suffix: raw.title_suffix,
        amount_suffix: raw.amount_suffix,
        grid: raw.grid,
        fields,
        headings,
        sums: Vec::new(),
        plan: Vec::new(),
        tables,
        taxonomies: raw.taxonomies,
        layout: Vec::new(),
        below: Vec::new(),
        index: Default::default(),
    };
    form.reindex();
    grid(&form.grid, problems);
    form.sums = sums(&form, &raw.sums, problems);
    form.plan = plan(&form, raw.plan.as_ref(), problems);
    let before = problems.len();
    form.layout = layout(&form, &raw.layout, problems);
    form.below = below(&form, &raw.below, problems);
    taxonomies(&form, problems);
    // A cell that could not be read is left out of the layout: counting
    // placements would only repeat its error as "placed 0 times".
    if problems.len() == before {
        placed(&form, problems);
    }
    form
}

/// The widest grid column, relative to the others; it keeps the widths
/// and their sum finite.
const MAX_WIDTH: f64 = 1000.0;

fn grid(grid: &[f64], problems: &mut Vec<Problem>) {
    let bad = |w: &f64| !(*w > 0.0 && *w <= MAX_WIDTH);
    if grid.is_empty() || grid.len() > 32 || grid.iter().any(bad) {
        problems.push(problem(
            vec![Seg::Key("grid")],
            "grid 应列出 1–32 个 0 到 1000 之间的正数（各列的相对宽度）",
        ));
    }
}

fn valid_key(k: &str, parts: usize) -> bool {
    let n = k.split('.').count();
    n <= parts
        && k.split('.').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
}

fn fields(raw: &[RawField], problems: &mut Vec<Problem>) -> Vec<Field> {
    let mut out: Vec<Field> = Vec::new();
    // Each key seen, and each first key part with its number of parts.
    let mut keys: HashSet<&str> = HashSet::new();
    let mut firsts: HashMap<&'static str, usize> = HashMap::new();
    for (i, f) in raw.iter().enumerate() {
        let at = || vec![Seg::Key("fields"), Seg::Index(i), Seg::Key("key")];
        if !valid_key(&f.key, 2) {
            problems.push(problem(
                at(),
                format!(
                    "字段名“{}”只能用英文字母、数字、下划线，最多一个点（如 budget.total）",
                    f.key
                ),
            ));
            continue;
        }
        if keys.contains(f.key.as_str()) {
            problems.push(problem(at(), format!("字段“{}”重复定义", f.key)));
            continue;
        }
        let path: Vec<&'static str> = f.key.split('.').map(intern).collect();
        if RESERVED.contains(&path[0]) {
            problems.push(problem(
                at(),
                format!("“{}”是保留字段名，请换一个", path[0]),
            ));
            continue;
        }
        if firsts.get(path[0]).is_some_and(|&n| n != path.len()) {
            problems.push(problem(at(), format!("“{}”既是字段又是字段组", path[0])));
            continue;
        }
        if let Some(why) = f.role.and_then(|r| field_role(r, f.kind)) {
            problems.push(problem(
                vec![Seg::Key("fields"), Seg::Index(i), Seg::Key("role")],
                why,
            ));
        }
        let last = *path.last().unwrap_or(&"");
        keys.insert(&f.key);
        firsts.insert(path[0], path.len());
        out.push(Field {
            key: intern(&f.key),
            path,
            label: f.label.clone(),
            label_key: f.label_key.as_deref().map_or(last, intern),
            kind: f.kind,
            need: f.need,
            align: f.align,
            role: f.role,
        });
    }
    out
}

/// The headings: each key must be a valid key naming nothing else that
/// `[labels]` or a layout `@key` could mean.
fn headings(
    raw: &[RawHeading],
    fields: &[Field],
    tables: &[TableDef],
    problems: &mut Vec<Problem>,
) -> Vec<Heading> {
    let mut taken: HashSet<&str> = fields.iter().map(|f| f.label_key).collect();
    taken.extend(tables.iter().map(|t| t.key));
    taken.extend(tables.iter().flat_map(|t| &t.columns).map(|c| c.label_key));
    let mut out = Vec::new();
    for (i, h) in raw.iter().enumerate() {
        if !valid_key(&h.key, 1) || !taken.insert(intern(&h.key)) {
            let why = format!(
                "标题名“{}”无效，或与字段的 label_key、表名、列或其他标题重名",
                h.key
            );
            problems.push(problem(
                vec![Seg::Key("headings"), Seg::Index(i), Seg::Key("key")],
                why,
            ));
            continue;
        }
        out.push(Heading {
            key: intern(&h.key),
            label: h.label.clone(),
        });
    }
    out
}

fn tables(
    raw: &[RawTable],
    width: usize,
    fields: &[Field],
    problems: &mut Vec<Problem>,
) -> Vec<TableDef> {
    let mut out: Vec<TableDef> = Vec::new();
    for (i, t) in raw.iter().enumerate() {
        let at = vec![Seg::Key("tables"), Seg::Index(i), Seg::Key("key")];
        let taken = out.iter().any(|o| o.key == t.key) || fields.iter().any(|f| f.path[0] == t.key);
        if !valid_key(&t.key, 1) || RESERVED.contains(&t.key.as_str()) || taken {
            let why = format!("表名“{}”无效、是保留字段名，或与字段、其他表重名", t.key);
            problems.push(problem(at, why));
            continue;
        }
        out.push(table(t, i, width, problems));
    }
    if out
        .iter()
        .filter(|t| t.kind == TableKind::Indicators)
        .count()
        > 1
    {
        problems.push(problem(
            vec![Seg::Key("tables")],
            "一个表样最多有一张指标表（kind = \"indicators\"）",
        ));
    }
    out
}

/// One row table: its columns must span the grid; an indicator table
/// needs the level1, level2 and level3 roles.
fn table(t: &RawTable, i: usize, width: usize, problems: &mut Vec<Problem>) -> TableDef {
    let at = vec![Seg::Key("tables"), Seg::Index(i), Seg::Key("columns")];
    let columns = columns(&t.columns, &at, problems);
    column_roles(t, i, problems);
    if t.side && !(1..=32).contains(&t.side_span) {
        let here = vec![Seg::Key("tables"), Seg::Index(i), Seg::Key("side_span")];
        problems.push(problem(here, "side_span 应为 1–32 的整数"));
    }
    let side = if t.side { t.side_span } else { 0 };
    let span: usize = columns.iter().map(|c| c.span).sum::<usize>() + side;
    if span != width {
        let why = format!(
            "表“{}”的各列（含 side）共跨 {span} 列，应等于 grid 的 {width} 列",
            t.key
        );
        problems.push(problem(at.clone(), why));
    }
    if t.kind == TableKind::Indicators {
        for role in [Role::Level1, Role::Level2, Role::Level3] {
            if !columns.iter().any(|c| c.role == Some(role)) {
                let why = format!("指标表缺少 role = \"{}\" 的列", role_name(role));
                problems.push(problem(at.clone(), why));
            }
        }
    }
    TableDef {
        key: intern(&t.key),
        label: t.label.clone(),
        kind: t.kind,
        side: t.side,
        side_span: t.side_span,
        header: t.header,
        total_row: t.total_row.clone(),
        columns,
    }
}

/// Why a field may not have `role` (being of `kind`), if it may not.
fn field_role(role: Role, kind: Kind) -> Option<String> {
    let name = role_name(role);
    match role {
        Role::Total if kind != Kind::Money => Some(format!(
            "role = \"{name}\" 只能用于 kind = \"money\" 的字段"
        )),
        Role::Goal if kind != Kind::Text => {
            Some(format!("role = \"{name}\" 只能用于 kind = \"text\" 的字段"))
        }
        Role::Level1 | Role::Level2 | Role::Level3 | Role::Value | Role::Unit => Some(format!(
            "role = \"{name}\" 只能用于指标表（kind = \"indicators\"）的列"
        )),
        _ => None,
    }
}

/// Checks the roles of a table's columns: the indicator roles only in an
/// indicator table, `goal` only on a text column of a plain row table
/// (numbered 年度总体目标), the others only on fields.
fn column_roles(t: &RawTable, i: usize, problems: &mut Vec<Problem>) {
    for (j, c) in t.columns.iter().enumerate() {
        let Some(role) = c.role else { continue };
        let name = role_name(role);
        let why = match role {
            Role::Goal if t.kind == TableKind::Rows && c.kind == Kind::Text => continue,
            Role::Goal => format!(
                "role = \"{name}\" 只能用于字段或普通多行表（kind = \"rows\"）中 kind = \"text\" 的列"
            ),
            Role::Code | Role::Name | Role::Total => {
                format!("role = \"{name}\" 只能用于字段（[[fields]]），不能用于表的列")
            }
            _ if t.kind != TableKind::Indicators => {
                format!("role = \"{name}\" 只能用于指标表（kind = \"indicators\"）的列")
            }
            _ => continue,
        };
        let at = vec![
            Seg::Key("tables"),
            Seg::Index(i),
            Seg::Key("columns"),
            Seg::Index(j),
            Seg::Key("role"),
        ];
        problems.push(problem(at, why));
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Code => "code",
        Role::Name => "name",
        Role::Total => "total",
        Role::Goal => "goal",
        Role::Level1 => "level1",
        Role::Level2 => "level2",
        Role::Level3 => "level3",
        Role::Value => "value",
        Role::Unit => "unit",
    }
}

fn columns(raw: &[RawColumn], at: &[Seg], problems: &mut Vec<Problem>) -> Vec<Column> {
    let mut out: Vec<Column> = Vec::new();
    for (j, c) in raw.iter().enumerate() {
        let mut here = at.to_vec();
        here.extend([Seg::Index(j), Seg::Key("key")]);
        if !valid_key(&c.key, 1) || out.iter().any(|o| o.key == c.key) {
            problems.push(problem(here, format!("列名“{}”无效或重复", c.key)));
            continue;
        }
        if !(1..=32).contains(&c.span) {
            problems.push(problem(here, "span 应为 1–32 的整数"));
            continue;
        }
        let bounds = [c.min_width, c.max_width];
        if bounds.iter().flatten().any(|w| !(1.0..=100.0).contains(w))
            || c.min_width.zip(c.max_width).is_some_and(|(a, b)| a > b)
        {
            here.pop();
            here.push(Seg::Key("min_width"));
            problems.push(problem(
                here,
                "min_width、max_width 应为 1–100 之间的百分数，且 min_width 不大于 max_width",
            ));
            continue;
        }
        let key = intern(&c.key);
        out.push(Column {
            key,
            label: c.label.clone(),
            label_key: c.label_key.as_deref().map_or(key, intern),
            span: c.span,
            kind: c.kind,
            need: c.need,
            align: c.align,
            role: c.role,
            auto: c.auto.clone(),
            min_width: c.min_width,
            max_width: c.max_width,
        });
    }
    out
}

fn sums(form: &Form, raw: &[RawSum], problems: &mut Vec<Problem>) -> Vec<Sum> {
    let mut out = Vec::new();
    for (i, s) in raw.iter().enumerate() {
        let money = |k: &str| form.field(k).is_some_and(|f| f.kind == Kind::Money);
        let bad: Vec<&str> = std::iter::once(&s.total)
            .filter(|k| !money(k))
            .chain(
                s.parts
                    .iter()
                    .filter(|k| !money(k) && !money_column(form, k)),
            )
            .map(String::as_str)
            .collect();
        if !bad.is_empty() || s.parts.is_empty() {
            problems.push(problem(
                vec![Seg::Key("sums"), Seg::Index(i)],
                format!(
                    "求和规则只能引用 kind = \"money\" 的字段（加数也可以是多行表的金额列，如 costs.amount），且至少有一个加数：{}",
                    bad.join("、")
                ),
            ));
            continue;
        }
        out.push(Sum {
            total: intern(&s.total),
            parts: s.parts.iter().map(|p| intern(p)).collect(),
        });
    }
    out
}

/// Whether `key` is `table.column` naming a money column of a row table.
fn money_column(form: &Form, key: &str) -> bool {
    key.split_once('.').is_some_and(|(t, c)| {
        form.table(t)
            .and_then(|t| t.columns.iter().find(|col| col.key == c))
            .is_some_and(|col| col.kind == Kind::Money && col.auto.is_none())
    })
}

fn plan(form: &Form, raw: Option<&RawPlan>, problems: &mut Vec<Problem>) -> Vec<&'static str> {
    let Some(raw) = raw else { return Vec::new() };
    let bad: Vec<&str> = raw
        .checkpoints
        .iter()
        .filter(|k| form.field(k).is_none_or(|f| f.kind != Kind::Percent))
        .map(String::as_str)
        .collect();
    if !bad.is_empty() {
        problems.push(problem(
            vec![Seg::Key("plan"), Seg::Key("checkpoints")],
            format!(
                "支出计划节点只能引用 kind = \"percent\" 的字段：{}",
                bad.join("、")
            ),
        ));
    }
    let mut seen = HashSet::new();
    if let Some(k) = raw.checkpoints.iter().find(|k| !seen.insert(k.as_str())) {
        problems.push(problem(
            vec![Seg::Key("plan"), Seg::Key("checkpoints")],
            format!("支出计划节点“{k}”重复"),
        ));
    }
    raw.checkpoints.iter().map(|k| intern(k)).collect()
}

fn layout(form: &Form, raw: &[Vec<String>], problems: &mut Vec<Problem>) -> Vec<Vec<CellSpec>> {
    let mut rows = Vec::new();
    let before = problems.len();
    for (i, row) in raw.iter().enumerate() {
        let mut cells = Vec::new();
        for (j, text) in row.iter().enumerate() {
            let at = vec![Seg::Key("layout"), Seg::Index(i), Seg::Index(j)];
            match parse_cell(text).and_then(|c| resolve(form, c)) {
                Ok(c) => cells.push(c),
                Err(m) => problems.push(problem(at, m)),
            }
        }
        rows.push(cells);
    }
    // Without the cells that could not be read the rows cannot fill the
    // grid; saying so would only repeat those errors.
    if problems.len() > before {
        return rows;
    }
    if let Err((i, m)) = check_grid(&rows, form.grid.len()) {
        problems.push(problem(vec![Seg::Key("layout"), Seg::Index(i)], m));
    }
    rows
}

/// Checks that a cell names something the form has.
fn resolve(form: &Form, cell: CellSpec) -> std::result::Result<CellSpec, String> {
    let known = match &cell.what {
        CellRef::Label(k) => form.label_default(k).is_some(),
        CellRef::Value(k) => form.field(k).is_some(),
        CellRef::Table(k) => form.table(k).is_some(),
        CellRef::Text(_) => true,
    };
    if known {
        Ok(cell)
    } else {
        Err(format!(
            "layout 中的“{}”不是本表样定义的字段、标题或表",
            cell_name(&cell.what)
        ))
    }
}

fn cell_name(c: &CellRef) -> String {
    match c {
        CellRef::Label(k) => format!("@{k}"),
        CellRef::Value(k) => k.to_string(),
        CellRef::Table(k) => format!("#{k}"),
        CellRef::Text(t) => format!("'{t}'"),
    }
}

fn below(form: &Form, raw: &[Vec<String>], problems: &mut Vec<Problem>) -> Vec<Vec<&'static str>> {
    let mut out = Vec::new();
    for (i, line) in raw.iter().enumerate() {
        for (j, k) in line.iter().enumerate() {
            if form.field(k).is_none() {
                problems.push(problem(
                    vec![Seg::Key("below"), Seg::Index(i), Seg::Index(j)],
                    format!("below 中的“{k}”不是本表样定义的字段"),
                ));
            }
        }
        out.push(line.iter().map(|k| intern(k)).collect());
    }
    out
}

fn taxonomies(form: &Form, problems: &mut Vec<Problem>) {
    if form.indicators().is_some() && form.taxonomies.is_empty() {
        problems.push(problem(
            vec![Seg::Key("tables")],
            "有指标表的表样至少要定义一套指标体系 [[taxonomies]]",
        ));
    }
    for (i, t) in form.taxonomies.iter().enumerate() {
        if form.taxonomies[..i].iter().any(|o| o.name == t.name) {
            problems.push(problem(
                vec![Seg::Key("taxonomies"), Seg::Index(i), Seg::Key("name")],
                format!("指标体系“{}”重复定义", t.name),
            ));
        }
    }
}

/// Every field and table must be printed somewhere, once.
fn placed(form: &Form, problems: &mut Vec<Problem>) {
    // Count every placement in one pass, then look each key up.
    let mut values: HashMap<&str, usize> = HashMap::new();
    let mut tables: HashMap<&str, usize> = HashMap::new();
    for cell in form.layout.iter().flatten() {
        match cell.what {
            CellRef::Value(k) => *values.entry(k).or_default() += 1,
            CellRef::Table(k) => *tables.entry(k).or_default() += 1,
            _ => {}
        }
    }
    for k in form.below.iter().flatten() {
        *values.entry(k).or_default() += 1;
    }
    for (i, f) in form.fields.iter().enumerate() {
        let n = values.get(f.key).copied().unwrap_or(0);
        if n != 1 {
            problems.push(problem(
                vec![Seg::Key("fields"), Seg::Index(i), Seg::Key("key")],
                format!(
                    "字段“{}”在 layout 和 below 中出现了 {n} 次，应恰好一次",
                    f.key
                ),
            ));
        }
    }
    for (i, t) in form.tables.iter().enumerate() {
        let n = tables.get(t.key).copied().unwrap_or(0);
        if n != 1 {
            problems.push(problem(
                vec![Seg::Key("tables"), Seg::Index(i), Seg::Key("key")],
                format!("表“#{}”在 layout 中出现了 {n} 次，应恰好一次", t.key),
            ));
        }
    }
}

/// The problems as diagnostics at their places in the form file.
fn located(problems: Vec<Problem>, file: FileKey, sources: &SourceMap) -> Diagnostics {
    let text = sources.text(file).unwrap_or_default();
    let tree = crate::input::locate::Tree::parse(&text);
    Diagnostics(
        problems
            .into_iter()
            .map(|p| {
                let span = tree.as_ref().map(|t| Span {
                    file,
                    range: t.range(&p.path),
                });
                Diagnostic::error(format!("表样文件有误：{}", p.message))
                    .with_span(span)
                    .with_hint("表样文件的写法见 jixiao guide 的“Forms (表样)”一节")
            })
            .collect(),
    )
}
