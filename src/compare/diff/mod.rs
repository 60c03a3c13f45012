//! The model-level comparison of two documents: which fields, 分项绩效目标,
//! 保障措施, projects and indicator rows were added, removed or changed.
//!
//! Lists are matched by identity, not position (goals by title, measures by
//! lead, projects by 项目编码 then 项目名称, indicator rows by 三级指标), so a
//! pure reordering is reported as a note (`reordered`) and does not count as
//! a change of content.

pub mod html;
pub mod report;
pub mod text;

pub mod fields;
mod matching;

use serde::Serialize;

use crate::input::form::{Role, TableDef};
use crate::input::model::{Document, Goal, Measure, Project, Row};
use fields::{amount_changes, indicator_fields, project_fields, scalar_fields, text_change};
use matching::{Pairing, pair};

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
    /// The items added, removed or changed, in new-document order (removed
    /// items at their old place).
    pub items: Vec<T>,
    /// The items in both versions are in a different order (a note only).
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

/// A 分项绩效目标 or 保障措施 that was added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemChange {
    /// Added, removed or changed.
    pub kind: Kind,
    /// 1-based position in the old version.
    pub old_index: Option<usize>,
    /// 1-based position in the new version.
    pub new_index: Option<usize>,
    /// The title (goal) or lead (measure); the new one when both exist.
    pub title: String,
    /// The changed fields (empty for added or removed items).
    pub fields: Vec<FieldChange>,
}

/// A project table that was added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectChange {
    /// Added, removed or changed.
    pub kind: Kind,
    /// 项目编码 (the new one when both exist).
    pub code: String,
    /// 项目名称 (the new one when both exist).
    pub name: String,
    /// 预算数 of the version that has it (the new one when both exist).
    pub total: String,
    /// Changed text fields: code, name, title, usage, goal, labels.*.
    pub fields: Vec<FieldChange>,
    /// Changed 预算数 / 财政资金 / 其他资金.
    pub budget: Vec<AmountChange>,
    /// Changed spending-plan checkpoints.
    pub plan: Vec<AmountChange>,
    /// Indicator rows added, removed or changed.
    pub indicators: Section<IndicatorChange>,
}

/// An indicator row that was added, removed or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorChange {
    /// Added, removed or changed.
    pub kind: Kind,
    /// 二级指标 (the new one when both exist).
    pub level2: String,
    /// 三级指标, the row's identity.
    pub name: String,
    /// For added/removed rows: every cell; for changed rows: the changed ones.
    pub fields: Vec<FieldChange>,
}

/// Everything that differs between two documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Changes {
    /// Changed top-level fields: year, names, 总体绩效目标, cover, labels, style.
    pub document: Vec<FieldChange>,
    /// 分项绩效目标.
    pub goals: Section<ItemChange>,
    /// 工作保障措施.
    pub measures: Section<ItemChange>,
    /// 项目绩效目标表.
    pub projects: Section<ProjectChange>,
}

/// How many items were added, removed and changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Added goals, measures, projects and indicator rows.
    pub added: usize,
    /// Removed ones.
    pub removed: usize,
    /// Changed fields and items.
    pub changed: usize,
}

impl Changes {
    /// Whether the contents are equal (order notes do not count).
    pub fn is_empty(&self) -> bool {
        self.document.is_empty()
            && self.goals.items.is_empty()
            && self.measures.items.is_empty()
            && self.projects.items.iter().all(|p| !p.has_content())
    }

    /// Whether any list only changed order.
    pub fn any_reordered(&self) -> bool {
        self.goals.reordered
            || self.measures.reordered
            || self.projects.reordered
            || self.projects.items.iter().any(|p| p.indicators.reordered)
    }

    /// Counts of added, removed and changed things; a changed project counts
    /// its rows, and a project with only changed amounts counts once.
    pub fn summary(&self) -> Summary {
        let mut s = Summary {
            changed: self.document.len(),
            ..Summary::default()
        };
        let items = self.goals.items.iter().chain(&self.measures.items);
        for kind in items.map(|i| i.kind) {
            s.count(kind);
        }
        for p in &self.projects.items {
            if p.kind != Kind::Changed {
                s.count(p.kind);
                continue;
            }
            p.indicators.items.iter().for_each(|r| s.count(r.kind));
            let own = p.fields.len() + usize::from(!p.budget.is_empty() || !p.plan.is_empty());
            s.changed += own;
        }
        s
    }
}

impl ProjectChange {
    /// Whether anything but the order of indicator rows differs.
    pub fn has_content(&self) -> bool {
        self.kind != Kind::Changed
            || !self.fields.is_empty()
            || !self.budget.is_empty()
            || !self.plan.is_empty()
            || !self.indicators.items.is_empty()
    }
}

impl Summary {
    fn count(&mut self, kind: Kind) {
        match kind {
            Kind::Added => self.added += 1,
            Kind::Removed => self.removed += 1,
            Kind::Changed => self.changed += 1,
        }
    }
}

