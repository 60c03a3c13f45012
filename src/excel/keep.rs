//! Writing an import over an existing data file without churn: the old
//! file's text with only the changed values replaced, so its comments,
//! key order and string style survive and `git diff` shows the edit alone.

use std::path::Path;

use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, Value};

/// Top-level keys of a project file a workbook does not carry (the hidden
/// sheet may be gone, the title cell may print the default): kept when the
/// fresh text lacks them.
pub const PROJECT_KEEP: &[&str] = &["check", "form", "title"];

/// Top-level keys of `document.toml` a workbook without its hidden sheet
/// does not carry: kept when the fresh text lacks them.
pub const DOCUMENT_KEEP: &[&str] = &["cover", "style", "check", "form", "labels", "date"];

/// The keys to keep when absent for the data file at `path`.
pub fn keep_for(path: &Path) -> &'static [&'static str] {
    match path.file_name().and_then(|n| n.to_str()) {
        Some("document.toml") => DOCUMENT_KEEP,
        _ => PROJECT_KEEP,
    }
}

/// The text of `old` with the data of `fresh` written into it: a value
/// equal in both keeps the old spelling and comments (`16` for `16.0`, an
/// inline table for a table), a changed value keeps its key's comments,
/// keys only in `fresh` are added with theirs, keys only in `old` are
/// removed unless they are top-level keys in `keep_if_absent` or hold
/// nothing (`""`, `[]`, an empty table). `None` when either text does not
/// parse (the caller writes `fresh` as it is).
pub fn update(old: &str, fresh: &str, keep_if_absent: &[&str]) -> Option<String> {
    let mut doc: DocumentMut = old.parse().ok()?;
    let new: DocumentMut = fresh.parse().ok()?;
    update_table(doc.as_table_mut(), new.as_table(), keep_if_absent);
    Some(doc.to_string())
}

fn update_table(old: &mut Table, new: &Table, keep: &[&str]) {
    let gone: Vec<String> = old
        .iter()
        .filter(|(k, v)| !new.contains_key(k) && !keep.contains(k) && !empty_item(v))
        .map(|(k, _)| k.to_string())
        .collect();
    for k in gone {
        old.remove(&k);
    }
    for (key, item) in new.iter() {
        let Some(slot) = old.get_mut(key) else {
            let (key, item) = new.get_key_value(key).expect("iterated key");
            old.insert_formatted(key, item.clone());
            continue;
        };
        update_item(slot, item);
    }
}

fn update_item(old: &mut Item, new: &Item) {
    match (old, new) {
        (Item::Value(o), Item::Value(n)) => update_value(o, n),
        (Item::Table(o), Item::Table(n)) => update_table(o, n, &[]),
        (Item::ArrayOfTables(o), Item::ArrayOfTables(n)) => update_rows(o, n),
        // Written inline in the old file: stays inline.
        (Item::Value(o), Item::Table(n)) if o.is_inline_table() => {
            update_value(o, &Value::InlineTable(n.clone().into_inline_table()));
        }
        (Item::Value(o), Item::ArrayOfTables(n)) if o.is_array() => {
            update_value(o, &Value::Array(n.clone().into_array()));
        }
        (o, n) => *o = n.clone(),
    }
}

/// A value changed in place: inline tables and arrays key by key and item
/// by item, so unchanged parts keep their spelling.
fn update_value(o: &mut Value, n: &Value) {
    if same(o, n) {
        return;
    }
    match (o, n) {
        (Value::InlineTable(o), Value::InlineTable(n)) => update_inline(o, n),
        (Value::Array(o), Value::Array(n)) => update_array(o, n),
        (o, n) => {
            let decor = o.decor().clone();
            *o = n.clone();
            *o.decor_mut() = decor;
        }
    }
}

