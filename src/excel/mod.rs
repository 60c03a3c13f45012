//! Workbooks in and out: `jixiao export` lays a document out as its
//! printed forms in an .xlsx workbook, `jixiao import` reads such a
//! workbook, or one from a budget system or a person, back into TOML.
//!
//! The workbook `export` writes, and `import` reads best:
//! - sheet [`DOC_SHEET`] ("文本"): the document's fields and 第一部分;
//! - one sheet per table, in document order, laid out like the printed
//!   form, named by [`sheet_name`];
//! - the hidden sheet [`META_SHEET`]: one [`SheetMeta`] row per sheet,
//!   holding what the printed form does not show (the file a table came
//!   from, its form, its silenced rules, the document's settings), so a
//!   round trip gives back the same data. A workbook without it (from a
//!   budget system) is read by its labels alone.

pub mod keep;

use std::collections::BTreeSet;

pub mod export;
pub mod import;
pub mod toml_out;

/// The name of the sheet holding the document's fields and 第一部分.
pub const DOC_SHEET: &str = "文本";
/// The name of the hidden sheet holding [`SheetMeta`] rows.
pub const META_SHEET: &str = "jixiao";
/// The header row of [`META_SHEET`].
pub const META_HEADER: [&str; 3] = ["工作表", "文件", "设置"];
/// The longest sheet name Excel accepts, in characters.
pub const SHEET_NAME_MAX: usize = 31;

/// One row of [`META_SHEET`]: what belongs to one visible sheet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SheetMeta {
    /// The visible sheet's name.
    pub sheet: String,
    /// The file it came from, relative to the document folder
    /// (`document.toml`, `projects/01-jiefang-dating.toml`).
    pub file: String,
    /// TOML text of the file's keys the sheet does not show: for a table
    /// `form` and `[check]`; for the document `form`, `cover`, `labels`,
    /// `style`, `check`.
    pub settings: String,
}

/// A label as compared when reading a sheet: without whitespace, with
/// full-width brackets, colons and percent signs made half-width and a
/// trailing colon dropped, so "资金支出计划（%）" finds "资金支出计划(%)"
/// and "项目名称：" finds "项目名称".
pub fn norm_label(text: &str) -> String {
    let mapped: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            '：' => ':',
            '％' => '%',
            other => other,
        })
        .collect();
    mapped.trim_end_matches(':').to_string()
}

/// The A1 name of a cell from 0-based row and column: (11, 3) → "D12".
pub fn a1(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", letters.into_iter().collect::<String>(), row + 1)
}

/// A sheet name for table `number` titled `title`: "1.接访大厅租赁及运行经费",
/// without the characters Excel forbids (`[]:*?/\`), at most
/// [`SHEET_NAME_MAX`] characters, and not in `taken` (compared without
/// case, as Excel does); the name is added to `taken`.
pub fn sheet_name(number: &str, title: &str, taken: &mut BTreeSet<String>) -> String {
    let clean: String = title
        .chars()
        .filter(|c| !c.is_control())
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim().trim_matches('\'').to_string();
    let base = match number {
        "" if clean.is_empty() => "表".to_string(),
        "" => clean,
        n => format!("{n}.{clean}"),
    };
    // A name may not end in an apostrophe, even after it is cut short.
    let fit = |s: &str, room: usize| {
        let cut: String = s.chars().take(room).collect();
        cut.trim_end_matches('\'').to_string()
    };
    let mut name = fit(&base, SHEET_NAME_MAX);
    let mut k = 2;
    // Excel reserves "History" (for its change tracking).
    while taken.contains(&name.to_lowercase())
        || [META_SHEET, DOC_SHEET, "history"].contains(&name.to_lowercase().as_str())
    {
        let tail = format!("({k})");
        name = fit(&base, SHEET_NAME_MAX - tail.chars().count()) + &tail;
        k += 1;
    }
    taken.insert(name.to_lowercase());
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_excel_names_them() {
        assert_eq!(a1(0, 0), "A1");
        assert_eq!(a1(11, 3), "D12");
        assert_eq!(a1(0, 25), "Z1");
        assert_eq!(a1(0, 26), "AA1");
        assert_eq!(a1(4, 701), "ZZ5");
        assert_eq!(a1(4, 702), "AAA5");
    }

    #[test]
    fn labels_compare_without_width_or_spacing() {
        assert_eq!(
            norm_label("资金支出计划（%）"),
            norm_label("资金支出计划(%)")
        );
        assert_eq!(norm_label(" 项目 名称：\n"), "项目名称");
        assert_ne!(norm_label("预算数"), norm_label("其中：财政资金"));
    }

    #[test]
    fn sheet_names_are_legal_short_and_unique() {
        let mut taken = BTreeSet::new();
        let a = sheet_name("1", "接访/大厅[租赁]", &mut taken);
        assert_eq!(a, "1.接访_大厅_租赁_");
        let long = "很".repeat(40);
        let b = sheet_name("12", &long, &mut taken);
        assert_eq!(b.chars().count(), SHEET_NAME_MAX);
        let c = sheet_name("12", &long, &mut taken);
        assert_ne!(b, c);
        assert!(c.ends_with("(2)") && c.chars().count() == SHEET_NAME_MAX);
        assert_eq!(sheet_name("", "文本", &mut taken), "文本(2)");
        assert_eq!(sheet_name("", "", &mut taken), "表");
        assert_eq!(sheet_name("", "History", &mut taken), "History(2)");
        let quote = format!("{}'x", "很".repeat(29));
        assert!(!sheet_name("1", &quote, &mut taken).ends_with('\''));
    }
}
