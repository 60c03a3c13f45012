//! Column widths from content: the grid of a form with one row table is
//! redistributed among that table's columns so its rows print in the
//! fewest lines, each column within the form's `min_width`/`max_width`.
//!
//! Widths are estimated in Rust from character counts (a CJK character or
//! full-width mark is 1 em, a digit or small letter 0.5 em, a capital
//! 0.75 em, plus Typst's quarter em between Han and Latin), which keeps
//! the result deterministic and independent of font metrics. The same
//! estimate balances the lines of short centred cells (`balanced`) and
//! tells which rows may be too tall to keep whole (`may_be_taller`).

/// Width of the text block, in points (156 mm).
pub(crate) const BLOCK_PT: f64 = 156.0 / 25.4 * 72.0;
/// Horizontal inset of a cell on both sides together (`inset: (x: 3pt)`).
pub(crate) const INSET_PT: f64 = 6.0;
/// The table's type size, in points.
const TABLE_PT: f64 = 10.5;
/// The text width in em of the table's type: 156 mm rounded to 442.2 pt,
/// as the widths were first fitted (the exact `BLOCK_PT` moves some
/// borderline widths by a fraction of a point).
const TEXT_EM: f64 = 442.2 / TABLE_PT;
/// A cell's horizontal inset in em.
const INSET_EM: f64 = INSET_PT / TABLE_PT;
/// The least width of a column by default, in em: a four-character
/// label ("产出指标", "项目编码") fits on one line.
const MIN_EM: f64 = 4.0;

/// Units that stay with the number before them ("800平方米", "14.28万元").
const UNITS: &[&str] = &[
    "平方公里",
    "平方米",
    "万平方米",
    "立方米",
    "万元",
    "亿元",
    "千元",
    "元",
    "公里",
    "千米",
    "米",
    "小时",
    "分钟",
    "个工作日",
    "工作日",
    "人次",
    "万人",
    "人",
    "个",
    "次",
    "年",
    "月",
    "日",
    "天",
    "件",
    "家",
    "项",
    "台",
    "套",
    "户",
    "所",
    "份",
    "场",
    "批",
    "座",
    "辆",
    "册",
    "篇",
    "期",
    "名",
    "吨",
    "公斤",
    "千克",
    "亩",
    "周",
    "元",
    "万",
    "亿",
    "条",
    "处",
    "张",
    "部",
    "本",
    "间",
    "类",
];

/// The length in characters of the longest unit `chars` starts with.
fn unit_at(chars: &[char]) -> Option<usize> {
    let rest: String = chars.iter().take(4).collect();
    UNITS
        .iter()
        .filter(|u| rest.starts_with(**u))
        .map(|u| u.chars().count())
        .max()
}

/// The width of `c` in em.
pub fn char_em(c: char) -> f64 {
    match c as u32 {
        // Capitals and wide letters are wider than a digit.
        _ if c.is_ascii_uppercase() || "mwMW@%".contains(c) => 0.75,
        0..0x100 => 0.5,
        _ => 1.0,
    }
}

/// The space Typst puts between a CJK character and a letter or digit
/// (`cjk-latin-spacing`), in em.
const CJK_LATIN_EM: f64 = 0.25;

/// Whether the line breaker may break around `c` anyway: spaces and CJK
/// (the template's `run-char` is the complement of this).
pub(crate) fn breaks_anyway(c: char) -> bool {
    c.is_whitespace()
        || matches!(c as u32,
            0x1100..=0x11FF | 0x2E80..=0x2FFF | 0x3000..=0x30FF | 0x3130..=0x318F
            | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF
            | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

/// A letter, digit or sign: not CJK, not a full-width mark, not a space.
fn is_run_char(c: char) -> bool {
    !breaks_anyway(c)
}

/// The pieces of `line` a line may not break inside, with their widths in
/// em: a run of letters, digits and signs with the unit after it
/// ("≥800平方米", "2025年"), or one other character.
pub fn tokens(line: &str) -> Vec<(String, f64)> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        if is_run_char(chars[i]) {
            while i < chars.len() && is_run_char(chars[i]) {
                i += 1;
            }
            let unit = unit_at(&chars[i..]);
            if let Some(u) = unit.filter(|_| chars[start..i].iter().any(char::is_ascii_digit)) {
                i += u;
                // A rate: "万元/年", "元/亩".
                if chars.get(i) == Some(&'/') {
                    i += unit_at(&chars[i + 1..]).map_or(0, |u| u + 1);
                }
            }
        } else {
            i += 1;
        }
        let s: String = chars[start..i].iter().collect();
        let w = s.chars().map(char_em).sum();
        out.push((s, w));
    }
    spaced(&mut out);
    out
}

