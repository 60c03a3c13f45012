//! Text rules (J5xx–J6xx): years and amounts stated in the text, codes,
//! empty cells, table titles, doubled words and traditional characters.

use rust_decimal::Decimal;

use super::{Finding, J501, J502, J601, J602, J603, J604, J605, J606, J609, Rule};
use crate::input::form::{Kind, Need, Role, TableDef, TableKind};
use crate::input::locate::Place;
use crate::input::locate::Seg::{Index, Key};
use crate::input::model::{Document, Project};

/// Runs the J5xx–J6xx rules.
pub fn check(doc: &Document, out: &mut Vec<Finding>) {
    required(doc, out);
    duplicate_codes(doc, out);
    for (n, p) in doc.projects.iter().enumerate() {
        years(n, p, doc.year, out);
        amounts(n, p, doc, out);
        project_cells(n, p, out);
        title(n, p, out);
    }
    for (place, text) in doc.texts() {
        doubled(&place, text, out);
        traditional(&place, text, out);
        placeholder(&place, text, out);
    }
}

fn empty(s: &str) -> bool {
    s.trim().is_empty()
}

fn blank_cell(rule: &'static Rule, place: Place, what: &str) -> Finding {
    Finding::new(rule, place, format!("{what}为空")).hint(format!("请填写{what}"))
}

/// J602 outside the project tables: names on the cover and headings.
fn required(doc: &Document, out: &mut Vec<Finding>) {
    for (key, what, v) in [
        ("department", "部门名称", &doc.department),
        ("unit_code", "单位编码", &doc.unit_code),
        ("unit_name", "单位名称", &doc.unit_name),
    ] {
        if empty(v) {
            out.push(blank_cell(&J602, Place::doc(&[Key(key)]), what));
        }
    }
    for (i, g) in doc.goals.iter().enumerate() {
        if empty(&g.title) {
            let at = Place::doc(&[Key("goals"), Index(i), Key("title")]);
            out.push(blank_cell(&J602, at, "分项绩效目标标题"));
        }
    }
    for (i, m) in doc.measures.iter().enumerate() {
        if empty(&m.lead) {
            let at = Place::doc(&[Key("measures"), Index(i), Key("lead")]);
            out.push(blank_cell(&J602, at, "保障措施首句"));
        }
    }
}

/// J602 and J603 inside one table: the form says which slots are
/// required (J602) and which are recommended (J603).
fn project_cells(n: usize, p: &Project, out: &mut Vec<Finding>) {
    for f in &p.form.fields {
        let Some(code) = need_code(f.need) else {
            continue;
        };
        // An absent required field is a loading error; a blank one is J602.
        let blank = p
            .values
            .get(f.key)
            .map_or(f.need == Need::Recommended, |v| v.is_blank());
        if blank {
            out.push(blank_cell(
                code,
                p.field_place(n, f.key),
                f.label.trim_start_matches("其中："),
            ));
        }
    }
    for t in &p.form.tables {
        for (j, r) in p.rows(t.key).iter().enumerate() {
            for c in t.columns.iter().filter(|c| c.auto.is_none()) {
                let Some(code) = need_code(c.need) else {
                    continue;
                };
                if r.get(c.key).trim().is_empty() {
                    let place = Project::cell_place(n, t.key, j, c.key);
                    let what = format!("第 {} 行{}的{}", j + 1, row_noun(t), c.label);
                    out.push(blank_cell(code, place, &what));
                }
            }
        }
    }
}

/// The rule code for a blank slot of this need, if any.
fn need_code(need: Need) -> Option<&'static Rule> {
    match need {
        Need::Required => Some(&J602),
        Need::Recommended => Some(&J603),
        Need::Optional => None,
    }
}

/// What a row of a table is called in messages ("指标").
fn row_noun(t: &TableDef) -> &str {
    match t.kind {
        TableKind::Indicators => "指标",
        TableKind::Rows => &t.label,
    }
}

/// A 项目编码 as codes are compared (J601, J901): half-width, without
/// surrounding blanks, in upper case, so "ＱＣ１５４００５ " and
/// "qc154005" are "QC154005".
pub(crate) fn code_key(code: &str) -> String {
    let ascii = code.chars().map(|c| match c {
        // The full-width forms of ASCII, and the ideographic space.
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        c => c,
    });
    ascii.collect::<String>().trim().to_uppercase()
}