fn update_inline(o: &mut InlineTable, n: &InlineTable) {
    let gone: Vec<String> = o
        .iter()
        .filter(|(k, v)| !n.contains_key(k) && !empty_value(v))
        .map(|(k, _)| k.to_string())
        .collect();
    for k in gone {
        o.remove(&k);
    }
    for (k, v) in n.iter() {
        match o.get_mut(k) {
            Some(slot) => update_value(slot, v),
            None => {
                o.insert(k, v.clone());
            }
        }
    }
}

fn update_array(o: &mut Array, n: &Array) {
    while o.len() > n.len() {
        o.remove(o.len() - 1);
    }
    for (i, v) in n.iter().enumerate() {
        match o.get_mut(i) {
            Some(slot) => update_value(slot, v),
            None => o.push_formatted(v.clone()),
        }
    }
}

/// Rows are matched by position: an edited cell changes its row only.
fn update_rows(old: &mut ArrayOfTables, new: &ArrayOfTables) {
    while old.len() > new.len() {
        old.remove(old.len() - 1);
    }
    for (i, n) in new.iter().enumerate() {
        match old.get_mut(i) {
            Some(o) => update_table(o, n, &[]),
            None => old.push(n.clone()),
        }
    }
}

/// Whether an item holds nothing: a key the fresh text leaves out for
/// being empty, not for being deleted.
fn empty_item(item: &Item) -> bool {
    match item {
        Item::None => true,
        Item::Value(v) => empty_value(v),
        Item::Table(t) => t.iter().all(|(_, v)| empty_item(v)),
        Item::ArrayOfTables(a) => a.is_empty(),
    }
}

fn empty_value(v: &Value) -> bool {
    match v {
        Value::String(s) => s.value().is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::InlineTable(t) => t.iter().all(|(_, v)| empty_value(v)),
        _ => false,
    }
}

