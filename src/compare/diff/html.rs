//! The HTML diff report: one self-contained page (inline style, page
//! images as `data:` URIs, no script, nothing fetched) holding the report
//! lines and the changed pages side by side.

use std::fmt::Write as _;

use base64::Engine as _;

use super::Changes;
use super::report::{Painter, human_parts};
use crate::compare::visual::{PageImage, PageState};
use crate::report::escape::one_line;

/// The page's style: readable Chinese text in a narrow column, pages wide.
const STYLE: &str = "\
body { margin: 0; background: #fff; color: #1f2328; line-height: 1.75;
  font-family: \"PingFang SC\", \"Microsoft YaHei\", \"Noto Sans CJK SC\",
    \"Source Han Sans SC\", \"WenQuanYi Micro Hei\", \"FandolHei\", sans-serif; }
main { max-width: 1240px; margin: 0 auto; padding: 1.5rem 1.5rem 3rem; }
.report { max-width: 50rem; font-size: 1.05rem; }
h1 { font-size: 1.5rem; margin: 0 0 .5rem; padding-bottom: .4rem;
  border-bottom: 3px solid #3a6ea5; }
h2 { font-size: 1.2rem; margin: 1.8rem 0 .6rem; padding: .25rem .7rem;
  background: #eef3f9; border-left: 5px solid #3a6ea5; }
ul { margin: .2rem 0; padding-left: 1.6rem; }
li { margin: .15rem 0; }
del { color: #b3261e; background: #fdecea; text-decoration: line-through; }
ins { color: #146c2e; background: #e6f4ea; text-decoration: underline; }
.added { color: #146c2e; font-weight: bold; }
.removed { color: #b3261e; font-weight: bold; }
.changed, .moved { color: #8a5a00; font-weight: bold; }
.legend { color: #57606a; font-size: .95rem; }
.closing { font-weight: bold; margin-top: 1.5rem; padding-top: .6rem;
  border-top: 1px solid #d0d7de; }
figure { margin: 1rem 0 2.5rem; }
figcaption { font-weight: bold; margin-bottom: .4rem; }
figure img { display: block; max-width: 100%; height: auto;
  border: 1px solid #8c959f; }
";

/// Nothing is loaded or run even if some text escaped its escaping: only
/// the inline style and `data:` images are allowed.
const POLICY: &str = "default-src 'none'; img-src data:; style-src 'unsafe-inline'";

/// Text as HTML content or attribute value: `& < > " '` as entities.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The whole page. `title`, `lines` and `closing` are HTML as painted by
/// [`Painter::Html`] (data text escaped, marks as tags); a line of depth 0
/// is a section heading, deeper ones nest as lists. `page_label` names a
/// physical page of `images` for its caption.
pub fn page(
    title: &str,
    lines: &[(usize, String)],
    closing: &str,
    images: &[PageImage],
    page_label: impl Fn(usize) -> String,
) -> String {
    let mut out = String::from("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n");
    out.push_str("<meta charset=\"utf-8\">\n");
    let _ = writeln!(
        out,
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\">"
    );
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // The title element shows entities decoded but tags literally.
    let _ = writeln!(out, "<title>{}</title>", without_tags(title));
    let _ = writeln!(out, "<style>\n{STYLE}</style>\n</head>\n<body>\n<main>");
    let _ = writeln!(out, "<h1>{title}</h1>");
    out.push_str("<section class=\"report\">\n");
    out.push_str(
        "<p class=\"legend\">标记：<del>删去的文字</del>，<ins>新增的文字</ins>；\
         页面对比图中左为旧版本、右为新版本，红框为有变化的区域。</p>\n",
    );
    list(&mut out, lines);
    for line in closing.lines() {
        let _ = writeln!(out, "<p class=\"closing\">{line}</p>");
    }
    out.push_str("</section>\n");
    figures(&mut out, images, page_label);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// The HTML report of `changes` between the versions named `old` and
/// `new`, with the changed pages' `images`.
pub fn html_report(
    changes: &Changes,
    old: &str,
    new: &str,
    images: &[PageImage],
    page_label: impl Fn(usize) -> String,
) -> String {
    let (title, lines, closing) = human_parts(changes, old, new, Painter::Html);
    page(&title, &lines, &closing, images, page_label)
}

/// Painted HTML without its tags: data text in it is escaped, so every
/// `<` starts a tag of the painter.
fn without_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// The lines: depth 0 as `<h2>`, depth d ≥ 1 as an item of a list nested d
/// deep (each open level is an open `<ul><li>`).
fn list(out: &mut String, lines: &[(usize, String)]) {
    let mut open = 0;
    for (depth, text) in lines {
        let depth = *depth;
        if depth == 0 {
            close(out, &mut open, 0);
            let _ = writeln!(out, "<h2>{text}</h2>");
            continue;
        }
        if open >= depth {
            close(out, &mut open, depth);
            out.push_str("</li>\n<li>");
        } else {
            while open < depth {
                out.push_str(if open == 0 {
                    "<ul>\n<li>"
                } else {
                    "\n<ul>\n<li>"
                });
                open += 1;
            }
        }
        out.push_str(text);
    }
    close(out, &mut open, 0);
}

/// Closes list levels until `to` remain open.
fn close(out: &mut String, open: &mut usize, to: usize) {
    while *open > to {
        out.push_str("</li>\n</ul>\n");
        *open -= 1;
    }
}

/// The section 页面对比: one figure per changed page.
fn figures(out: &mut String, images: &[PageImage], page_label: impl Fn(usize) -> String) {
    out.push_str("<section class=\"pages\">\n<h2>页面对比</h2>\n");
    if images.is_empty() {
        out.push_str("<p>各页均无变化</p>\n");
    }
    let engine = base64::engine::general_purpose::STANDARD;
    for image in images {
        let label = escape(&one_line(&page_label(image.number)));
        let what = match &image.state {
            PageState::Changed(areas) => format!("旧版本 | 新版本（{} 处变化）", areas.len()),
            PageState::Added => "新增页（旧版本没有此页）".to_string(),
            PageState::Removed => "已删除的页（新版本没有此页）".to_string(),
            PageState::Same => "旧版本 | 新版本".to_string(),
        };
        let _ = write!(
            out,
            "<figure>\n<figcaption>{label}：{what}</figcaption>\n\
             <img src=\"data:image/png;base64,{}\" width=\"{}\" height=\"{}\" \
             alt=\"{label}：左为旧版本，右为新版本\">\n</figure>\n",
            engine.encode(&image.png),
            image.width,
            image.height,
        );
    }
    out.push_str("</section>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_the_five_specials() {
        assert_eq!(
            escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn lines_nest_by_depth_and_every_list_closes() {
        let lines: Vec<(usize, String)> = [(0, "甲"), (1, "一"), (2, "二"), (3, "三"), (1, "四")]
            .into_iter()
            .chain([(0, "乙"), (2, "深")])
            .map(|(d, t)| (d, t.to_string()))
            .collect();
        let mut out = String::new();
        list(&mut out, &lines);
        assert_eq!(out.matches("<ul>").count(), out.matches("</ul>").count());
        assert_eq!(out.matches("<li>").count(), out.matches("</li>").count());
        assert_eq!(out.matches("<ul>").count(), 5, "{out}");
        let h2 = out.find("<h2>乙</h2>").unwrap();
        assert!(out[..h2].ends_with("</ul>\n"), "{out}");
        assert!(
            out.contains("<li>三</li>\n</ul>\n</li>\n</ul>\n</li>\n<li>四"),
            "{out}"
        );
    }

    #[test]
    fn data_text_is_escaped_and_controls_shown() {
        let doc = |department: &str| {
            let mut d: crate::input::model::Document =
                toml::from_str("year = 2030\nunit_code = '1'\nunit_name = '本级'\ndepartment = ''")
                    .unwrap();
            d.department = department.to_string();
            d
        };
        let hostile = "<script>alert(1)</script>\"'&\u{1b}[2J\u{202e}\n";
        let changes = super::super::compare(&doc("甲局"), &doc(hostile), Default::default());
        let out = html_report(&changes, "旧<b>", "新", &[], |n| n.to_string());
        assert!(!out.contains("<script") && !out.contains("<b>"), "{out}");
        assert!(!out.contains(['\u{1b}', '\u{202e}']), "{out}");
        assert!(
            out.contains("<ins>&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;\\u{1b}[2J\\u{202e}↵</ins>"),
            "{out}"
        );
        assert!(
            out.contains("<title>比较 旧&lt;b&gt; → 新</title>"),
            "{out}"
        );
    }

    #[test]
    fn the_title_element_gets_no_tags() {
        let page = page(
            "比较 &lt;a&gt; → <b>新</b>",
            &[],
            "无变化",
            &[],
            |n| format!("第 {n} 页"),
        );
        assert!(
            page.contains("<title>比较 &lt;a&gt; → 新</title>"),
            "{page}"
        );
        assert!(page.contains("<p>各页均无变化</p>"), "{page}");
    }
}
