//! Domain rules: what a careful reviewer of a 绩效文本 checks, each with a
//! stable code (`J101` …) that a document can silence in its `[check]` table.

mod cells;
mod chars;
mod indicators;
mod money;
pub(crate) use money::in_money;
pub(crate) use text::code_key;
mod text;
mod titles;

pub(crate) use titles::is_document_number;

use crate::input::load::Loaded;
use crate::input::locate::{FileRef, Place};
use crate::input::model::Document;
use crate::report::diag::{Diagnostic, Severity, SourceMap};
use crate::typeset::fonts::FontSet;

/// One rule: its code, how serious a finding is, and what it checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// Stable code such as `J101`.
    pub code: &'static str,
    /// Severity of every finding of this rule.
    pub severity: Severity,
    /// What the rule checks, in Chinese.
    pub title: &'static str,
}

use Severity::{Error, Note, Warning};

/// Defines each rule as a constant named by its code (documented by its
/// title) and [`RULES`], the list of them all, from one line per rule.
macro_rules! rules {
    ($($code:ident $severity:ident $title:literal;)*) => {
        $(
            #[doc = concat!(stringify!($code), ": ", $title)]
            pub const $code: Rule = Rule {
                code: stringify!($code),
                severity: $severity,
                title: $title,
            };
        )*
        /// Every rule, in code order.
        pub const RULES: &[Rule] = &[$($code),*];
    };
}

rules! {
    J101 Error "每个项目都有产出、效益、满意度指标（B 口径另需成本指标）";
    J102 Error "一级指标属于所选指标体系";
    J103 Warning "二级指标属于其一级指标";
    J104 Warning "同一项目内三级指标名称不重复";
    J105 Warning "同一一级指标的行连续排列";
    J201 Error "预算数 = 财政资金 + 其他资金";
    J202 Error "金额不为负数";
    J203 Warning "预算数不为 0";
    J301 Error "资金支出计划各节点在 0–100 之间";
    J302 Error "资金支出计划逐节点不减少（累计）";
    J303 Error "资金支出计划最后一个节点为 100";
    J304 Warning "资金支出计划至少填一个节点";
    J401 Error "成本指标金额不超过预算数";
    J402 Warning "“=”或“≥”的百分比指标值不超过 100%";
    J501 Warning "时效指标和绩效目标中的年份与预算年度一致";
    J502 Warning "绩效目标中写的金额与预算数一致";
    J503 Warning "表名中的年份、金额与数据一致";
    J601 Error "项目编码不重复";
    J602 Error "必填单元格不为空";
    J603 Warning "建议填写的单元格不为空";
    J604 Note "表名与项目名称一致";
    J605 Warning "没有重复叠写的词语";
    J606 Warning "没有混入繁体字";
    J607 Error "没有改变显示顺序或在文字中间换行的控制字符";
    J608 Warning "表格单元格中的一串字母或数字不超过单元格宽度（否则会从中间折行）";
    J609 Warning "没有“某某”“××”“XX”之类的示例占位文字";
    J701 Error "每个字符都有字体可以显示";
    J801 Warning "[check] allow 中的规则代码存在，且该规则可以关闭";
    J901 Error "同一预算年度的文档之间项目编码不重复（批量检查）";
    J902 Warning "与部门文档文件夹并列的文件夹中有文档（批量检查）";
}

impl Rule {
    /// A diagnostic of this rule's severity and code.
    pub fn diagnostic(&self, message: impl Into<String>) -> Diagnostic {
        let d = match self.severity {
            Error => Diagnostic::error(message),
            Warning => Diagnostic::warning(message),
            Note => Diagnostic::note(message),
        };
        d.with_code(self.code)
    }
}

/// Rules `[check] allow` cannot silence: a PDF that shows other text than
/// the data (J607: a security rule), a box in the PDF, a broken allow list.
const UNSILENCEABLE: &[Rule] = &[J607, J701, J801];

/// Whether a code may stand in `[check] allow`: a rule of one document
/// that can be silenced (the batch's J901 and J902 are about several
/// documents, so no one document's list can silence them).
pub(crate) fn allowable(code: &str) -> bool {
    rule_of(code).is_some_and(|r| !UNSILENCEABLE.contains(r) && ![J901, J902].contains(r))
}

/// The rule with this code.
pub fn rule_of(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// One problem found in the data, before it is located in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The rule it breaks.
    pub rule: &'static Rule,
    /// Where in the data.
    pub place: Place,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hints: Vec<String>,
    /// Point at this text inside the value rather than at all of it.
    pub needle: Option<String>,
    /// Earlier occurrences of the needle in the value to pass over.
    pub skip: usize,
}

