//! Column widths from content: the grid of a form with one row table is
//! redistributed among that table's columns so its rows print in the
//! fewest lines, each column within the form's `min_width`/`max_width`.
//!
//! Widths are estimated in Rust from character counts (a CJK character or
//! full-width mark is 1 em, a Latin letter or digit 0.5 em), which keeps
//! the result deterministic and independent of font metrics.

/// The text width in em of the table's type (156 mm at 10.5 pt).
const TEXT_EM: f64 = 442.2 / 10.5;
/// A cell's horizontal inset (3 pt each side) in em.
const INSET_EM: f64 = 6.0 / 10.5;
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

/// The width of `c` in em.
pub fn char_em(c: char) -> f64 {
    if (c as u32) < 0x100 { 0.5 } else { 1.0 }
}

/// A letter, digit or sign: not CJK, not a full-width mark, not a space.
fn is_run_char(c: char) -> bool {
    !c.is_whitespace() && (c as u32) < 0x2E80
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
            if chars[start..i].iter().any(char::is_ascii_digit) {
                let rest: String = chars[i..].iter().take(4).collect();
                if let Some(u) = UNITS
                    .iter()
                    .filter(|u| rest.starts_with(**u))
                    .max_by_key(|u| u.len())
                {
                    i += u.chars().count();
                }
            }
        } else {
            i += 1;
        }
        let s: String = chars[start..i].iter().collect();
        let w = s.chars().map(char_em).sum();
        out.push((s, w));
    }
    out
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

/// The grid (fractions of the text width) with the columns' widths `w`
/// (content em) spread over their grid columns in the old proportions.
fn grid_of(grid: &[f64], cols: &[FitColumn], w: &[f64]) -> Vec<f64> {
    let mut g = grid.to_vec();
    for (c, x) in cols.iter().zip(w) {
        let old: f64 = grid[c.grid.clone()].iter().sum();
        for i in c.grid.clone() {
            g[i] = grid[i] / old * (x + INSET_EM) / TEXT_EM;
        }
    }
    g
}

/// A cell ready to be measured: its grid columns and paragraphs.
type Measured = (std::ops::Range<usize>, Vec<Vec<f64>>);

/// The lines of each cell of `row` printed on `grid`.
#[cfg(test)]
fn cell_lines(grid: &[f64], row: &[Measured]) -> Vec<usize> {
    cell_costs(grid, row).into_iter().map(|c| c.0).collect()
}

/// The lines and penalty (see `para_cost`) of each cell of `row`.
fn cell_costs(grid: &[f64], row: &[Measured]) -> Vec<(usize, usize)> {
    row.iter()
        .map(|(at, ps)| {
            let w = grid[at.clone()].iter().sum::<f64>() * TEXT_EM - INSET_EM;
            ps.iter()
                .map(|p| para_cost(p, w))
                .fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
        })
        .collect()
}

/// Lines of the rows (ten times) plus lines and penalties of every cell: the rows'
/// height is what counts, the cells' lines lead the search to it.
fn score(grid: &[f64], rows: &[Vec<Measured>]) -> usize {
    rows.iter()
        .map(|r| {
            let n = cell_costs(grid, r);
            let tallest = n.iter().map(|c| c.0).max().unwrap_or(1);
            10 * tallest + n.iter().map(|c| c.0 + c.1).sum::<usize>()
        })
        .sum()
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

/// The grid (fractions of the text width) with `cols` refitted so that
/// `rows` print in the fewest lines, the columns' total width unchanged.
/// Starting from the form's widths, width moves from one column to
/// another while that saves lines, so the result is never worse than
/// the form's own grid by this measure.
pub fn fit(grid: &[f64], cols: &[FitColumn], rows: &[FitRow]) -> Vec<f64> {
    let rows: Vec<Vec<Measured>> = rows.iter().map(measure_row).collect();
    let em = |f: f64| f * TEXT_EM - INSET_EM;
    let inside = |c: &FitColumn, at: &std::ops::Range<usize>| {
        c.grid.start <= at.start && at.end <= c.grid.end
    };
    let mut w: Vec<f64> = cols
        .iter()
        .map(|c| em(grid[c.grid.clone()].iter().sum()))
        .collect();
    let bounds: Vec<(f64, f64)> = cols
        .iter()
        .zip(&w)
        .map(|(c, now)| {
            let longest = rows
                .iter()
                .flatten()
                .filter(|(at, _)| inside(c, at))
                .flat_map(|(_, ps)| ps.iter().flatten());
            let least = longest.fold(MIN_EM, |a, b: &f64| a.max(b.abs()));
            let lo = c.min.map_or(least.min(*now), |m| em(m / 100.0));
            (lo, c.max.map_or(f64::INFINITY, |m| em(m / 100.0)).max(lo))
        })
        .collect();
    let mut now = score(&grid_of(grid, cols, &w), &rows);
    loop {
        let mut best: Option<(usize, usize, usize, f64)> = None;
        for (from, to) in (0..w.len()).flat_map(|a| (0..w.len()).map(move |b| (a, b))) {
            for k in [0.5, 1.0, 2.0, 4.0] {
                if from == to
                    || w[from] - k < bounds[from].0 - 1e-9
                    || w[to] + k > bounds[to].1 + 1e-9
                {
                    continue;
                }
                let mut t = w.clone();
                t[from] -= k;
                t[to] += k;
                let s = score(&grid_of(grid, cols, &t), &rows);
                if s < best.map_or(now, |b| b.0) {
                    best = Some((s, from, to, k));
                }
            }
        }
        let Some((s, from, to, k)) = best else { break };
        w[from] -= k;
        w[to] += k;
        now = s;
    }
    grid_of(grid, cols, &w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_keeps_its_unit() {
        let t: Vec<String> = tokens("≥800平方米").into_iter().map(|t| t.0).collect();
        assert_eq!(t, ["≥800平方米"]);
        let t: Vec<String> = tokens("在2025年12月底").into_iter().map(|t| t.0).collect();
        assert_eq!(t, ["在", "2025年", "12月", "底"]);
        assert_eq!(lines("=14.28万元", 4.0), 2);
        assert_eq!(lines("=14.28万元", 5.0), 1);
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
        let g = fit(&grid, &cols, &rows);
        assert!((g.iter().sum::<f64>() - 0.36).abs() < 1e-9, "{g:?}");
        assert!(row_lines(&g, &rows) < row_lines(&grid, &rows), "{g:?}");
        assert!(g[0] > 0.12, "{g:?}");
    }
}
