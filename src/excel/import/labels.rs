//! Finding a form's labels on a sheet: which cells hold which label, which
//! form fits a sheet best, and the errors of a label written twice or of
//! two tables on one sheet.

use std::collections::{BTreeMap, HashMap};

use super::grid::{Cell, Grid};
use crate::excel::{a1, norm_label};
use crate::input::form::{CellRef, Form};
use crate::input::model::Labels;

/// A form's labels by their compared text.
pub(crate) struct Catalogue {
    /// Compared text → label key.
    by_norm: HashMap<String, &'static str>,
    /// Label key → the label printed when nothing overrides it.
    pub effective: HashMap<&'static str, String>,
}

impl Catalogue {
    /// The labels of `form`, as overridden by the document's `labels`.
    pub(crate) fn new(form: &Form, doc_labels: &Labels) -> Self {
        let mut by_norm = HashMap::new();
        let mut effective = HashMap::new();
        for (key, default) in form.label_keys() {
            let shown = doc_labels
                .get(key)
                .cloned()
                .unwrap_or_else(|| default.to_string());
            by_norm.entry(norm_label(default)).or_insert(key);
            by_norm.entry(norm_label(&shown)).or_insert(key);
            effective.insert(key, shown);
        }
        // Then the looser spellings of hand-made sheets: 财政资金 for
        // 其中：财政资金, 资金支出计划 for 资金支出计划（%）. Exact ones win.
        let loose: Vec<(String, &'static str)> = by_norm
            .iter()
            .map(|(n, k)| (loosen(n), *k))
            .filter(|(l, _)| !l.is_empty())
            .collect();
        for (l, k) in loose {
            by_norm.entry(l).or_insert(k);
        }
        Catalogue { by_norm, effective }
    }

    /// The label key a text is, if any: as written, else without a unit
    /// in brackets or a leading 其中 (预算数（万元）, 其中：其他资金).
    pub(crate) fn key_of(&self, text: &str) -> Option<&'static str> {
        let n = norm_label(text);
        if n.is_empty() {
            return None;
        }
        let exact = self.by_norm.get(&n).copied();
        exact.or_else(|| self.by_norm.get(&loosen(&n)).copied())
    }

    /// Whether the cell at a position is a label of the form.
    pub(crate) fn is_label(&self, g: &Grid, row: u32, col: u32) -> bool {
        g.text(row, col).and_then(|t| self.key_of(t)).is_some()
    }
}

/// A compared label without a leading 其中: and a trailing bracket (a
/// unit: "(万元)", "(%)").
fn loosen(norm: &str) -> String {
    let n = norm.strip_prefix("其中:").unwrap_or(norm);
    let n = match n
        .strip_suffix(')')
        .and_then(|x| x.rfind('(').map(|i| &x[..i]))
    {
        Some(stem) if !stem.is_empty() => stem,
        _ => n,
    };
    n.to_string()
}

/// Every cell holding a label, by label key, in reading order.
pub(crate) type Hits = BTreeMap<&'static str, Vec<(u32, u32)>>;

/// The label cells of a sheet.
pub(crate) fn hits(g: &Grid, cat: &Catalogue) -> Hits {
    let mut out = Hits::new();
    for (r, c) in g.positions() {
        if let Some(Cell::Text(t)) = g.raw(r, c)
            && let Some(k) = cat.key_of(t)
        {
            out.entry(k).or_default().push((r, c));
        }
    }
    out
}

/// The label keys a form prints in its grid or as column headers.
pub(crate) fn printed_keys(form: &Form) -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    for row in &form.layout {
        for cell in row {
            if let CellRef::Label(k) = cell.what {
                keys.push(k);
            }
        }
    }
    for t in &form.tables {
        if t.header {
            keys.extend(
                t.columns
                    .iter()
                    .filter(|c| c.auto.is_none())
                    .map(|c| c.label_key),
            );
        }
        if t.side {
            keys.push(t.key);
        }
    }
    keys
}

