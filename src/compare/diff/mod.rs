//! The model-level comparison of two documents: which fields, 分项绩效目标,
//! 保障措施, projects and indicator rows were added, removed, changed or
//! moved, in the order the document prints them, with the totals.
//!
//! Lists are matched by identity (goals by title, measures by lead,
//! projects by 项目编码 then 项目名称, indicator rows by 三级指标), then by
//! likeness (see [`matching::alike`]): a renamed row is one changed row.
//! Items whose place among the others changed are moved (顺序调整): the
//! printed document differs, so they count unless order is ignored.

pub mod html;
pub mod report;
pub mod text;

pub mod checks;
pub mod fields;
mod likeness;
pub mod matching;
pub mod pages;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::input::form::{Placement, Role, TableDef};
use crate::input::model::{Document, Goal, Measure, Project, Row};
pub use checks::{CheckChanges, CheckItem};
use fields::{amount_changes, indicator_fields, project_fields, scalar_fields, text_change};
use matching::{Pairing, pair};
pub use pages::PageRef;

/// What happened to a list item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
    /// In both, with different content.
    Changed,
    /// In both, same content, at another place among the others.
    Moved,
}

/// A changed field: old and new value (absent = `None`) and, for text, the
/// inline snippets of what changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// Stable key such as `department`, `target`, `labels.code`.
    pub key: String,
    /// The field's name for the reader, e.g. 部门名称.
    pub label: String,
    /// The old value.
    pub old: Option<String>,
    /// The new value.
    pub new: Option<String>,
    /// Inline snippets `…[-删去-]{+新增+}…` (text fields only).
    pub snippets: Vec<String>,
    /// The printed page it is on (top-level fields of the document only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<PageRef>,
}

/// A changed amount: old, new and the exact difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AmountChange {
    /// The field key of the form, e.g. `budget.total`, `plan.march`.
    pub key: String,
    /// 预算数, 3月底, ….
    pub label: String,
    /// The old value as written.
    pub old: Option<String>,
    /// The new value as written.
    pub new: Option<String>,
    /// new − old with its sign (`+2.74`, `-1`, `0`), when both exist.
    pub delta: Option<String>,
}

/// A list of item changes plus whether the common items changed order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section<T> {
    /// The items added, removed, changed or moved, in new-document order
    /// (removed items at their old place).
    pub items: Vec<T>,
    /// Some items in both versions are in a different order.
    pub reordered: bool,
}

impl<T> Default for Section<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            reordered: false,
        }
    }
}

/// Where a list item stands in each version, and whether it moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Position {
    /// 1-based position in the old version.
    pub old_index: Option<usize>,
    /// 1-based position in the new version.
    pub new_index: Option<usize>,
    /// Its place among the others changed (a 顺序调整).
    pub moved: bool,
}

impl Position {
    fn of(step: (Option<usize>, Option<usize>), moved: bool) -> Self {
        Self {
            old_index: step.0.map(|i| i + 1),
            new_index: step.1.map(|i| i + 1),
            moved,
        }
    }

    /// Added, removed, changed (with `fields`) or moved; `None` when the
    /// item is in both, unchanged and in place.
    fn kind(&self, changed: bool) -> Option<Kind> {
        match (self.old_index, self.new_index) {
            (Some(_), None) => Some(Kind::Removed),
            (None, _) => Some(Kind::Added),
            _ if changed => Some(Kind::Changed),
            _ if self.moved => Some(Kind::Moved),
            _ => None,
        }
    }
}

/// A 分项绩效目标 or 保障措施 that was added, removed, changed or moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    /// Added, removed, changed or moved.
    pub kind: Kind,
    /// Where it stands.
    #[serde(flatten)]
    pub at: Position,
    /// The title (goal) or lead (measure); the new one when both exist.
    pub title: String,
    /// The changed fields (empty for added, removed or moved items).
    pub fields: Vec<FieldChange>,
    /// The printed page it is on (of the old version when removed).
    pub page: Option<PageRef>,
}