/// A Han character (Typst spaces these from letters and digits).
fn is_han(c: char) -> bool {
    matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// Adds the CJK–Latin spacing to each run with a letter or digit at a side
/// next to a Han character (the unit of "800平方米" is part of its run).
fn spaced(tokens: &mut [(String, f64)]) {
    let first = |t: &(String, f64)| t.0.chars().next().unwrap_or(' ');
    let last = |t: &(String, f64)| t.0.chars().last().unwrap_or(' ');
    for i in 0..tokens.len() {
        let (a, z) = (first(&tokens[i]), last(&tokens[i]));
        if !is_run_char(a) {
            continue;
        }
        let before = i > 0 && a.is_ascii_alphanumeric() && is_han(last(&tokens[i - 1]));
        let after =
            z.is_ascii_alphanumeric() && tokens.get(i + 1).is_some_and(|t| is_han(first(t)));
        tokens[i].1 += CJK_LATIN_EM * (f64::from(u8::from(before)) + f64::from(u8::from(after)));
    }
}

/// The lines `text` takes in a column `width` em wide, filled greedily.
#[cfg(test)]
pub fn lines(text: &str, width: f64) -> usize {
    measured(text).iter().map(|p| para_lines(p, width)).sum()
}

/// The paragraphs of `text`, each its tokens' widths (negative: a space).
fn measured(text: &str) -> Vec<Vec<f64>> {
    text.split('\n')
        .map(|l| {
            tokens(l)
                .into_iter()
                .map(|(s, w)| if s.trim().is_empty() { -w } else { w })
                .collect()
        })
        .collect()
}

#[cfg(test)]
fn para_lines(tokens: &[f64], width: f64) -> usize {
    para_cost(tokens, width).0
}

/// The lines of a paragraph and a penalty: 20 for each token broken inside
/// ("≥800平/方米"), 5 for a last line of one character ("满意度指/标"),
/// 10 for a short label wrapped.
fn para_cost(tokens: &[f64], width: f64) -> (usize, usize) {
    let mut n = 1;
    let mut used = 0.0;
    let mut penalty = 0;
    let mut last = 0;
    for &w in tokens {
        if w < 0.0 {
            // A space ends no line and starts none.
            if used > 0.0 {
                used -= w;
            }
        } else if w > width {
            // A token wider than the column breaks inside it.
            n += usize::from(used > 0.0) + (w / width).ceil() as usize - 1;
            used = w % width;
            penalty += 20;
            last = 2;
        } else if used + w > width + 1e-9 && used > 0.0 {
            n += 1;
            used = w;
            last = 1;
        } else {
            used += w;
            last += 1;
        }
    }
    if n > 1 && last == 1 && used <= 1.0 {
        penalty += 5;
    }
    // A short label ("其他资金") wraps only where nothing else fits.
    if n > 1 && tokens.iter().map(|w| w.abs()).sum::<f64>() <= MIN_EM {
        penalty += 10;
    }
    (n, penalty)
}

/// The height from which the template lets a row split over pages:
/// `225mm * 0.6` in templates/jixiao.typ (three fifths of the text height).
const SPLIT_ROW_PT: f64 = 225.0 / 25.4 * 72.0 * 0.6;

/// Whether a row of cells (text, fraction of the text width) may reach
/// [`SPLIT_ROW_PT`], whatever table size the style sets: its estimated
/// lines at the largest size, counted three times over (the estimate takes
/// a small letter for ½ em, Typst may break lines elsewhere), 1.5 em each,
/// plus the cell's insets. A row that may not is known to stay short, so
/// the template need not measure it; a cell of unknown width may.
pub fn may_be_taller<'a>(cells: impl IntoIterator<Item = (&'a str, f64)>) -> bool {
    let size = crate::typeset::style::MAX_TABLE_SIZE;
    cells.into_iter().any(|(text, fraction)| {
        let w = (fraction * BLOCK_PT - INSET_PT) / size;
        if w <= 0.0 || !text.chars().all(at_most_wide) {
            return true;
        }
        let lines: usize = measured(text).iter().map(|p| para_cost(p, w).0).sum();
        3.0 * lines as f64 * 1.5 * size + 10.0 >= SPLIT_ROW_PT
    })
}