/// How well a form fits a sheet: the number of its printed labels found,
/// and that as a share of them.
pub(crate) fn score(g: &Grid, form: &Form, doc_labels: &Labels) -> (usize, f64) {
    let cat = Catalogue::new(form, doc_labels);
    let found = hits(g, &cat);
    let keys = printed_keys(form);
    let n = keys.iter().filter(|k| found.contains_key(*k)).count();
    (n, n as f64 / keys.len().max(1) as f64)
}

/// Two tables on one sheet or one label written twice, as a message;
/// `None` when every printed label is written at most once.
pub(crate) fn twice(g: &Grid, form: &Form, found: &Hits) -> Option<(String, String)> {
    let keys = printed_keys(form);
    let doubled: Vec<&'static str> = keys
        .iter()
        .copied()
        .filter(|k| found.get(k).is_some_and(|v| v.len() > 1))
        .collect();
    let first = *doubled.first()?;
    let at = &found[first];
    if doubled.len() >= 3 {
        return Some((
            format!(
                "工作表“{}”中有两张绩效目标表（第{}行和第{}行）",
                g.name,
                at[0].0 + 1,
                at[1].0 + 1
            ),
            "每张表放在单独的工作表中（复制到新工作表后删去这里的一张），再导入".into(),
        ));
    }
    let text = g
        .text(at[0].0, at[0].1)
        .unwrap_or_default()
        .trim()
        .to_string();
    Some((
        format!(
            "{}!{}：标签“{text}”出现了两次（另一处在 {}），无法确定取哪一处的值",
            g.name,
            a1(at[0].0, at[0].1),
            a1(at[1].0, at[1].1)
        ),
        "删去或改掉多余的一处，每个标签在表中只写一次".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::excel::import::grid::from_rows;
    use crate::input::form::Registry;

    #[test]
    fn labels_are_found_whatever_their_width_or_spacing() {
        let forms = Registry::builtin();
        let hebei = forms.get("hebei").unwrap();
        let cat = Catalogue::new(hebei, &Labels::new());
        assert_eq!(cat.key_of("资金支出计划(%)"), Some("plan"));
        assert_eq!(cat.key_of(" 项目 名称："), Some("name"));
        assert_eq!(cat.key_of("其中：财政资金"), Some("fiscal"));
        assert_eq!(cat.key_of("租用办公用房的面积"), None);
        let g = from_rows(&[&["", "项目编码", "X", "项目名称", "Y"], &["预算数", "1"]]);
        let found = hits(&g, &cat);
        assert_eq!(found["code"], [(0, 1)]);
        assert_eq!(found["total"], [(1, 0)]);
        assert!(twice(&g, hebei, &found).is_none());
    }

    #[test]
    fn the_best_form_has_the_most_labels() {
        let forms = Registry::builtin();
        let g = from_rows(&[
            &["项目名称", "x", "项目编码", "y"],
            &["主管部门", "a", "实施单位", "b"],
            &["项目类别", "c", "项目性质", "d"],
        ]);
        let best = forms
            .iter()
            .max_by(|a, b| {
                let (x, y) = (score(&g, a, &Labels::new()), score(&g, b, &Labels::new()));
                x.0.cmp(&y.0).then(x.1.total_cmp(&y.1))
            })
            .unwrap();
        assert_eq!(best.name, "shenbao");
    }

    #[test]
    fn a_label_twice_and_two_tables_are_told_apart() {
        let forms = Registry::builtin();
        let hebei = forms.get("hebei").unwrap();
        let cat = Catalogue::new(hebei, &Labels::new());
        let g = from_rows(&[&["项目编码", "x", "项目名称"], &["项目名称", "y"]]);
        let (m, _) = twice(&g, hebei, &hits(&g, &cat)).unwrap();
        assert!(
            m.contains("出现了两次") && m.contains("C1") && m.contains("A2"),
            "{m}"
        );
        let g = from_rows(&[
            &["项目编码", "x", "项目名称", "预算数"],
            &[""],
            &["项目编码", "x", "项目名称", "预算数"],
        ]);
        let (m, _) = twice(&g, hebei, &hits(&g, &cat)).unwrap();
        assert!(m.contains("两张绩效目标表（第1行和第3行）"), "{m}");
    }
}
