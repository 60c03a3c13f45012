//! Writing an import over an existing data file without churn: the old
//! file's text with only the changed values replaced, so its comments,
//! key order and string style survive and `git diff` shows the edit alone.

use toml_edit::{ArrayOfTables, DocumentMut, Item, Table, Value};

/// The text of `old` with the data of `fresh` written into it: a value
/// equal in both keeps the old spelling and comments, a changed value
/// keeps its key's comments, keys only in `fresh` are added with theirs,
/// keys only in `old` are removed. `None` when either text does not parse
/// (the caller writes `fresh` as it is).
pub fn update(old: &str, fresh: &str) -> Option<String> {
    let mut doc: DocumentMut = old.parse().ok()?;
    let new: DocumentMut = fresh.parse().ok()?;
    update_table(doc.as_table_mut(), new.as_table());
    Some(doc.to_string())
}

fn update_table(old: &mut Table, new: &Table) {
    let gone: Vec<String> = old
        .iter()
        .map(|(k, _)| k.to_string())
        .filter(|k| !new.contains_key(k))
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
        (Item::Value(o), Item::Value(n)) => {
            if !same(o, n) {
                let decor = o.decor().clone();
                *o = n.clone();
                *o.decor_mut() = decor;
            }
        }
        (Item::Table(o), Item::Table(n)) => update_table(o, n),
        (Item::ArrayOfTables(o), Item::ArrayOfTables(n)) => update_rows(o, n),
        (o, n) => *o = n.clone(),
    }
}

/// Rows are matched by position: an edited cell changes its row only.
fn update_rows(old: &mut ArrayOfTables, new: &ArrayOfTables) {
    while old.len() > new.len() {
        old.remove(old.len() - 1);
    }
    for (i, n) in new.iter().enumerate() {
        match old.get_mut(i) {
            Some(o) => update_table(o, n),
            None => old.push(n.clone()),
        }
    }
}

/// Whether two values hold the same data, however they are spelled
/// (`'a'` and `"a"`, `25` and `2_5`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.value() == y.value(),
        (Value::Integer(x), Value::Integer(y)) => x.value() == y.value(),
        (Value::Float(x), Value::Float(y)) => x.value().to_bits() == y.value().to_bits(),
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
        assert_eq!(update(OLD, fresh).unwrap(), OLD);
    }

    #[test]
    fn an_edited_cell_changes_its_line_only() {
        let fresh = OLD.replace("≥2", "≥3").replace("'QC1'", "\"QC2\"");
        let out = update(OLD, &fresh).unwrap();
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
        let out = update(OLD, fresh).unwrap();
        let parsed: toml::Table = toml::from_str(&out).unwrap();
        let expected: toml::Table = toml::from_str(fresh).unwrap();
        assert_eq!(parsed, expected);
        assert!(out.contains("# 资金用途\nusage"), "{out}");
        assert!(out.starts_with("# 1.接访大厅绩效目标表\n"), "{out}");
    }

    #[test]
    fn a_file_that_does_not_parse_is_not_merged() {
        assert_eq!(update("code = ", "code = \"x\"\n"), None);
    }
}