/// Whether every font draws `c` at most 1.5 em wide, three times the least
/// the estimate takes (½ em): Latin, CJK and the common signs. A cell with
/// any other character (U+FDFD is 4 em wide in some fonts) is measured.
fn at_most_wide(c: char) -> bool {
    c.is_ascii()
        || breaks_anyway(c)
        || matches!(c as u32, 0xA0..=0xFF | 0x2000..=0x206F | 0x2100..=0x25FF)
}

/// The content width in em of a cell `fraction` of the text width wide.
pub fn content_em(fraction: f64) -> f64 {
    fraction * TEXT_EM - INSET_EM
}

/// `text` with line breaks where balanced lines fall in a cell `width` em
/// wide: a paragraph of two or three lines gets lines of even length
/// ("预算规模/及资金用途", not "预算规模及资金用/途"). A paragraph that fits,
/// needs more lines, has a piece wider than the cell, or whose balanced
/// lines might not fit (a quarter em allowed for each letter or digit,
/// whose widths are estimated) is left to the line breaker.
pub fn balanced(text: &str, width: f64) -> String {
    text.split('\n')
        .map(|p| balance_para(p, width))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The most pieces a balanced paragraph may have (three lines of a wide
/// label); longer paragraphs are left to the line breaker, which also
/// bounds the search for cuts.
const BALANCE_MAX_PIECES: usize = 64;

fn balance_para(p: &str, width: f64) -> String {
    let toks = tokens(p);
    // Text with spaces is Latin prose: its width is too uncertain.
    if toks.len() > BALANCE_MAX_PIECES || p.contains(char::is_whitespace) {
        return p.to_string();
    }
    let ws: Vec<f64> = toks.iter().map(|t| t.1).collect();
    let n = para_cost(&ws, width).0;
    if !(2..=3).contains(&n) || ws.iter().any(|w| *w > width) {
        return p.to_string();
    }
    let mut sum = vec![0.0];
    for w in &ws {
        sum.push(sum.last().unwrap() + w);
    }
    let ok = |at: usize| breakable(&toks[at - 1].0, &toks[at].0);
    let cuts: Vec<Vec<usize>> = if n == 2 {
        (1..toks.len())
            .filter(|&a| ok(a))
            .map(|a| vec![a])
            .collect()
    } else {
        let ok_at: Vec<usize> = (1..toks.len()).filter(|&a| ok(a)).collect();
        ok_at
            .iter()
            .flat_map(|&a| {
                ok_at
                    .iter()
                    .filter(move |&&b| b > a)
                    .map(move |&b| vec![a, b])
            })
            .collect()
    };
    // The even split: no line of one character, the fewest words split
    // (社会效益/指标), the narrowest widest line, the least spread, then
    // the longer lines last (预算规模/及资金用途).
    let best = cuts
        .into_iter()
        .map(|cut| {
            let mut bounds = vec![0];
            bounds.extend(&cut);
            bounds.push(toks.len());
            let w: Vec<f64> = bounds.windows(2).map(|b| sum[b[1]] - sum[b[0]]).collect();
            let half = |x: f64| (x * 2.0).round() as i64;
            let key = (
                w.iter().any(|x| *x <= 1.0),
                cut.iter().filter(|&&c| splits_word(&toks, c)).count(),
                half(w.iter().cloned().fold(0.0, f64::max)),
                w.iter().map(|x| half(*x).pow(2)).sum::<i64>(),
                w.iter().map(|x| half(*x)).collect::<Vec<_>>(),
            );
            (key, bounds)
        })
        .min_by(|a, b| a.0.cmp(&b.0));
    let Some((_, bounds)) = best else {
        return p.to_string();
    };
    let lines: Vec<String> = bounds
        .windows(2)
        .map(|b| toks[b[0]..b[1]].iter().map(|t| t.0.as_str()).collect())
        .collect();
    // CJK characters are exactly one em; a letter or digit may be a
    // quarter em off the estimate. A line that might not fit is not forced.
    let fits = lines.iter().zip(bounds.windows(2)).all(|(l, b)| {
        let unsure = l.chars().filter(|c| is_run_char(*c)).count() as f64 * 0.25;
        sum[b[1]] - sum[b[0]] + unsure <= width - 0.05
    });
    if fits {
        lines.join("\n")
    } else {
        p.to_string()
    }
}

/// Words of these forms a balanced break keeps whole where it can.
const WORDS: &[&str] = &[
    "指标",
    "资金",
    "用途",
    "预算",
    "规模",
    "效益",
    "计划",
    "项目",
    "绩效",
    "目标",
    "满意度",
    "服务",
    "对象",
    "工作",
    "办公",
    "用房",
    "完成",
    "经费",
    "成本",
    "时效",
    "质量",
    "数量",
    "社会",
    "经济",
    "生态",
    "可持续",
    "影响",
    "群众",
    "信访",
    "支出",
    "财政",
    "其他",
    "单位",
    "名称",
    "编码",
    "依据",
    "描述",
    "确定",
    "年度",
    "部门",
    "管理",
    "制度",
    "保障",
    "运转",
    "面积",
    "租用",
    "租赁",
    "人数",
    "时间",
    "进度",
    "要求",
    "标准",
    "合同",
    "签订",
    "准确率",
    "完成率",
    "覆盖率",
    "及时率",
    "满意率",
    "达标率",
    "政府",
    "法治化",
    "影响力",
    "行政",
    "事业",
    "历史",
    "经验",
    "调查",
    "问卷",
    "预期",
    "实施",
    "分配",
    "发放",
];

/// Whether a break before token `at` falls inside one of `WORDS`.
fn splits_word(toks: &[(String, f64)], at: usize) -> bool {
    let before: String = toks[at.saturating_sub(3)..at]
        .iter()
        .map(|t| t.0.as_str())
        .collect();
    let after: String = toks[at..(at + 3).min(toks.len())]
        .iter()
        .map(|t| t.0.as_str())
        .collect();
    WORDS.iter().any(|w| {
        w.char_indices()
            .skip(1)
            .any(|(i, _)| before.ends_with(&w[..i]) && after.starts_with(&w[i..]))
    })
}

/// Whether a line may end with `before` and the next start with `after`:
/// never before a closing mark ("，" "）" ",") nor after an opening one,
/// nor next to the slash of a rate ("万元/年").
fn breakable(before: &str, after: &str) -> bool {
    const NO_START: &str = "，。、；：？！）》」』】〕’”…—·,.;:?!)]}%/";
    const NO_END: &str = "（《「『【〔‘“([{/";
    let first = after.chars().next().unwrap_or(' ');
    let last = before.chars().last().unwrap_or(' ');
    !NO_START.contains(first) && !NO_END.contains(last)
}

/// One column of the row table to fit: the grid columns it covers, its
/// width now and its limits (fractions of the text width).
pub struct FitColumn {
    /// The grid columns under it.
    pub grid: std::ops::Range<usize>,
    /// The least fraction of the text width it may have (`None`: its
    /// longest unbreakable piece, at least four characters).
    pub min: Option<f64>,
    /// The most fraction of the text width it may have.
    pub max: Option<f64>,
}

/// A printed row: each cell's grid columns and text.
pub type FitRow = Vec<(std::ops::Range<usize>, String)>;

/// A cell ready to be measured: its grid columns and paragraphs.
type Measured = (std::ops::Range<usize>, Vec<Vec<f64>>);

/// The lines of each cell of `row` printed on `grid`.
#[cfg(test)]
fn cell_lines(grid: &[f64], row: &[Measured]) -> Vec<usize> {
    cell_costs(grid, row).into_iter().map(|c| c.0).collect()
}

/// The lines and penalty (see `para_cost`) of each cell of `row`.
fn cell_costs(grid: &[f64], row: &[Measured]) -> Vec<(usize, usize)> {
    row.iter().map(|(at, ps)| cell_cost(grid, at, ps)).collect()
}

/// The lines and penalty of a cell over grid columns `at`.
fn cell_cost(grid: &[f64], at: &std::ops::Range<usize>, ps: &[Vec<f64>]) -> (usize, usize) {
    paras_cost(ps, cell_em(grid, at))
}

/// The content width in em of a cell over grid columns `at`.
fn cell_em(grid: &[f64], at: &std::ops::Range<usize>) -> f64 {
    content_em(grid[at.clone()].iter().sum())
}

/// The lines and penalty of paragraphs `ps` in a cell `w` em wide.
fn paras_cost(ps: &[Vec<f64>], w: f64) -> (usize, usize) {
    ps.iter()
        .map(|p| para_cost(p, w))
        .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
}

/// The lines and penalty of each cell (by row, then cell) at each width
/// (its bits) it was measured at: the search tries a cell at the same few
/// widths again and again.
type Memo = Vec<Vec<Vec<(u64, (usize, usize))>>>;

/// Lines of the rows (a thousand times) plus lines and penalties of every
/// cell: the rows' height is what counts, and no saving inside cells may
/// buy a taller row; the cells' lines lead the search where rows tie.
///
/// `None` when a cell of the first rows gets more lines than `limits`
/// allows it (the header's cells: see `fit`).
fn score(grid: &[f64], rows: &[Vec<Measured>], limits: &[Vec<usize>]) -> Option<usize> {
    score_by(rows, limits, |_, _, (at, ps)| cell_cost(grid, at, ps))
}

/// [`score`] with each cell's lines and penalty from `cost(row, cell, it)`.
fn score_by(
    rows: &[Vec<Measured>],
    limits: &[Vec<usize>],
    mut cost: impl FnMut(usize, usize, &Measured) -> (usize, usize),
) -> Option<usize> {
    let mut total = 0;
    for (i, r) in rows.iter().enumerate() {
        let (mut tallest, mut sum) = (None, 0);
        for (j, cell) in r.iter().enumerate() {
            let c = cost(i, j, cell);
            if limits
                .get(i)
                .and_then(|l| l.get(j))
                .is_some_and(|m| c.0 > *m)
            {
                return None;
            }
            tallest = tallest.max(Some(c.0));
            sum += c.0 + c.1;
        }
        total += 1000 * tallest.unwrap_or(1) + sum;
    }
    Some(total)
}

/// [`score`] of `grid`, which differs from the grid `base` was measured on
/// only in grid columns `changed` (one narrower, one wider by as much):
/// only the cells over one of them are measured again, through `memo` (the
/// search tries thousands of grids, each moving width between two columns).
fn score_near(
    grid: &[f64],
    rows: &[Vec<Measured>],
    limits: &[Vec<usize>],
    base: &[Vec<(usize, usize)>],
    changed: [usize; 2],
    memo: &mut Memo,
) -> Option<usize> {
    score_by(rows, limits, |i, j, (at, ps)| {
        // A cell over both moved columns keeps its width.
        if at.contains(&changed[0]) == at.contains(&changed[1]) {
            return base[i][j];
        }
        let w = cell_em(grid, at);
        let seen = &mut memo[i][j];
        match seen.iter().find(|(k, _)| *k == w.to_bits()) {
            Some(&(_, c)) => c,
            None => {
                let c = paras_cost(ps, w);
                seen.push((w.to_bits(), c));
                c
            }
        }
    })
}

/// The lines of `rows` printed on `grid`: the sum of each row's tallest cell.
#[cfg(test)]
pub fn row_lines(grid: &[f64], rows: &[FitRow]) -> usize {
    let rows: Vec<Vec<Measured>> = rows.iter().map(measure_row).collect();
    rows.iter()
        .map(|r| cell_lines(grid, r).into_iter().max().unwrap_or(1))
        .sum()
}

fn measure_row(r: &FitRow) -> Vec<Measured> {
    r.iter().map(|(at, t)| (at.clone(), measured(t))).collect()
}

/// The widest piece a column is widened for, in em ("≤1234.56万元" is 7):
/// a longer run (an account number) wraps rather than take the table.
const PIECE_MAX_EM: f64 = 8.0;

/// The least width of a grid column, in em, so that no column vanishes.
const GRID_MIN_EM: f64 = 2.0;

/// The grid (fractions of the text width) with the grid columns under
/// `cols` refitted so that `rows` print in the fewest lines, their total
/// width unchanged. Starting from the form's widths, width moves from one
/// grid column to another while that saves lines, each column staying
/// within its bounds, so the result is never worse than the form's own
/// grid by this measure.
///
/// The `header` rows (labels and values above the row table) count too,
/// and no header cell takes more lines than on the form's grid: fitting
/// never wraps "其他资金", nor a label spanning two rows onto a third, to
/// save a line below (the header's rows are not all measured as rows).
pub fn fit(grid: &[f64], cols: &[FitColumn], header: &[FitRow], rows: &[FitRow]) -> Vec<f64> {
    let header: Vec<Vec<Measured>> = header.iter().map(measure_row).collect();
    // Each header cell's lines on the form's grid: its most.
    let limits: Vec<Vec<usize>> = header
        .iter()
        .map(|r| cell_costs(grid, r).iter().map(|c| c.0).collect())
        .collect();
    let rows: Vec<Vec<Measured>> = header
        .iter()
        .cloned()
        .chain(rows.iter().map(measure_row))
        .collect();
    let bounds = column_bounds(cols, &rows);
    let outside = |g: &[f64]| outside(cols, &bounds, g);
    let movable: Vec<usize> = cols.iter().flat_map(|c| c.grid.clone()).collect();
    let mut g = grid.to_vec();
    let mut now = score(&g, &rows, &limits)
        .map(|s| s + outside(&g))
        .expect("the form's grid is within its own limits");
    let mut memo: Memo = rows.iter().map(|r| vec![Vec::new(); r.len()]).collect();
    loop {
        let base: Vec<_> = rows.iter().map(|r| cell_costs(&g, r)).collect();
        let mut score = |t: &[f64], changed| {
            score_near(t, &rows, &limits, &base, changed, &mut memo).map(|s| s + outside(t))
        };
        let mut best: Option<(usize, Vec<f64>)> = None;
        for (&from, &to) in movable
            .iter()
            .flat_map(|a| movable.iter().map(move |b| (a, b)))
        {
            for k in [0.5, 1.0, 2.0, 4.0] {
                if from == to {
                    continue;
                }
                let mut t = g.clone();
                t[from] -= k / TEXT_EM;
                t[to] += k / TEXT_EM;
                if !within(cols, &t) {
                    continue;
                }
                let s = score(&t, [from, to]).unwrap_or(usize::MAX);
                if s < best.as_ref().map_or(now, |b| b.0) {
                    best = Some((s, t));
                }
            }
        }
        let Some((s, t)) = best else { break };
        g = t;
        now = s;
    }
    g
}

/// Whether no grid column under `cols` is narrower than `GRID_MIN_EM`.
fn within(cols: &[FitColumn], g: &[f64]) -> bool {
    cols.iter()
        .flat_map(|c| c.grid.clone())
        .all(|i| g[i] * TEXT_EM >= GRID_MIN_EM - 1e-9)
}

/// A million per half em a column lies outside its `bounds`: more than
/// any lines weigh, so the search first brings every column within its
/// bounds, as far as it can.
fn outside(cols: &[FitColumn], bounds: &[(f64, f64)], g: &[f64]) -> usize {
    let halves: f64 = cols
        .iter()
        .zip(bounds)
        .map(|(c, (lo, hi))| {
            let x = content_em(g[c.grid.clone()].iter().sum());
            (lo - x).max(x - hi).max(0.0)
        })
        .sum();
    (halves * 2.0 - 1e-6).ceil().max(0.0) as usize * 1_000_000
}

/// Each column's least and most content width in em: the form's
/// `min_width`/`max_width`, else at least its longest unbreakable piece
/// ("≥800平方米", up to `PIECE_MAX_EM`) and four characters.
fn column_bounds(cols: &[FitColumn], rows: &[Vec<Measured>]) -> Vec<(f64, f64)> {
    let inside = |c: &FitColumn, at: &std::ops::Range<usize>| {
        c.grid.start <= at.start && at.end <= c.grid.end
    };
    cols.iter()
        .map(|c| {
            let pieces = rows
                .iter()
                .flatten()
                .filter(|(at, _)| inside(c, at))
                .flat_map(|(_, ps)| ps.iter().flatten());
            let least = pieces.fold(MIN_EM, |a, b: &f64| a.max(b.abs().min(PIECE_MAX_EM)));
            let lo = c.min.map_or(least, |m| content_em(m / 100.0));
            let hi = c.max.map_or(f64::INFINITY, |m| content_em(m / 100.0));
            (lo, hi.max(lo))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_next_to_cjk_take_the_spacing() {
        let w: Vec<f64> = tokens("完成APP及H5").into_iter().map(|t| t.1).collect();
        assert_eq!(w, [1.0, 1.0, 2.75, 1.0, 1.5]);
        // Not next to a full-width mark, nor for a sign.
        let w: Vec<f64> = tokens("计划（%）").into_iter().map(|t| t.1).collect();
        assert_eq!(w, [1.0, 1.0, 1.0, 0.75, 1.0]);
        // A unit is the run's own CJK side: only the other side is spaced.
        let w: Vec<f64> = tokens("约800平方米").into_iter().map(|t| t.1).collect();
        assert_eq!(w, [1.0, 4.75]);
    }

    #[test]
    fn a_number_keeps_its_unit() {
        let t: Vec<String> = tokens("≥800平方米").into_iter().map(|t| t.0).collect();
        assert_eq!(t, ["≥800平方米"]);
        let t: Vec<String> = tokens("在2025年12月底").into_iter().map(|t| t.0).collect();
        assert_eq!(t, ["在", "2025年", "12月", "底"]);
        let t: Vec<String> = tokens("≤117.26万元/年的")
            .into_iter()
            .map(|t| t.0)
            .collect();
        assert_eq!(t, ["≤117.26万元/年", "的"]);
        assert_eq!(lines("=14.28万元", 4.0), 2);
        assert_eq!(lines("=14.28万元", 5.0), 1);
    }

    #[test]
    fn two_lines_are_balanced() {
        assert_eq!(balanced("预算规模及资金用途", 8.0), "预算规模\n及资金用途");
        assert_eq!(balanced("满意度指标", 4.0), "满意度\n指标");
        assert_eq!(balanced("社会效益指标", 5.0), "社会\n效益指标");
        assert_eq!(balanced("资金支出计划(%)", 5.5), "资金支出\n计划(%)");
        // Fits, or only a lone character less: left to the line breaker.
        assert_eq!(balanced("项目名称", 4.0), "项目名称");
        assert_eq!(balanced("一二三四五六七八九", 5.0), "一二三四五六七八九");
        assert_eq!(balanced("预算规模及资金用途", 5.1), "预算规模\n及资金用途");
        assert_eq!(balanced("计划2025年", 3.4), "计划2025年");
        // A number keeps its unit; a piece wider than the cell is left.
        assert_eq!(balanced("12月底前完成2025年", 6.5), "12月底前\n完成2025年");
        assert_eq!(balanced("≥800平方米", 3.0), "≥800平方米");
        // No line starts with a closing mark.
        assert_eq!(balanced("目标一，目标二", 6.0), "目标一，\n目标二");
        // Nor with a Western closing mark or a rate's slash, nor does one
        // end with an opening bracket.
        let comma = balanced("一二三四五六,七八九十甲乙", 8.0);
        assert!(comma.contains('\n') && !comma.contains("\n,"), "{comma}");
        let bracket = balanced("信访工作经费(含办公费)支出", 9.0);
        assert!(
            bracket.contains('\n') && !bracket.contains("(\n"),
            "{bracket}"
        );
        let rate = balanced("租金≤117.26万元/年的标准", 7.0);
        assert!(!rate.contains("\n/") && !rate.contains("/\n"), "{rate}");
        // Latin prose, or a paragraph of many pieces, is left alone.
        assert_eq!(balanced("a few words", 6.0), "a few words");
        let long = "字".repeat(BALANCE_MAX_PIECES + 1);
        assert_eq!(balanced(&long, 30.0), long);
        // Three lines, each paragraph on its own.
        assert_eq!(
            balanced("一二三四五六七\n甲乙", 3.5),
            "一二\n三四\n五六七\n甲乙"
        );
    }

    #[test]
    fn width_goes_where_it_saves_lines() {
        let grid = [12.0 / 100.0, 24.0 / 100.0];
        let col = |i: usize| FitColumn {
            grid: i..i + 1,
            min: None,
            max: None,
        };
        let cols = [col(0), col(1)];
        let row = |a: &str, b: &str| vec![(0..1, a.to_string()), (1..2, b.to_string())];
        let rows = [
            row("指标值", "指标值确定依据"),
            row("≥800平方米", "年度计划"),
            row("=14.28万元", "历史数据"),
        ];
        let g = fit(&grid, &cols, &[], &rows);
        assert!((g.iter().sum::<f64>() - 0.36).abs() < 1e-9, "{g:?}");
        assert!(row_lines(&g, &rows) < row_lines(&grid, &rows), "{g:?}");
        assert!(g[0] > 0.12, "{g:?}");
    }

    /// Scoring only the cells over the two moved columns gives the full
    /// score, for every move the search tries, header limits included.
    #[test]
    fn scoring_the_moved_cells_is_scoring_all() {
        let grid = [0.1, 0.15, 0.2, 0.25, 0.3];
        let cell = |at: std::ops::Range<usize>, t: &str| (at, measured(t));
        let rows = vec![
            vec![cell(
                0..5,
                "资金用途：用于信访接待大厅的运行维护和群众来访接待工作",
            )],
            vec![cell(0..2, "其他资金"), cell(2..5, "≥800平方米")],
            vec![
                cell(0..1, "满意度指标"),
                cell(1..2, "服务对象满意度"),
                cell(2..3, "≥95%"),
                cell(3..4, "参考历史数据及年度计划"),
                cell(4..5, "2025年12月31日前完成"),
            ],
        ];
        let limits = vec![vec![2], vec![1, 1]];
        let base: Vec<_> = rows.iter().map(|r| cell_costs(&grid, r)).collect();
        let mut memo: Memo = rows.iter().map(|r| vec![Vec::new(); r.len()]).collect();
        let mut tried = 0;
        for from in 0..5 {
            for to in (0..5).filter(|&t| t != from) {
                for k in [0.5, 1.0, 2.0, 4.0] {
                    let mut t = grid.to_vec();
                    t[from] -= k / TEXT_EM;
                    t[to] += k / TEXT_EM;
                    let near = score_near(&t, &rows, &limits, &base, [from, to], &mut memo);
                    assert_eq!(near, score(&t, &rows, &limits), "{from} -> {to} by {k}");
                    tried += usize::from(near.is_some());
                }
            }
        }
        assert!(tried > 10, "the header limits refused almost every move");
    }

    /// Short rows need no measuring; a long cell, or one of unknown
    /// width, does: at the largest table size a 12 %-wide cell holds about
    /// 2 characters a line, so 20 characters may already reach the limit.
    #[test]
    fn only_rows_that_may_be_tall_are_measured() {
        assert!(!may_be_taller([
            ("≥800平方米", 0.12),
            ("年度工作计划", 0.2)
        ]));
        assert!(!may_be_taller([("服务对象满意度", 0.12)]));
        assert!(may_be_taller([
            ("年度工作计划", 0.2),
            (&"依据。".repeat(40), 0.2)
        ]));
        assert!(may_be_taller([("年度工作计划", 0.0)]));
        assert!(may_be_taller([("一\n二\n三\n四\n五\n六", 0.5)]));
        // A character some font may draw very wide is always measured.
        assert!(may_be_taller([("\u{FDFD}", 0.5)]));
        assert!(!may_be_taller([("≥95%（约3万元/年）", 0.5)]));
    }
}