/// Whether two values hold the same data, however they are spelled
/// (`'a'` and `"a"`, `25` and `2_5`, `16` and `16.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.value() == y.value(),
        (Value::Integer(x), Value::Integer(y)) => x.value() == y.value(),
        (Value::Float(x), Value::Float(y)) => x.value().to_bits() == y.value().to_bits(),
        (Value::Integer(i), Value::Float(f)) | (Value::Float(f), Value::Integer(i)) => {
            *i.value() as f64 == *f.value()
        }
        (Value::Boolean(x), Value::Boolean(y)) => x.value() == y.value(),
        (Value::Datetime(x), Value::Datetime(y)) => x.value() == y.value(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y.iter()).all(|(a, b)| same(a, b))
        }
        (Value::InlineTable(x), Value::InlineTable(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = "# 1.接访大厅绩效目标表\ncode = 'QC1'  # 编码\nname = \"接访\"\n\n[budget]\ntotal = \"117.26\"\nfiscal = \"117.26\"\n\n# 指标\n[[indicators]]\nlevel1 = \"产出指标\"\nvalue = \"≥1\"\n\n[[indicators]]\nlevel1 = \"效益指标\"\nvalue = \"≥2\"\n";

    #[test]
    fn unchanged_data_keeps_the_old_text_byte_for_byte() {
        let fresh = "# 项目编码\ncode = \"QC1\"\n# 项目名称\nname = \"接访\"\n[budget]\ntotal = \"117.26\"\nfiscal = \"117.26\"\n[[indicators]]\nlevel1 = \"产出指标\"\nvalue = \"≥1\"\n[[indicators]]\nlevel1 = \"效益指标\"\nvalue = \"≥2\"\n";
        assert_eq!(update(OLD, fresh, &[]).unwrap(), OLD);
    }

    #[test]
    fn an_edited_cell_changes_its_line_only() {
        let fresh = OLD.replace("≥2", "≥3").replace("'QC1'", "\"QC2\"");
        let out = update(OLD, &fresh, &[]).unwrap();
        let changed: Vec<(&str, &str)> = OLD
            .lines()
            .zip(out.lines())
            .filter(|(a, b)| a != b)
            .collect();
        assert_eq!(
            changed,
            [
                ("code = 'QC1'  # 编码", "code = \"QC2\"  # 编码"),
                ("value = \"≥2\"", "value = \"≥3\"")
            ]
        );
        assert_eq!(OLD.lines().count(), out.lines().count());
    }

    #[test]
    fn added_and_removed_keys_and_rows_follow_the_fresh_data() {
        let fresh = "code = \"QC1\"\nname = \"接访\"\n# 资金用途\nusage = \"运转\"\n[budget]\ntotal = \"117.26\"\n[[indicators]]\nlevel1 = \"产出指标\"\nvalue = \"≥1\"\n";
        let out = update(OLD, fresh, &[]).unwrap();
        let parsed: toml::Table = toml::from_str(&out).unwrap();
        let expected: toml::Table = toml::from_str(fresh).unwrap();
        assert_eq!(parsed, expected);
        assert!(out.contains("# 资金用途\nusage"), "{out}");
        assert!(out.starts_with("# 1.接访大厅绩效目标表\n"), "{out}");
    }

    #[test]
    fn a_file_that_does_not_parse_is_not_merged() {
        assert_eq!(update("code = ", "code = \"x\"\n", &[]), None);
    }

    #[test]
    fn keys_a_workbook_does_not_carry_are_kept_when_absent() {
        let old = "# 甲\ntitle = \"甲表\"\nform = \"central\"\nname = \"甲\"\nlost = \"x\"\n\n[check]\nallow = [\"J102\"]\n";
        let fresh = "name = \"甲\"\n";
        let out = update(old, fresh, PROJECT_KEEP).unwrap();
        assert_eq!(out, old.replace("lost = \"x\"\n", ""));
        let doc = "year = 2025\ndate = 2025-01-20\nform = \"shenbao\"\n[cover]\ntitle = \"封面\"\n[labels]\ncode = \"项目编号\"\n[style]\nbody_size = 15\n[check]\nallow = [\"J102\"]\n";
        assert_eq!(update(doc, "year = 2025\n", DOCUMENT_KEEP).unwrap(), doc);
        // A project file does not keep what only a document holds.
        let out = update(doc, "year = 2025\n", PROJECT_KEEP).unwrap();
        assert!(!out.contains("[cover]") && out.contains("[check]"), "{out}");
        assert_eq!(keep_for(Path::new("a/document.toml")), DOCUMENT_KEEP);
        assert_eq!(keep_for(Path::new("a/projects/01-x.toml")), PROJECT_KEEP);
    }

    #[test]
    fn equal_data_spelled_otherwise_is_not_rewritten() {
        // 16 and 16.0; an empty [style] and cover.lines = [] the fresh
        // text leaves out; an inline table and inline rows.
        let old = "[style]\nbody_size = 16\n[cover]\nlines = []\n[extra]\n";
        let fresh = "[style]\nbody_size = 16.0\n";
        assert_eq!(update(old, fresh, &[]).unwrap(), old);
        let old = "name = \"甲\"\nbudget = { total = \"3\", own = \"1\" }  # 资金\nindicators = [\n  { level1 = \"产出指标\", value = \"≥1\" },\n  { level1 = \"效益指标\", value = \"≥2\" },\n]\n";
        let fresh = "name = \"甲\"\n[budget]\ntotal = \"3\"\nown = \"1\"\n[[indicators]]\nlevel1 = \"产出指标\"\nvalue = \"≥1\"\n[[indicators]]\nlevel1 = \"效益指标\"\nvalue = \"≥2\"\n";
        assert_eq!(update(old, fresh, &[]).unwrap(), old);
        // An edit changes its value alone, inline stays inline.
        let edited = fresh.replace("\"1\"", "\"2\"").replace("≥2", "≥3");
        let out = update(old, &edited, &[]).unwrap();
        assert_eq!(
            out,
            old.replace("own = \"1\"", "own = \"2\"")
                .replace("≥2", "≥3")
        );
        let parsed: toml::Table = toml::from_str(&out).unwrap();
        assert_eq!(parsed, toml::from_str::<toml::Table>(&edited).unwrap());
    }
}