/// J601: two tables with the same 项目编码.
fn duplicate_codes(doc: &Document, out: &mut Vec<Finding>) {
    let keys: Vec<String> = doc.projects.iter().map(|p| code_key(&p.code())).collect();
    for (n, p) in doc.projects.iter().enumerate() {
        let code = p.code();
        if keys[n].is_empty() {
            continue;
        }
        if let Some(first) = keys[..n].iter().position(|k| *k == keys[n]) {
            let key = p.form.role(Role::Code).map_or("code", |f| f.key);
            out.push(
                Finding::new(
                    &J601,
                    p.field_place(n, key),
                    format!("项目编码“{code}”与第 {} 张表重复", first + 1),
                )
                .hint("每个项目的编码应唯一；请核对预算系统中的项目编码"),
            );
        }
    }
}

/// J604: a table title that does not name its project (seed table 7).
fn title(n: usize, p: &Project, out: &mut Vec<Finding>) {
    let Some(t) = &p.title else { return };
    if !t.contains(&p.name()) {
        out.push(
            Finding::new(
                &J604,
                Place::project(n, &[Key("title")]),
                format!("表名“{t}”与项目名称“{}”不一致", p.name()),
            )
            .hint(format!(
                "如非有意，请删除 title 行，表名将默认为“项目名称 + {}”",
                p.form.title_suffix
            )),
        );
    }
}

/// The text with full-width digits and signs made ASCII and thousands
/// separators between digits dropped, so "２０２５年" and "1,172,600元" read
/// as numbers. Only for reading figures; never shown.
pub fn half_width(text: &str) -> String {
    let chars: Vec<char> = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '％' => '%',
            '＝' => '=',
            '＜' => '<',
            '＞' => '>',
            c => c,
        })
        .collect();
    let digit = |i: usize| chars.get(i).is_some_and(char::is_ascii_digit);
    chars
        .iter()
        .enumerate()
        .filter(|&(i, c)| {
            let separator = *c == ',' && i > 0 && digit(i - 1) && (1..=3).all(|k| digit(i + k));
            !separator
        })
        .map(|(_, c)| *c)
        .collect()
}

/// Years written before "年" that should be the budget year: a range
/// ("2025-2027年") counts as the years it spans, and a year after "较" or
/// "比" ("较2024年增长") is a comparison, not a claim.
fn stated_years(text: &str) -> Vec<(i32, i32)> {
    let text = half_width(text);
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let Some((first, after_first)) = year_at(&chars, i) else {
            i += 1;
            continue;
        };
        let compared = chars[..i]
            .iter()
            .rev()
            .take(3)
            .any(|c| matches!(c, '较' | '比'));
        let mut j = skip_spaces(&chars, after_first);
        let mut last = first;
        let dash = matches!(
            chars.get(j),
            Some('-' | '—' | '–' | '~' | '～' | '至' | '到')
        );
        if dash && let Some((second, after)) = year_at(&chars, skip_spaces(&chars, j + 1)) {
            last = second;
            j = skip_spaces(&chars, after);
        }
        if chars.get(j) == Some(&'年') && !compared {
            out.push((first.min(last), first.max(last)));
        }
        i = j.max(i + 1);
    }
    out
}