/// A project table that was added, removed, changed or moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectChange {
    /// Added, removed, changed or moved.
    pub kind: Kind,
    /// Where it stands among the tables.
    #[serde(flatten)]
    pub at: Position,
    /// 1 for a department table printed in 第一部分, 2 for a 项目绩效目标表.
    pub part: u8,
    /// 项目编码 (the new one when both exist).
    pub code: String,
    /// 项目名称 (the new one when both exist).
    pub name: String,
    /// 预算数 of the old version, when it has the table.
    pub old_total: Option<String>,
    /// 预算数 of the version that has it (the new one when both exist).
    pub total: String,
    /// new − old 预算数 with its sign, when both are written.
    pub total_delta: Option<String>,
    /// Changed text fields: code, name, title, usage, goal, labels.*.
    pub fields: Vec<FieldChange>,
    /// Changed 预算数 / 财政资金 / 其他资金.
    pub budget: Vec<AmountChange>,
    /// Changed spending-plan checkpoints.
    pub plan: Vec<AmountChange>,
    /// Indicator rows added, removed, changed or moved.
    pub indicators: Section<IndicatorChange>,
    /// The printed page the table starts on (of the old version when removed).
    pub page: Option<PageRef>,
}

/// An indicator row that was added, removed, changed or moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorChange {
    /// Added, removed, changed or moved.
    pub kind: Kind,
    /// Its row number in the table's indicator rows.
    #[serde(flatten)]
    pub at: Position,
    /// 二级指标 (the new one when both exist).
    pub level2: String,
    /// 三级指标 (the new one when both exist).
    pub name: String,
    /// For added/removed rows: every cell; for changed rows: the changed ones.
    pub fields: Vec<FieldChange>,
    /// The printed page the row is on (of the old version when removed).
    pub page: Option<PageRef>,
}

/// The department's figures in each version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// The money unit: the new version's, or `old → new` when it changed
    /// (then no difference is computed).
    pub unit: String,
    /// Sum of 预算数 over the 项目绩效目标表: old, new, difference.
    pub budget: AmountChange,
    /// Sum of 预算数 over the department tables (整体支出, which already
    /// include the projects), when either version has one.
    pub department: Option<AmountChange>,
    /// Number of tables, old and new.
    pub projects: [usize; 2],
    /// Number of indicator rows, old and new.
    pub indicators: [usize; 2],
}

/// Everything that differs between two documents, in document order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changes {
    /// Changed cover fields: year, department, unit, money unit, cover.
    pub cover: Vec<FieldChange>,
    /// Changed 总体绩效目标 (第一部分 一、).
    pub overall: Vec<FieldChange>,
    /// 分项绩效目标 (二、).
    pub goals: Section<ItemChange>,
    /// 工作保障措施 (三、).
    pub measures: Section<ItemChange>,
    /// The tables: department tables (第一部分), then 项目绩效目标表.
    pub projects: Section<ProjectChange>,
    /// Changed settings that print no text of their own: labels, style.
    pub settings: Vec<FieldChange>,
    /// Totals of both versions.
    pub totals: Totals,
    /// What `check` finds in one version and not in the other.
    pub checks: CheckChanges,
    /// The new version is tables only (no cover, 目录 or parts).
    pub standalone: bool,
}

/// How many items were added, removed, changed and moved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Added goals, measures, projects and indicator rows.
    pub added: usize,
    /// Removed ones.
    pub removed: usize,
    /// Changed fields and items.
    pub changed: usize,
    /// Moved items (顺序调整).
    pub moved: usize,
}

/// How to compare.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// Order is not a change: moved items are left out, and only a note
    /// says that some list was reordered.
    pub ignore_order: bool,
}

impl Changes {
    /// Whether the printed contents are equal (with `ignore_order`, moves
    /// were left out and do not count).
    pub fn is_empty(&self) -> bool {
        self.cover.is_empty()
            && self.overall.is_empty()
            && self.settings.is_empty()
            && self.goals.items.is_empty()
            && self.measures.items.is_empty()
            && self.projects.items.iter().all(|p| !p.has_content())
    }