impl Finding {
    /// A finding of `rule` at `place`.
    pub fn new(rule: &'static Rule, place: Place, message: impl Into<String>) -> Self {
        Self {
            rule,
            place,
            message: message.into(),
            hints: Vec::new(),
            needle: None,
            skip: 0,
        }
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }

    /// Points the caret at the first occurrence of `text` in the value.
    pub fn at(mut self, text: impl Into<String>) -> Self {
        self.needle = Some(text.into());
        self
    }

    /// Points the caret at the occurrence of `text` that follows `skip`
    /// earlier ones, for a mark that repeats in the value.
    pub fn at_nth(mut self, text: impl Into<String>, skip: usize) -> Self {
        self.needle = Some(text.into());
        self.skip = skip;
        self
    }
}

/// Every domain-rule finding of a document, silenced ones included.
pub fn findings(doc: &Document) -> Vec<Finding> {
    let mut out = Vec::new();
    indicators::check(doc, &mut out);
    money::check(doc, &mut out);
    text::check(doc, &mut out);
    titles::check(doc, &mut out);
    chars::check(doc, &mut out);
    check_allow_lists(doc, &mut out);
    out
}

/// Characters of the data that no loaded font can draw (rule J701).
///
/// Control characters, bidi controls and stray line breaks are left to
/// [`chars::check`], which says what each of them does.
pub fn glyphs(doc: &Document, fonts: &FontSet) -> Vec<Finding> {
    crate::typeset::fonts::uncovered(fonts, doc.texts())
        .into_iter()
        .filter(|u| chars::special(u.ch).is_none())
        .map(|u| {
            let mut f = Finding::new(
                &J701,
                u.place,
                format!(
                    "字体中没有字符“{}”（U+{:04X}），它会印成空白方框",
                    u.ch, u.ch as u32
                ),
            )
            .at(u.ch.to_string())
            .hint("请改用常用字，或用 --font-path / style.fonts 提供包含该字的字体");
            if u.more > 0 {
                f = f.hint(format!("此字在数据中另有 {} 处", u.more));
            }
            f
        })
        .collect()
}

/// Runs every domain rule and returns located diagnostics, sorted by place.
pub fn run(loaded: &Loaded, fonts: Option<&FontSet>, sources: &SourceMap) -> Vec<Diagnostic> {
    let mut found = findings(&loaded.document);
    if let Some(fonts) = fonts {
        found.extend(glyphs(&loaded.document, fonts));
        // A bad style is reported by the pipeline; cells are measured only
        // with one that resolves.
        if let Ok(style) = crate::typeset::style::resolve(&loaded.document.style) {
            found.extend(cells::check(&loaded.document, &style, fonts));
        }
    }
    locate_all(found, loaded, sources)
}

/// Drops silenced findings and turns the rest into located diagnostics.
pub fn locate_all(found: Vec<Finding>, loaded: &Loaded, sources: &SourceMap) -> Vec<Diagnostic> {
    let doc = &loaded.document;
    let (needles, mut diags): (Vec<(Option<String>, usize)>, Vec<Diagnostic>) = found
        .into_iter()
        .filter(|f| !is_allowed(doc, f))
        .map(|f| ((f.needle.clone(), f.skip), to_diagnostic(f)))
        .unzip();
    loaded.locate(sources, &mut diags);
    for (d, (needle, skip)) in diags.iter_mut().zip(&needles) {
        if let (Some(span), Some(t)) = (&d.span, needle) {
            d.span = Some(chars::narrow(sources, span, t, *skip));
        }
    }
    let key = |d: &Diagnostic| {
        let file = d.place.as_ref().map(|p| p.file);
        (file, d.span.as_ref().map_or(0, |s| s.range.start))
    };
    diags.sort_by(|a, b| key(a).cmp(&key(b)).then(a.code.cmp(&b.code)));
    diags
}

fn to_diagnostic(f: Finding) -> Diagnostic {
    let rule = f.rule;
    let mut d = rule
        .diagnostic(f.message)
        .with_label(f.place.to_string())
        .with_place(f.place);
    for h in f.hints {
        d = d.with_hint(h);
    }
    if !UNSILENCEABLE.contains(rule) {
        d = d.with_hint(format!(
            "确属本单位情况的，可在 [check] allow 中加入 \"{}\" 不再提示",
            rule.code
        ));
    }
    d
}