/// Compares two documents.
pub fn compare(old: &Document, new: &Document) -> Changes {
    Changes {
        document: scalar_fields(old, new),
        goals: compare_items(&old.goals, &new.goals, |g| &g.title, goal_fields),
        measures: compare_items(&old.measures, &new.measures, |m| &m.lead, measure_fields),
        projects: compare_projects(&old.projects, &new.projects),
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

/// Compares goals or measures: matched by title, else by position.
fn compare_items<T>(
    old: &[T],
    new: &[T],
    title: impl Fn(&T) -> &String,
    fields: impl Fn(&T, &T) -> Vec<FieldChange>,
) -> Section<ItemChange> {
    let Pairing { steps, reordered } =
        pair(old, new, &[&|a: &T, b: &T| title(a) == title(b)], true);
    let items = steps
        .into_iter()
        .filter_map(|(o, n)| {
            let (kind, fields) = match (o, n) {
                (Some(o), Some(n)) => (Kind::Changed, fields(&old[o], &new[n])),
                (Some(_), None) => (Kind::Removed, Vec::new()),
                _ => (Kind::Added, Vec::new()),
            };
            if kind == Kind::Changed && fields.is_empty() {
                return None;
            }
            let shown = n.map(|n| &new[n]).or(o.map(|o| &old[o]))?;
            Some(ItemChange {
                kind,
                old_index: o.map(|i| i + 1),
                new_index: n.map(|i| i + 1),
                title: title(shown).clone(),
                fields,
            })
        })
        .collect();
    Section { items, reordered }
}

/// Compares projects: matched by 项目编码, then by 项目名称.
fn compare_projects(old: &[Project], new: &[Project]) -> Section<ProjectChange> {
    let pairing = pair(
        old,
        new,
        &[
            &|a: &Project, b: &Project| !a.code().is_empty() && a.code() == b.code(),
            &|a: &Project, b: &Project| a.name() == b.name(),
        ],
        false,
    );
    let items = pairing
        .steps
        .into_iter()
        .filter_map(|(o, n)| project_change(o.map(|i| &old[i]), n.map(|i| &new[i])))
        .collect();
    Section {
        items,
        reordered: pairing.reordered,
    }
}

fn project_change(old: Option<&Project>, new: Option<&Project>) -> Option<ProjectChange> {
    let shown = new.or(old)?;
    let mut change = ProjectChange {
        kind: Kind::Changed,
        code: shown.code(),
        name: shown.name(),
        total: shown.total().map(|a| a.to_string()).unwrap_or_default(),
        fields: Vec::new(),
        budget: Vec::new(),
        plan: Vec::new(),
        indicators: Section::default(),
    };
    let (Some(old), Some(new)) = (old, new) else {
        change.kind = if new.is_some() {
            Kind::Added
        } else {
            Kind::Removed
        };
        return Some(change);
    };
    change.fields = project_fields(old, new);
    (change.budget, change.plan) = amount_changes(old, new);
    // A form without indicators on one side counts as no rows there.
    if let Some((t, _)) = new.indicators().or(old.indicators()) {
        change.indicators = compare_indicators(t, indicator_rows(old), indicator_rows(new));
    }
    let unchanged = change.fields.is_empty()
        && change.budget.is_empty()
        && change.plan.is_empty()
        && change.indicators.items.is_empty();
    (!unchanged || change.indicators.reordered).then_some(change)
}

/// A table's indicator rows (none when its form has no indicator table).
fn indicator_rows(p: &Project) -> &[Row] {
    p.indicators().map_or(&[], |(_, rows)| rows)
}

/// Compares indicator rows by 三级指标 only: position never pairs rows.
fn compare_indicators(t: &TableDef, old: &[Row], new: &[Row]) -> Section<IndicatorChange> {
    let name = |r: &Row| r.role(t, Role::Level3);
    let Pairing { steps, reordered } =
        pair(old, new, &[&|a: &Row, b: &Row| name(a) == name(b)], false);
    let items = steps
        .into_iter()
        .filter_map(|(o, n)| {
            let (o, n) = (o.map(|i| &old[i]), n.map(|i| &new[i]));
            let shown = n.or(o)?;
            let kind = match (o, n) {
                (Some(_), Some(_)) => Kind::Changed,
                (Some(_), None) => Kind::Removed,
                _ => Kind::Added,
            };
            let fields = indicator_fields(t, o, n);
            (kind != Kind::Changed || !fields.is_empty()).then(|| IndicatorChange {
                kind,
                level2: shown.role(t, Role::Level2),
                name: name(shown),
                fields,
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
        let changes = compare(&doc(), &doc());
        assert!(changes.is_empty());
        assert_eq!(changes.summary(), Summary::default());
    }

    #[test]
    fn scalars_labels_and_style_are_compared() {
        let mut new = doc();
        new.year = 2031;
        new.labels.insert("code".into(), "项目编号".into());
        new.style.body_size = Some(16.0);
        let keys: Vec<String> = compare(&doc(), &new)
            .document
            .into_iter()
            .map(|f| f.key)
            .collect();
        assert_eq!(keys, ["year", "labels.code", "style.body_size"]);
    }

    #[test]
    fn renamed_goal_pairs_by_position_and_removed_measure_is_named() {
        let mut new = doc();
        new.goals[1].title = "目标二（修订）".into();
        new.measures.clear();
        let changes = compare(&doc(), &new);
        let goal = &changes.goals.items[0];
        assert_eq!(
            (goal.kind, goal.old_index, goal.new_index),
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
                changed: 1
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
        let change = project_change(Some(&old), Some(&new)).unwrap();
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
    fn swapped_goals_are_only_reordered() {
        let mut new = doc();
        new.goals.swap(0, 1);
        let changes = compare(&doc(), &new);
        assert!(changes.is_empty());
        assert!(changes.goals.reordered && changes.any_reordered());
    }
}