    /// Whether any list changed order.
    pub fn any_reordered(&self) -> bool {
        self.goals.reordered
            || self.measures.reordered
            || self.projects.reordered
            || self.projects.items.iter().any(|p| p.indicators.reordered)
    }

    /// Counts of added, removed, changed and moved things; a changed project
    /// counts its rows, and a project with only changed amounts counts once.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            changed: self.cover.len() + self.overall.len() + self.settings.len(),
            ..Summary::default()
        };
        let items = self.goals.items.iter().chain(&self.measures.items);
        for i in items {
            s.count(i.kind, i.at.moved);
        }
        for p in &self.projects.items {
            if p.kind != Kind::Changed {
                s.count(p.kind, p.at.moved);
                continue;
            }
            s.moved += usize::from(p.at.moved);
            p.indicators
                .items
                .iter()
                .for_each(|r| s.count(r.kind, r.at.moved));
            let own = p.fields.len() + usize::from(!p.budget.is_empty() || !p.plan.is_empty());
            s.changed += own;
        }
        s
    }
}

impl ProjectChange {
    /// Whether anything differs that prints (a move counts, a reordering
    /// left out with `ignore_order` does not).
    pub fn has_content(&self) -> bool {
        self.kind != Kind::Changed
            || self.at.moved
            || !self.fields.is_empty()
            || !self.budget.is_empty()
            || !self.plan.is_empty()
            || !self.indicators.items.is_empty()
    }
}

impl Summary {
    fn count(&mut self, kind: Kind, moved: bool) {
        match kind {
            Kind::Added => self.added += 1,
            Kind::Removed => self.removed += 1,
            Kind::Changed => self.changed += 1,
            Kind::Moved => {}
        }
        self.moved += usize::from(moved);
    }
}

/// Compares two documents.
pub fn compare(old: &Document, new: &Document, opts: Options) -> Changes {
    let (mut cover, mut overall, mut settings) = (Vec::new(), Vec::new(), Vec::new());
    for f in scalar_fields(old, new) {
        match f.key.as_str() {
            "overall" => overall.push(f),
            k if k.starts_with("labels.") || k.starts_with("style.") => settings.push(f),
            _ => cover.push(f),
        }
    }
    let mut changes = Changes {
        cover,
        overall,
        goals: compare_items(&old.goals, &new.goals, |g| &g.title, goal_fields, goal_like),
        measures: compare_items(
            &old.measures,
            &new.measures,
            |m| &m.lead,
            measure_fields,
            measure_like,
        ),
        projects: compare_projects(&ordered(old), &ordered(new)),
        settings,
        totals: totals(old, new),
        checks: CheckChanges::default(),
        standalone: crate::typeset::render::is_standalone(new),
    };
    if opts.ignore_order {
        changes.forget_order();
    }
    changes
}

impl Changes {
    /// Leaves moves out: moved-only items go, moved flags are cleared, the
    /// `reordered` notes stay.
    fn forget_order(&mut self) {
        for s in [&mut self.goals, &mut self.measures] {
            s.items.retain(|i| i.kind != Kind::Moved);
            s.items.iter_mut().for_each(|i| i.at.moved = false);
        }
        self.projects.items.retain(|p| p.kind != Kind::Moved);
        for p in &mut self.projects.items {
            p.at.moved = false;
            let rows = &mut p.indicators.items;
            rows.retain(|r| r.kind != Kind::Moved);
            rows.iter_mut().for_each(|r| r.at.moved = false);
        }
        let order_only = |p: &ProjectChange| p.has_content() || p.indicators.reordered;
        self.projects.items.retain(order_only);
    }
}

/// The tables in printed order: department tables (第一部分) first, each
/// with its index in the data.
fn ordered(doc: &Document) -> Vec<(usize, &Project)> {
    let part = |p: &Project| u8::from(p.form.placement != Placement::Department);
    let mut out: Vec<(usize, &Project)> = doc.projects.iter().enumerate().collect();
    out.sort_by_key(|(i, p)| (part(p), *i));
    out
}