/// Whether the document or the finding's project silences its rule.
fn is_allowed(doc: &Document, f: &Finding) -> bool {
    if UNSILENCEABLE.contains(f.rule) {
        return false;
    }
    let listed = |allow: &[String]| allow.iter().any(|a| a == f.rule.code);
    listed(&doc.check.allow)
        || match f.place.file {
            FileRef::Project(n) => doc.projects.get(n).is_some_and(|p| listed(&p.check.allow)),
            FileRef::Document => false,
        }
}

fn check_allow_lists(doc: &Document, out: &mut Vec<Finding>) {
    use crate::input::locate::Seg::{Index, Key};
    let codes: Vec<String> = RULES.iter().map(|r| r.code.to_string()).collect();
    let lists = std::iter::once((FileRef::Document, &doc.check.allow)).chain(
        doc.projects
            .iter()
            .enumerate()
            .map(|(n, p)| (FileRef::Project(n), &p.check.allow)),
    );
    for (file, allow) in lists {
        for (i, code) in allow.iter().enumerate() {
            let place = Place {
                file,
                path: vec![Key("check"), Key("allow"), Index(i)],
            };
            if rule_of(code).is_none() {
                let mut f = Finding::new(&J801, place, format!("没有代码为“{code}”的规则"));
                if let Some(best) = crate::report::translate::nearest(code, &codes) {
                    f = f.hint(format!("您是不是想写“{best}”？"));
                }
                out.push(f.hint("运行 jixiao rules 查看全部规则代码"));
            } else if !allowable(code) {
                let message = format!("规则“{code}”不能在 [check] allow 中关闭，写在这里不起作用");
                let why = "安全规则、缺字和批量检查（J901、J902）的规则总是检查；请删去这一项";
                out.push(Finding::new(&J801, place, message).hint(why));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_codes_are_unique_and_sorted() {
        let codes: Vec<_> = RULES.iter().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn j607_cannot_be_silenced() {
        let doc: Document = toml::from_str(
            r#"
            year = 2025
            department = "局"
            unit_code = "1"
            unit_name = "局"
            overall = "资金\u202E62.711\u202C万元"
            [check]
            allow = ["J607", "J605"]
            "#,
        )
        .unwrap();
        let found = findings(&doc);
        let j607: Vec<_> = found.iter().filter(|f| f.rule.code == "J607").collect();
        assert_eq!(j607.len(), 2, "{found:?}");
        assert!(j607.iter().all(|f| !is_allowed(&doc, f)));
        // Listing it does nothing, and says so (J605 is fine).
        let j801: Vec<_> = found.iter().filter(|f| f.rule.code == "J801").collect();
        assert_eq!(j801.len(), 1, "{found:?}");
        assert!(
            j801[0]
                .message
                .contains("“J607”不能在 [check] allow 中关闭")
        );
    }

    #[test]
    fn only_rules_that_can_be_silenced_belong_in_allow() {
        let can: Vec<&str> = RULES
            .iter()
            .map(|r| r.code)
            .filter(|c| allowable(c))
            .collect();
        for code in ["J607", "J701", "J801", "J901", "J902", "J999"] {
            assert!(!can.contains(&code), "{code}");
        }
        assert!(allowable("J605") && allowable("J601"));
        assert_eq!(can.len(), RULES.len() - 5);
    }

    /// U+1680 and the C1 controls print as boxes; the Unicode spaces are
    /// drawn with the space glyph; controls are reported once, by `chars`.
    #[test]
    fn boxes_are_reported_once_and_spaces_are_not() {
        let fonts = FontSet::load(&[], false).unwrap();
        let doc: Document = toml::from_str(
            r#"
            year = 2025
            department = "局"
            unit_code = "1"
            unit_name = "局"
            overall = "甲\u1680乙\u0093丙\u007F\u2003\u3000\u00A0\u202F\u205F丁\u2028\u202E\u200B"
            "#,
        )
        .unwrap();
        let mut found = findings(&doc);
        found.extend(glyphs(&doc, &fonts));
        let mut got: Vec<_> = found
            .iter()
            .map(|f| (f.rule.code, f.needle.clone().unwrap()))
            .collect();
        got.sort();
        let want = [
            ("J607", "\u{2028}"),
            ("J607", "\u{202E}"),
            ("J701", "\u{7F}"),
            ("J701", "\u{93}"),
            ("J701", "\u{1680}"),
        ];
        let mut want: Vec<_> = want.iter().map(|(c, n)| (*c, n.to_string())).collect();
        want.sort();
        assert_eq!(got, want);
    }
}