/// A four-digit number starting at `i` (not inside a longer number).
fn year_at(chars: &[char], i: usize) -> Option<(i32, usize)> {
    if i > 0 && chars[i - 1].is_ascii_digit() {
        return None;
    }
    let digits: String = chars[i..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    (digits.len() == 4)
        .then(|| (digits.parse().ok(), i + 4))
        .and_then(|(y, e)| y.map(|y| (y, e)))
}

fn skip_spaces(chars: &[char], mut i: usize) -> usize {
    while chars.get(i) == Some(&' ') {
        i += 1;
    }
    i
}

/// The goal texts of a table (fields with role `goal`) with their places.
fn goal_texts(n: usize, p: &Project) -> Vec<(Place, String)> {
    let mut out: Vec<(Place, String)> = p
        .form
        .fields
        .iter()
        .filter(|f| f.role == Some(Role::Goal))
        .map(|f| (p.field_place(n, f.key), p.text(f.key).into_owned()))
        .collect();
    // Goals written as rows (numbered 年度总体目标) are goal texts too.
    for t in &p.form.tables {
        for c in t.columns.iter().filter(|c| c.role == Some(Role::Goal)) {
            for (j, r) in p.rows(t.key).iter().enumerate() {
                out.push((
                    Project::cell_place(n, t.key, j, c.key),
                    r.get(c.key).into_owned(),
                ));
            }
        }
    }
    out
}

/// J501: a year other than the budget year in a 时效 value or a goal.
fn years(n: usize, p: &Project, year: i32, out: &mut Vec<Finding>) {
    let mut texts = goal_texts(n, p);
    if let Some((t, rows)) = p.indicators()
        && let Some(value) = t.role_key(Role::Value)
    {
        for (j, r) in rows.iter().enumerate() {
            if r.role(t, Role::Level2) == "时效指标" {
                texts.push((
                    Project::cell_place(n, t.key, j, value),
                    r.get(value).into_owned(),
                ));
            }
        }
    }
    // A 实施期 counts only when it holds the budget year: one copied from
    // last year's table must not switch the check off.
    stale_period(n, p, year, out);
    let period = period_years(p).filter(|(a, b)| (*a..=*b).contains(&year));
    let within = |from: i32, to: i32| period.is_some_and(|(a, b)| a <= from && to <= b);
    let said = period.map_or(String::new(), |(a, b)| format!("，项目实施期是 {a}—{b} 年"));
    for (place, text) in texts {
        let wrong = stated_years(&text)
            .into_iter()
            .find(|&(from, to)| !(from..=to).contains(&year) && !within(from, to));
        if let Some((from, to)) = wrong {
            let shown = if from == to {
                from.to_string()
            } else {
                format!("{from}—{to}")
            };
            out.push(
                Finding::new(
                    &J501,
                    place,
                    format!("写的是 {shown} 年，预算年度是 {year} 年{said}"),
                )
                .at(from.to_string())
                .hint("每年更新数据时请同时改掉去年的年份"),
            );
        }
    }
}

/// J501 on a 实施期 that does not include the budget year.
fn stale_period(n: usize, p: &Project, year: i32, out: &mut Vec<Finding>) {
    let Some((a, b)) = period_years(p).filter(|(a, b)| !(*a..=*b).contains(&year)) else {
        return;
    };
    let Some(f) = p
        .form
        .fields
        .iter()
        .find(|f| f.kind == Kind::Period && p.values.contains_key(f.key))
    else {
        return;
    };
    out.push(
        Finding::new(
            &J501,
            p.field_place(n, f.key),
            format!("{}是 {a}—{b} 年，不含预算年度 {year} 年", f.label),
        )
        .hint("每年更新数据时请同时改掉去年的年份"),
    );
}

/// The first and last year written in the table's period fields
/// (项目实施期 "2025.07–2026.06"): a goal or 时效 value may name any of them.
fn period_years(p: &Project) -> Option<(i32, i32)> {
    let mut years = Vec::new();
    for f in p.form.fields.iter().filter(|f| f.kind == Kind::Period) {
        let chars: Vec<char> = half_width(&p.text(f.key)).chars().collect();
        years.extend(
            (0..chars.len())
                .filter_map(|i| year_at(&chars, i))
                .map(|(y, _)| y)
                .filter(|y| crate::input::model::YEARS.contains(y)),
        );
    }
    Some((*years.iter().min()?, *years.iter().max()?))
}

/// Numbers followed by the money unit (or "万" for 万元) in a text.
fn stated_amounts(text: &str, unit: &str) -> Vec<Decimal> {
    let text = half_width(text);
    let short = unit.strip_suffix('元').filter(|s| !s.is_empty());
    let mut out = Vec::new();
    let mut rest = text.as_str();
    while let Some(start) = rest.find(|c: char| c.is_ascii_digit()) {
        let tail = &rest[start..];
        let end = tail
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(tail.len());
        let after = tail[end..].trim_start_matches(' ');
        let names_unit = after.starts_with(unit)
            || short.is_some_and(|s| {
                after.starts_with(s)
                    && !after[s.len()..].starts_with(|c: char| is_cjk(c) && c != '元')
            });
        let before_ok = !text[..text.len() - rest.len() + start].ends_with('.');
        if names_unit && before_ok {
            out.extend(tail[..end].parse::<Decimal>().ok());
        }
        rest = &tail[end..];
    }
    out
}

/// J502: the 绩效目标 states amounts, yet neither one of them nor their sum
/// (a text may list the parts, "房租80万元、水电37.26万元") is 预算数.
fn amounts(n: usize, p: &Project, doc: &Document, out: &mut Vec<Finding>) {
    let Some(total) = p.total() else { return };
    for (place, text) in goal_texts(n, p) {
        stated_vs_total(place, &text, total.0, doc, out);
    }
}

/// J502 for one goal text.
fn stated_vs_total(
    place: Place,
    text: &str,
    total: Decimal,
    doc: &Document,
    out: &mut Vec<Finding>,
) {
    let found = stated_amounts(text, doc.money_unit.trim());
    let sum = found
        .iter()
        .try_fold(Decimal::ZERO, |acc, a| acc.checked_add(*a));
    if let Some(first) = found.first()
        && !found.contains(&total)
        && sum != Some(total)
    {
        out.push(
            Finding::new(
                &J502,
                place,
                format!(
                    "绩效目标写的金额是 {first}{unit}，预算数是 {total}{unit}",
                    unit = doc.money_unit
                ),
            )
            .at(first.to_string())
            .hint("请核对绩效目标中的金额与预算数是否一致"),
        );
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}')
}

/// J605: the same word of two or more characters written twice in a row.
fn doubled(place: &Place, text: &str, out: &mut Vec<Finding>) {
    let chars: Vec<char> = text.chars().collect();
    for len in (2..=6).rev() {
        for i in 0..chars.len().saturating_sub(2 * len - 1) {
            let (a, b) = (&chars[i..i + len], &chars[i + len..i + 2 * len]);
            if a == b && a.iter().all(|c| is_cjk(*c)) {
                let word: String = a.iter().collect();
                out.push(
                    Finding::new(&J605, place.clone(), format!("“{word}”连写了两次"))
                        .at(format!("{word}{word}"))
                        .hint(format!("如果是笔误，请删去一个“{word}”")),
                );
                return;
            }
        }
    }
}

/// Marks that stand for a name still to be filled in, as templates and
/// the starter of `jixiao new` write them (某某局, ××项目, XX单位, ○○科).
/// Not 〇〇: it is the zero of dates written out (二〇〇五年). （请填写） is
/// what `jixiao new` writes for a required value its example lacks.
const PLACEHOLDERS: [&str; 5] = ["某某", "××", "○○", "（请填写）", "(请填写)"];

/// Common surnames: after one, 某某 hides a person's name (王某某, as
/// complaint records write it) and is no placeholder. Not 于, 向, 和:
/// mostly words (于某某年).
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤常温康施牛樊葛邢齐乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝";

/// Chinese numerals: ○ between them is a zero (二○○八年), no mark.
const NUMERALS: &str = "〇○零一二三四五六七八九十";

/// J609: a placeholder left in a text (the first one; one is enough to
/// send the user back to the text).
fn placeholder(place: &Place, text: &str, out: &mut Vec<Finding>) {
    let mut found: Vec<(usize, &str)> = PLACEHOLDERS
        .iter()
        .flat_map(|p| text.match_indices(p))
        .filter(|(at, mark)| stands_alone(text, *at, mark))
        .chain(x_runs(text))
        .collect();
    found.sort();
    let Some(&(at, mark)) = found.first() else {
        return;
    };
    // The caret goes on this one, not on an earlier 王某某 or code.
    let skip = text[..at].matches(mark).count();
    let shown = if mark.starts_with(['X', 'x', 'Ｘ']) {
        "XX"
    } else {
        mark
    };
    out.push(
        Finding::new(
            &J609,
            place.clone(),
            format!("文字中有示例占位“{shown}”，还没有换成实际内容"),
        )
        .at_nth(mark, skip)
        .hint("请换成本部门的实际名称和内容（jixiao new 写出的样例用“某某”占位）"),
    );
}

/// Whether 某某, ×× or ○○ at byte `at` is a placeholder: 某某 not after a
/// surname, ○○ not among Chinese numerals.
fn stands_alone(text: &str, at: usize, mark: &str) -> bool {
    let before = text[..at].chars().next_back();
    let after = text[at + mark.len()..].chars().next();
    match mark {
        "某某" => !before.is_some_and(|c| SURNAMES.contains(c)),
        "○○" => ![before, after]
            .iter()
            .flatten()
            .any(|c| NUMERALS.contains(*c)),
        _ => true,
    }
}

/// Runs of two or more X (XX局, 20XX年, XXXX年, 承办单位：XX) that are not
/// part of a code or word: no Latin letter right before or letter or digit
/// right after (QCXX01, XXL). Each as its byte offset and text.
fn x_runs(text: &str) -> Vec<(usize, &str)> {
    let is_x = |c: char| matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ');
    let mut out = Vec::new();
    let mut chars = text.char_indices().peekable();
    let mut before: Option<char> = None;
    while let Some((start, c)) = chars.next() {
        if !is_x(c) {
            before = Some(c);
            continue;
        }
        let mut end = start + c.len_utf8();
        let mut count = 1;
        while let Some(&(i, n)) = chars.peek().filter(|(_, n)| is_x(*n)) {
            end = i + n.len_utf8();
            count += 1;
            chars.next();
        }
        let after = text[end..].chars().next();
        let code = before.is_some_and(|b| b.is_ascii_alphabetic())
            || after.is_some_and(|a| a.is_ascii_alphanumeric());
        if count >= 2 && !code {
            out.push((start, &text[start..end]));
        }
        before = text[..end].chars().next_back();
    }
    out
}

/// Common traditional characters and their simplified forms.
const TRADITIONAL: &[(char, char)] = &[
    ('辦', '办'),
    ('發', '发'),
    ('會', '会'),
    ('們', '们'),
    ('對', '对'),
    ('這', '这'),
    ('個', '个'),
    ('為', '为'),
    ('與', '与'),
    ('業', '业'),
    ('財', '财'),
    ('務', '务'),
    ('資', '资'),
    ('費', '费'),
    ('預', '预'),
    ('績', '绩'),
    ('計', '计'),
    ('劃', '划'),
    ('處', '处'),
    ('標', '标'),
    ('準', '准'),
    ('護', '护'),
    ('實', '实'),
    ('現', '现'),
    ('產', '产'),
    ('機', '机'),
    ('關', '关'),
    ('應', '应'),
    ('當', '当'),
    ('從', '从'),
    ('進', '进'),
    ('動', '动'),
    ('經', '经'),
    ('濟', '济'),
    ('領', '领'),
    ('導', '导'),
    ('員', '员'),
    ('設', '设'),
    ('開', '开'),
    ('專', '专'),
    ('項', '项'),
    ('義', '义'),
    ('級', '级'),
    ('單', '单'),
    ('縣', '县'),
    ('區', '区'),
    ('國', '国'),
    ('門', '门'),
    ('問', '问'),
    ('題', '题'),
    ('時', '时'),
    ('間', '间'),
    ('後', '后'),
    ('據', '据'),
    ('報', '报'),
    ('認', '认'),
    ('證', '证'),
    ('議', '议'),
    ('運', '运'),
    ('營', '营'),
    ('質', '质'),
    ('優', '优'),
    ('樣', '样'),
    ('點', '点'),
    ('數', '数'),
    ('萬', '万'),
    ('億', '亿'),
    ('檔', '档'),
    ('網', '网'),
    ('聯', '联'),
    ('價', '价'),
    ('滿', '满'),
    ('構', '构'),
    ('總', '总'),
    ('監', '监'),
    ('訪', '访'),
    ('穩', '稳'),
    ('維', '维'),
];

/// J606: a traditional character in simplified text, once per value.
fn traditional(place: &Place, text: &str, out: &mut Vec<Finding>) {
    let found = text
        .chars()
        .find_map(|c| TRADITIONAL.iter().find(|(t, _)| *t == c));
    if let Some(&(t, s)) = found {
        out.push(
            Finding::new(&J606, place.clone(), format!("“{t}”是繁体字"))
                .at(t.to_string())
                .hint(format!("简体应写作“{s}”")),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_compare_across_full_width_case_and_blanks() {
        assert_eq!(code_key(" ＱＣ１５４００５\u{3000}"), "QC154005");
        assert_eq!(code_key("qc154005"), "QC154005");
        assert_ne!(code_key("QC1540051"), "QC154005");
    }

    #[test]
    fn years_inside_the_period_are_not_j501() {
        let p = crate::input::model::project::parse_test(
            "form = 'shenbao'\nname = 'n'\ncode = 'c'\ndepartment = 'd'\nunit = 'u'\nperiod = '2025.07–2026.06'\n\
             goal = '2026年6月底前完成，2027年验收'\n[budget]\ntotal = 1\n",
        );
        let mut out = Vec::new();
        years(0, &p, 2025, &mut out);
        let msgs: Vec<&str> = out.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            msgs,
            ["写的是 2027 年，预算年度是 2025 年，项目实施期是 2025—2026 年"]
        );
    }

    #[test]
    fn years_are_read_before_nian() {
        assert_eq!(
            stated_years("截止 2025 年 12 月末，2024年"),
            [(2025, 2025), (2024, 2024)]
        );
        assert!(stated_years("编号20251年 12345年").is_empty());
        assert_eq!(
            stated_years("2025-2027年，２０２６年"),
            [(2025, 2027), (2026, 2026)]
        );
        assert!(stated_years("较2024年增长，比 2023 年多").is_empty());
    }

    #[test]
    fn amounts_need_the_money_unit() {
        let found = stated_amounts("使用资金 45 万，服务 3 万人，共 117.26万元", "万元");
        assert_eq!(found, [Decimal::from(45), "117.26".parse().unwrap()]);
        assert!(stated_amounts("12 件以上", "万元").is_empty());
        assert_eq!(
            stated_amounts("经费1,172,600元", "元"),
            [Decimal::from(1_172_600)]
        );
    }

    #[test]
    fn placeholders_are_found_once_per_text_where_they_stand() {
        let place = Place::doc(&[Key("overall")]);
        // Text, mark shown, the text before the mark the caret goes on.
        let marked = [
            ("2026年，某某局围绕某某工作", "某某", "2026年，"),
            ("××项目", "××", ""),
            (
                "化解王某某、李某某等积案，由某某单位负责",
                "某某",
                "化解王某某、李某某等积案，由",
            ),
            ("由某某负责", "某某", "由"),
            ("于某某年某某月完成", "某某", "于"),
            ("XX局；ＸＸ单位", "XX", ""),
            ("20XX年完成验收", "XX", "20"),
            ("XXXX年XX月", "XX", ""),
            ("承办单位：XX", "XX", "承办单位："),
            ("○○科", "○○", ""),
            ("王某某。某某", "某某", "王某某。"),
            ("编码QCXX01，XX局", "XX", "编码QCXX01，"),
            ("（请填写）", "（请填写）", ""),
            ("实施单位(请填写)", "(请填写)", "实施单位"),
        ];
        for (text, mark, before) in marked {
            let mut out = Vec::new();
            placeholder(&place, text, &mut out);
            assert_eq!(out.len(), 1, "{text}");
            let m = format!("文字中有示例占位“{mark}”，还没有换成实际内容");
            assert_eq!(out[0].message, m, "{text}");
            let needle = out[0].needle.as_deref().unwrap();
            let at = text.match_indices(needle).nth(out[0].skip).map(|(i, _)| i);
            assert_eq!(at, Some(before.len()), "{text}");
        }
        // Not placeholders: anonymised names, codes, dates, words.
        for real in [
            "承德市信访局",
            "妥善化解王某某、李某某等重复信访积案",
            "信访人王某某系某村村民，为张某某办理低保，化解刘某某所反映的问题",
            "项目编码QCXX01",
            "二〇〇五年；二○○八年出台",
            "XXL号",
        ] {
            let mut out = Vec::new();
            placeholder(&place, real, &mut out);
            assert!(out.is_empty(), "{real}: {out:?}");
        }
    }

    #[test]
    fn doubled_words_and_traditional_characters() {
        let place = Place::doc(&[Key("overall")]);
        let mut out = Vec::new();
        doubled(&place, "信访群众满意度满意度", &mut out);
        doubled(&place, "常常 2020 年天天", &mut out);
        traditional(&place, "资金管理辦法", &mut out);
        let msgs: Vec<_> = out.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(msgs, ["“满意度”连写了两次", "“辦”是繁体字"]);
    }
}