/// The sum of 预算数 over a document's tables of one placement; `None`
/// past what a decimal holds.
pub fn budget_total(doc: &Document, placement: Placement) -> Option<Decimal> {
    let tables = doc
        .projects
        .iter()
        .filter(|p| p.form.placement == placement);
    let mut totals = tables.filter_map(|p| p.total()).map(|a| a.0);
    totals.try_fold(Decimal::ZERO, Decimal::checked_add)
}

fn totals(old: &Document, new: &Document) -> Totals {
    let rows = |d: &Document| -> usize { d.projects.iter().map(|p| indicator_rows(p).len()).sum() };
    let same_unit = old.money_unit == new.money_unit;
    let sum = |placement: Placement, label: &str| {
        let (a, b) = (budget_total(old, placement), budget_total(new, placement));
        let shown =
            |t: Option<Decimal>| t.map_or_else(|| "超出可计算范围".into(), |t| t.to_string());
        AmountChange {
            key: "budget.total".into(),
            label: label.into(),
            old: Some(shown(a)),
            new: Some(shown(b)),
            delta: same_unit
                .then(|| b?.checked_sub(a?))
                .flatten()
                .map(fields::signed),
        }
    };
    let has_department = |d: &Document| {
        d.projects
            .iter()
            .any(|p| p.form.placement == Placement::Department)
    };
    Totals {
        unit: if same_unit {
            new.money_unit.clone()
        } else {
            format!("{} → {}", old.money_unit, new.money_unit)
        },
        budget: sum(Placement::Project, "预算数合计"),
        department: (has_department(old) || has_department(new))
            .then(|| sum(Placement::Department, "部门预算数")),
        projects: [old.projects.len(), new.projects.len()],
        indicators: [rows(old), rows(new)],
    }
}

fn goal_fields(old: &Goal, new: &Goal) -> Vec<FieldChange> {
    [
        text_change("title", "标题", &old.title, &new.title),
        text_change("target", "绩效目标", &old.target, &new.target),
        text_change("indicator", "绩效指标", &old.indicator, &new.indicator),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn measure_fields(old: &Measure, new: &Measure) -> Vec<FieldChange> {
    [
        text_change("lead", "措施要点", &old.lead, &new.lead),
        text_change("text", "正文", &old.text, &new.text),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn goal_like(a: &Goal, b: &Goal) -> matching::Likeness {
    let rest = |g: &Goal| format!("{}\n{}", g.target, g.indicator);
    likeness::texts(&a.title, &b.title, &rest(a), &rest(b))
}

fn measure_like(a: &Measure, b: &Measure) -> matching::Likeness {
    likeness::texts(&a.lead, &b.lead, &a.text, &b.text)
}

/// Compares goals or measures: matched by title, else by likeness.
fn compare_items<T>(
    old: &[T],
    new: &[T],
    title: impl Fn(&T) -> &String,
    fields: impl Fn(&T, &T) -> Vec<FieldChange>,
    like: fn(&T, &T) -> matching::Likeness,
) -> Section<ItemChange> {
    let Pairing {
        steps,
        moved,
        reordered,
    } = pair(
        old,
        new,
        &[&|a: &T, b: &T| title(a) == title(b)],
        Some(&like),
    );
    let items = steps
        .into_iter()
        .zip(moved)
        .filter_map(|((o, n), moved)| {
            let at = Position::of((o, n), moved);
            let fields = match (o, n) {
                (Some(o), Some(n)) => fields(&old[o], &new[n]),
                _ => Vec::new(),
            };
            let kind = at.kind(!fields.is_empty())?;
            let shown = n.map(|n| &new[n]).or(o.map(|o| &old[o]))?;
            Some(ItemChange {
                kind,
                at,
                title: title(shown).clone(),
                fields,
                page: None,
            })
        })
        .collect();
    Section { items, reordered }
}

/// Compares the tables (in printed order): matched by 项目编码, then by
/// 项目名称, then by likeness.
fn compare_projects(
    old: &[(usize, &Project)],
    new: &[(usize, &Project)],
) -> Section<ProjectChange> {
    type P<'a> = (usize, &'a Project);
    let pairing = pair(
        old,
        new,
        &[
            &|a: &P, b: &P| !a.1.code().is_empty() && a.1.code() == b.1.code(),
            &|a: &P, b: &P| a.1.name() == b.1.name(),
        ],
        Some(&|a: &P, b: &P| likeness::projects(a.1, b.1)),
    );
    let items = pairing
        .steps
        .into_iter()
        .zip(pairing.moved)
        .filter_map(|((o, n), moved)| {
            let at = Position::of((o, n), moved);
            project_change(o.map(|i| old[i].1), n.map(|i| new[i].1), at)
        })
        .collect();
    Section {
        items,
        reordered: pairing.reordered,
    }
}

fn project_change(
    old: Option<&Project>,
    new: Option<&Project>,
    at: Position,
) -> Option<ProjectChange> {
    let shown = new.or(old)?;
    let total = |p: Option<&Project>| p.and_then(|p| p.total()).map(|a| a.to_string());
    let mut change = ProjectChange {
        kind: Kind::Changed,
        at,
        part: if shown.form.placement == Placement::Department {
            1
        } else {
            2
        },
        code: shown.code(),
        name: shown.name(),
        old_total: total(old),
        total: total(Some(shown)).unwrap_or_default(),
        total_delta: old
            .and(new)
            .and_then(|n| n.total()?.0.checked_sub(old?.total()?.0))
            .map(fields::signed),
        fields: Vec::new(),
        budget: Vec::new(),
        plan: Vec::new(),
        indicators: Section::default(),
        page: None,
    };
    let (Some(old), Some(new)) = (old, new) else {
        change.kind = at.kind(false)?;
        return Some(change);
    };
    change.fields = project_fields(old, new);
    (change.budget, change.plan) = amount_changes(old, new);
    // A form without indicators on one side counts as no rows there.
    if let Some((t, _)) = new.indicators().or(old.indicators()) {
        change.indicators = compare_indicators(t, indicator_rows(old), indicator_rows(new));
    }
    let changed = !(change.fields.is_empty()
        && change.budget.is_empty()
        && change.plan.is_empty()
        && change.indicators.items.is_empty());
    change.kind = at.kind(changed).unwrap_or(Kind::Changed);
    (changed || at.moved || change.indicators.reordered).then_some(change)
}

/// A table's indicator rows (none when its form has no indicator table).
fn indicator_rows(p: &Project) -> &[Row] {
    p.indicators().map_or(&[], |(_, rows)| rows)
}

/// Compares indicator rows by 三级指标, then by likeness.
fn compare_indicators(t: &TableDef, old: &[Row], new: &[Row]) -> Section<IndicatorChange> {
    let name = |r: &Row| r.role(t, Role::Level3);
    let Pairing {
        steps,
        moved,
        reordered,
    } = pair(
        old,
        new,
        &[&|a: &Row, b: &Row| name(a) == name(b)],
        Some(&|a: &Row, b: &Row| likeness::rows(t, a, b)),
    );
    let items = steps
        .into_iter()
        .zip(moved)
        .filter_map(|((o, n), moved)| {
            let at = Position::of((o, n), moved);
            let (o, n) = (o.map(|i| &old[i]), n.map(|i| &new[i]));
            let shown = n.or(o)?;
            let fields = indicator_fields(t, o, n);
            let both = o.is_some() && n.is_some();
            let kind = at.kind(both && !fields.is_empty())?;
            Some(IndicatorChange {
                kind,
                at,
                level2: shown.role(t, Role::Level2),
                name: name(shown),
                fields,
                page: None,
            })
        })
        .collect();
    Section { items, reordered }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Document {
        toml::from_str(
            "year = 2030\ndepartment = '甲局'\nunit_code = '1'\nunit_name = '甲局本级'\n\
             [[goals]]\ntitle = '目标一'\ntarget = '甲'\n\
             [[goals]]\ntitle = '目标二'\ntarget = '乙'\n\
             [[measures]]\nlead = '措施一'\ntext = '丙'\n",
        )
        .unwrap()
    }

    #[test]
    fn equal_documents_have_no_changes() {
        let changes = compare(&doc(), &doc(), Options::default());
        assert!(changes.is_empty());
        assert_eq!(changes.summary(), Summary::default());
    }

    #[test]
    fn scalars_labels_and_style_are_compared() {
        let mut new = doc();
        new.year = 2031;
        new.labels.insert("code".into(), "项目编号".into());
        new.style.body_size = Some(16.0);
        let changes = compare(&doc(), &new, Options::default());
        let keys = |fs: &[FieldChange]| fs.iter().map(|f| f.key.clone()).collect::<Vec<_>>();
        assert_eq!(keys(&changes.cover), ["year"]);
        assert_eq!(keys(&changes.settings), ["labels.code", "style.body_size"]);
    }

    #[test]
    fn renamed_goal_pairs_by_position_and_removed_measure_is_named() {
        let mut new = doc();
        new.goals[1].title = "目标二（修订）".into();
        new.measures.clear();
        let changes = compare(&doc(), &new, Options::default());
        let goal = &changes.goals.items[0];
        assert_eq!(
            (goal.kind, goal.at.old_index, goal.at.new_index),
            (Kind::Changed, Some(2), Some(2))
        );
        assert_eq!(goal.fields[0].snippets, ["目标二{+（修订）+}"]);
        let measure = &changes.measures.items[0];
        assert_eq!(
            (measure.kind, measure.title.as_str()),
            (Kind::Removed, "措施一")
        );
        assert_eq!(
            changes.summary(),
            Summary {
                added: 0,
                removed: 1,
                changed: 1,
                moved: 0
            }
        );
    }

    #[test]
    fn rows_of_a_table_the_new_form_lacks_are_removed() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/data/examples/department/projects/00-zhengti.toml"
        );
        let old = crate::input::model::project::parse_test(&std::fs::read_to_string(path).unwrap());
        let new = crate::input::model::project::parse_test(
            "code='X'\nname='承德市档案馆'\n[budget]\ntotal='1236.48'\n",
        );
        let change = project_change(
            Some(&old),
            Some(&new),
            Position::of((Some(0), Some(0)), false),
        )
        .unwrap();
        let keys: Vec<&str> = change.fields.iter().map(|f| f.key.as_str()).collect();
        assert!(
            keys.contains(&"form") && keys.contains(&"duties[1].amount"),
            "{keys:?}"
        );
        let removed = change
            .fields
            .iter()
            .find(|f| f.key == "duties[1].amount")
            .unwrap();
        assert_eq!(
            (removed.old.as_deref(), removed.new.as_deref()),
            (Some("46.00"), None)
        );
        assert!(!change.indicators.items.is_empty());
    }

    #[test]
    fn swapped_goals_are_a_move_unless_order_is_ignored() {
        let mut new = doc();
        new.goals.swap(0, 1);
        let changes = compare(&doc(), &new, Options::default());
        assert!(!changes.is_empty());
        let moved: Vec<_> = changes.goals.items.iter().map(|i| (i.kind, i.at)).collect();
        assert_eq!(
            moved,
            [(
                Kind::Moved,
                Position {
                    old_index: Some(2),
                    new_index: Some(1),
                    moved: true
                }
            )]
        );
        assert_eq!(changes.summary().moved, 1);
        let ignored = compare(&doc(), &new, Options { ignore_order: true });
        assert!(ignored.is_empty() && ignored.goals.items.is_empty());
        assert!(ignored.goals.reordered && ignored.any_reordered());
    }

    #[test]
    fn a_renamed_goal_elsewhere_pairs_when_its_text_is_the_same() {
        let mut new = doc();
        new.goals[0].title = "目标一（修订）".into();
        new.goals.swap(0, 1);
        let changes = compare(&doc(), &new, Options::default());
        let kinds: Vec<_> = changes.goals.items.iter().map(|i| i.kind).collect();
        assert_eq!(kinds, [Kind::Moved, Kind::Changed]);
        // A new text as well: nothing is alike, so removed and added.
        new.goals[1].target = "全新内容".into();
        let changes = compare(&doc(), &new, Options::default());
        let kinds: Vec<_> = changes.goals.items.iter().map(|i| i.kind).collect();
        assert_eq!(kinds, [Kind::Removed, Kind::Added]);
    }
}
