//! `jixiao import`: a workbook read back into a document. The 文本 sheet
//! gives the document, every sheet holding a 绩效目标表 one project, read
//! by the labels of its form (the hidden jixiao sheet's, else the form
//! whose labels fit best), so workbooks from budget systems and people
//! work as well as those `jixiao export` writes.
//!
//! Every read is bounded: the file's size, a zip's unpacked size, the rows
//! and columns of a sheet ([`grid::MAX_ROWS`], [`grid::MAX_COLS`]), the
//! cells of a workbook ([`grid::MAX_CELLS`]), the merges of a sheet
//! ([`grid::MAX_MERGES`]); an .ods or .xls is measured before calamine
//! expands it ([`ods`], [`xls`]).

mod amount;
mod document;
mod grid;
mod labels;
mod ods;
mod project;
mod xls;

use std::io::{Cursor, Read};
use std::path::Path;
use std::sync::Arc;

use calamine::{Reader, Sheets};

use self::grid::{Grid, GridError};
use crate::excel::{DOC_SHEET, META_SHEET, SheetMeta};
use crate::input::form::{DEFAULT_FORM, Form, Registry};
use crate::input::model::{Document, Labels, Project, ProjectCheck};
use crate::report::diag::{Diagnostic, Diagnostics, Result, display_path};

/// The largest workbook file read.
pub const MAX_FILE_BYTES: u64 = 100 * 1024 * 1024;
/// The most bytes the parts of an .xlsx/.ods may unpack to.
pub const MAX_UNPACKED_BYTES: u64 = 200 * 1024 * 1024;
/// The most a part may grow when unpacked (real XML packs about 1:10).
const MAX_RATIO: u64 = 1000;

/// What a workbook holds.
#[derive(Debug)]
pub struct Imported {
    /// The document, from the 文本 sheet (its `projects` empty).
    pub document: Option<Document>,
    /// One project per sheet holding a table, in sheet order.
    pub projects: Vec<ImportedProject>,
    /// Sheets holding no table.
    pub skipped: Vec<String>,
    /// What could not be placed (warnings).
    pub warnings: Vec<Diagnostic>,
    /// The project files the hidden sheet says the workbook was exported
    /// from (`projects/01-x.toml`), its sheets deleted since included.
    pub listed: Vec<String>,
}

/// One table read from a sheet.
#[derive(Debug)]
pub struct ImportedProject {
    /// The sheet's name.
    pub sheet: String,
    /// The file it came from, from the hidden sheet (`projects/01-x.toml`).
    pub file: Option<String>,
    /// The table.
    pub project: Project,
}

/// Reads the workbook at `path` with the forms of `forms`.
pub fn read_workbook(path: &Path, forms: &Registry) -> Result<Imported> {
    read_workbook_with(path, forms, None)
}

/// Reads the workbook at `path` with the forms of `forms`; a table whose
/// form the workbook does not name has the form of its 文本 sheet, else
/// `default_form` (the form of the document it is imported into), else
/// hebei.
pub fn read_workbook_with(
    path: &Path,
    forms: &Registry,
    default_form: Option<&str>,
) -> Result<Imported> {
    // calamine is not known to panic on a damaged file, but the reading of
    // any file must end in a message, never in a crash.
    let read = std::panic::AssertUnwindSafe(|| read_in(path, forms, default_form));
    std::panic::catch_unwind(read).unwrap_or_else(|_| {
        Err(located(path, "工作簿无法读取（文件已损坏）")
            .with_hint(NOT_BOOK_HINT)
            .into())
    })
}

fn read_in(path: &Path, forms: &Registry, default_form: Option<&str>) -> Result<Imported> {
    let bytes = read_bounded(path)?;
    let fail = |m: String, h: &str| Diagnostics::from(located(path, &m).with_hint(h));
    let mut ods_merges = ods::Merges::new();
    if bytes.starts_with(b"PK") {
        check_zip(&bytes)
            .map_err(|m| fail(m, "请确认这是用 Excel、WPS 或 LibreOffice 保存的工作簿"))?;
        ods_merges = ods::scan(&bytes).map_err(|m| fail(m, TOO_BIG_HINT))?;
    } else if is_encrypted_ole(&bytes) {
        return Err(fail(
            "工作簿有密码保护（已加密），无法读取".into(),
            ENCRYPTED_HINT,
        ));
    } else {
        xls::check(&bytes).map_err(|m| fail(m, TOO_BIG_HINT))?;
    }
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes))
        .map_err(|e| open_error(path, &e))?;
    let mut reading = Reading::new(path, forms);
    reading.ods_merges = ods_merges;
    reading.fallback_form = default_form.map(str::to_string);
    let names: Vec<String> = book
        .sheets_metadata()
        .iter()
        .filter(|s| s.typ == calamine::SheetType::WorkSheet)
        .map(|s| s.name.clone())
        .collect();
    let metas = match names.iter().any(|n| n == META_SHEET) {
        true => meta_rows(&reading.grid(&mut book, META_SHEET)?),
        false => Vec::new(),
    };
    reading.out.listed = metas
        .iter()
        .map(|(_, m)| m.file.trim().to_string())
        .filter(|f| !f.is_empty())
        .collect();
    reading.metas = metas;
    if names.iter().any(|n| n == DOC_SHEET) {
        let g = reading.grid(&mut book, DOC_SHEET)?;
        reading.document(&g);
    }
    for name in names.iter().filter(|n| *n != META_SHEET && *n != DOC_SHEET) {
        let g = reading.grid(&mut book, name)?;
        reading.sheet(&g);
    }
    reading.finish()
}

const TOO_BIG_HINT: &str =
    "绩效目标表不会有这么多行列；请删去多余的行列（或另存只含表格的工作表）后再导入";
const ENCRYPTED_HINT: &str =
    "在 Excel 或 WPS 中打开它（输入密码），在“文件 → 信息 → 保护工作簿”中删去密码后另存，再导入";
const NOT_BOOK_HINT: &str = "jixiao import 读取 .xlsx、.xls、.ods 工作簿；请在 Excel、WPS 或 LibreOffice 中打开并另存为 .xlsx 后再导入";

/// A diagnostic whose message starts with the workbook's path.
fn located(path: &Path, message: &str) -> Diagnostic {
    Diagnostic::error(format!("{}：{message}", display_path(path)))
}

/// The file's bytes, refusing a missing, special or huge file.
fn read_bounded(path: &Path) -> Result<Vec<u8>> {
    let meta = std::fs::metadata(path)
        .map_err(|e| crate::report::diag::io_error("读取工作簿", path, &e))?;
    if !meta.is_file() {
        return Err(located(path, "不是文件").with_hint(NOT_BOOK_HINT).into());
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(located(
            path,
            &format!(
                "工作簿有 {} MB，超过 {} MB 的上限",
                meta.len() >> 20,
                MAX_FILE_BYTES >> 20
            ),
        )
        .with_hint("绩效目标表的工作簿通常不到 1 MB；请删去无关的工作表和图片后另存")
        .into());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES).read_to_end(&mut bytes))
        .map_err(|e| crate::report::diag::io_error("读取工作簿", path, &e))?;
    Ok(bytes)
}

/// Refuses a zip whose parts would unpack past the bounds (a zip bomb).
fn check_zip(bytes: &[u8]) -> std::result::Result<(), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|_| "不是有效的工作簿（压缩包已损坏或不完整）".to_string())?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let f = zip
            .by_index_raw(i)
            .map_err(|_| "不是有效的工作簿（压缩包已损坏或不完整）".to_string())?;
        let (size, packed) = (f.size(), f.compressed_size().max(1));
        total = total.saturating_add(size);
        if total > MAX_UNPACKED_BYTES || (size > 1 << 20 && size / packed > MAX_RATIO) {
            return Err(format!(
                "工作簿解压后过大（其中“{}”解压后 {} MB），疑为压缩炸弹，未读取",
                f.name().unwrap_or_default(),
                size >> 20
            ));
        }
    }
    Ok(())
}

/// Whether the bytes are an OLE file holding an encrypted package (a
/// password-protected .xlsx) or encryption information.
fn is_encrypted_ole(bytes: &[u8]) -> bool {
    const OLE: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    let utf16 = |s: &str| {
        s.encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect::<Vec<u8>>()
    };
    let needle = utf16("EncryptionInfo");
    bytes.starts_with(OLE) && bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

fn open_error(path: &Path, e: &calamine::Error) -> Diagnostics {
    let password = matches!(
        e,
        calamine::Error::Xlsx(calamine::XlsxError::Password)
            | calamine::Error::Xls(calamine::XlsError::Password)
    );
    let d = match password {
        true => located(path, "工作簿有密码保护（已加密），无法读取").with_hint(ENCRYPTED_HINT),
        false => located(
            path,
            "不是可以读取的工作簿（文件已损坏、不完整或不是 Excel/WPS/ODS 格式）",
        )
        .with_hint(NOT_BOOK_HINT),
    };
    d.into()
}

/// The rows of the hidden sheet, with their row index.
fn meta_rows(g: &Grid) -> Vec<(u32, SheetMeta)> {
    let text = |r, c| {
        g.raw(r, c)
            .map(|v| project::text_of(v, crate::input::form::Kind::Text))
            .unwrap_or_default()
    };
    (1..g.height)
        .map(|r| {
            let meta = SheetMeta {
                sheet: text(r, 0),
                file: text(r, 1),
                settings: text(r, 2),
            };
            (r, meta)
        })
        .filter(|(_, m)| !m.sheet.is_empty())
        .collect()
}

/// The most warnings of content not imported listed per sheet.
const MAX_STRAY: usize = 20;

/// The state of one import.
struct Reading<'a> {
    path: &'a Path,
    forms: &'a Registry,
    metas: Vec<(u32, SheetMeta)>,
    /// The form of the document imported into, for tables naming none.
    fallback_form: Option<String>,
    out: Imported,
    errors: Vec<Diagnostic>,
    /// How many more cells may be read ([`grid::MAX_CELLS`] in all).
    room: usize,
    /// The merges and number formats of each sheet of an .ods.
    ods_merges: ods::Merges,
}

impl<'a> Reading<'a> {
    fn new(path: &'a Path, forms: &'a Registry) -> Self {
        Reading {
            path,
            forms,
            metas: Vec::new(),
            fallback_form: None,
            out: Imported {
                document: None,
                projects: Vec::new(),
                skipped: Vec::new(),
                warnings: Vec::new(),
                listed: Vec::new(),
            },
            errors: Vec::new(),
            room: grid::MAX_CELLS,
            ods_merges: ods::Merges::new(),
        }
    }

    /// One sheet's grid; a sheet too big or unreadable stops the import.
    fn grid<RS: std::io::Read + std::io::Seek>(
        &mut self,
        book: &mut Sheets<RS>,
        name: &str,
    ) -> Result<Grid> {
        let ods = self.ods_merges.get(name);
        let read = match book {
            Sheets::Xlsx(x) => grid::read_xlsx(x, name, self.room),
            other => grid::read_other(other, name, self.room, ods),
        };
        if let Ok(g) = &read {
            self.room = self.room.saturating_sub(g.len());
        }
        read.map_err(|e| {
            let d = match e {
                GridError::TooBig(m) => located(self.path, &m).with_hint(TOO_BIG_HINT),
                GridError::Read(m) => located(self.path, &format!("工作表“{name}”无法读取（{m}）"))
                    .with_hint(NOT_BOOK_HINT),
            };
            Diagnostics::from(d)
        })
    }

    fn meta(&self, sheet: &str) -> Option<&SheetMeta> {
        self.metas
            .iter()
            .find(|(_, m)| m.sheet == sheet)
            .map(|(_, m)| m)
    }

    /// The hidden sheet's row of `sheet`, as 1-based row number.
    fn meta_row(&self, sheet: &str) -> u32 {
        self.metas
            .iter()
            .find(|(_, m)| m.sheet == sheet)
            .map_or(0, |(r, _)| r + 1)
    }

    fn error(&mut self, message: &str, hint: &str) {
        self.errors
            .push(located(self.path, message).with_hint(hint));
    }

    /// The 文本 sheet.
    fn document(&mut self, g: &Grid) {
        let settings = self
            .meta(DOC_SHEET)
            .map(|m| m.settings.clone())
            .unwrap_or_default();
        match document::read(g, &settings) {
            Ok(d) => self.out.document = Some(d),
            Err((m, h)) => self.error(&m, &h),
        }
    }

    fn doc_labels(&self) -> Labels {
        self.out
            .document
            .as_ref()
            .map(|d| d.labels.clone())
            .unwrap_or_default()
    }

    /// The form of a sheet: the hidden sheet's (a row without `form` is a
    /// table of the document's form, as its file did not name one), else
    /// the best fitting.
    fn form_of(&mut self, g: &Grid, settings: Option<&toml::Table>) -> Option<(Arc<Form>, bool)> {
        if let Some(settings) = settings {
            let (name, written) = match settings.get("form").and_then(toml::Value::as_str) {
                Some(name) => (name.to_string(), true),
                None => (self.default_form(), false),
            };
            return match self.forms.get(&name) {
                Some(f) => Some((f.clone(), written)),
                None => {
                    let mut d = crate::input::load::unknown_form(&name, self.forms, None);
                    d.label = None;
                    d.message = format!(
                        "{}：{META_SHEET}!C{}：工作表“{}”的{}",
                        display_path(self.path),
                        self.meta_row(&g.name),
                        g.name,
                        d.message
                    );
                    self.errors.push(d);
                    None
                }
            };
        }
        let labels = self.doc_labels();
        let best = self
            .forms
            .iter()
            .map(|f| (labels::score(g, f, &labels), f))
            .fold(
                None,
                |best: Option<((usize, f64), &Arc<Form>)>, (s, f)| match best {
                    Some((b, _)) if (b.0, b.1) >= (s.0, s.1) => best,
                    _ => Some((s, f)),
                },
            )?;
        let default = self.default_form();
        (best.0.0 >= 3).then(|| (best.1.clone(), best.1.name != default))
    }

    /// The form of tables whose file names none: the imported document's,
    /// else that of the document imported into, else hebei.
    fn default_form(&self) -> String {
        self.out
            .document
            .as_ref()
            .and_then(|d| d.form.clone())
            .or_else(|| self.fallback_form.clone())
            .unwrap_or_else(|| DEFAULT_FORM.to_string())
    }

    /// One sheet: a table, or skipped.
    fn sheet(&mut self, g: &Grid) {
        let meta = self.meta(&g.name).cloned();
        let settings: toml::Table = match meta.as_ref().map(|m| m.settings.parse::<toml::Table>()) {
            Some(Err(e)) => {
                let m = format!(
                    "隐藏工作表 jixiao 中工作表“{}”的设置无法读取：{}",
                    g.name,
                    e.message()
                );
                self.error(
                    &m,
                    "请勿手工改动隐藏的 jixiao 工作表；删去这一行即按标签读取",
                );
                return;
            }
            Some(Ok(t)) => t,
            None => toml::Table::new(),
        };
        let Some((form, written)) = self.form_of(g, meta.is_some().then_some(&settings)) else {
            self.out.skipped.push(g.name.clone());
            return;
        };
        let found = labels::hits(g, &labels::Catalogue::new(&form, &self.doc_labels()));
        if let Some((m, h)) = labels::twice(g, &form, &found) {
            self.error(&m, &h);
            return;
        }
        let read = project::read(g, &form, &self.doc_labels());
        let money_unit = self.out.document.as_ref().map_or("万元", |d| &d.money_unit);
        if let Some((m, h)) = read.unit_warning(money_unit) {
            let d = Diagnostic::warning(format!("{}：{m}", display_path(self.path)));
            self.out.warnings.push(d.with_hint(h));
        }
        for (m, h) in read.errors {
            self.error(&m, &h);
        }
        for (m, h) in read.notes {
            let d = Diagnostic::warning(format!("{}：{m}", display_path(self.path)));
            self.out.warnings.push(d.with_hint(h));
        }
        self.stray(&g.name, read.warnings);
        let mut project = read.project;
        project.form_written = written;
        self.apply(&mut project, &settings, &g.name);
        let file = meta.map(|m| m.file).filter(|f| !f.trim().is_empty());
        self.out.projects.push(ImportedProject {
            sheet: g.name.clone(),
            file,
            project,
        });
    }

    /// A sheet's warnings of content not imported: the first
    /// [`MAX_STRAY`], then one line counting the others.
    fn stray(&mut self, sheet: &str, warnings: Vec<String>) {
        let more = warnings.len().saturating_sub(MAX_STRAY);
        for w in warnings.into_iter().take(MAX_STRAY) {
            self.out.warnings.push(
                Diagnostic::warning(format!("{}：{w}", display_path(self.path)))
                    .with_hint("若它属于表格，请把它放在表样对应的标签旁；否则可忽略"),
            );
        }
        if more > 0 {
            self.out.warnings.push(Diagnostic::warning(format!(
                "{}：工作表“{sheet}”另有 {more} 处未导入的内容",
                display_path(self.path)
            )));
        }
    }

    /// The hidden sheet's settings: `[check]`, and `title`/`[labels]` if set.
    fn apply(&mut self, p: &mut Project, settings: &toml::Table, sheet: &str) {
        if let Some(check) = settings.get("check") {
            match check.clone().try_into::<ProjectCheck>() {
                Ok(c) => p.check = c,
                Err(e) => self.error(
                    &format!(
                        "隐藏工作表 jixiao 中工作表“{sheet}”的 [check] 写得不对：{}",
                        e.message()
                    ),
                    "请勿手工改动隐藏的 jixiao 工作表",
                ),
            }
        }
        if let Some(t) = settings.get("title").and_then(toml::Value::as_str) {
            p.title = Some(t.to_string());
        }
        if let Some(labels) = settings.get("labels").and_then(toml::Value::as_table) {
            for (k, v) in labels {
                if let Some(v) = v.as_str() {
                    p.labels.insert(k.clone(), v.to_string());
                }
            }
        }
    }

    fn finish(mut self) -> Result<Imported> {
        if self.errors.is_empty() {
            return Ok(self.out);
        }
        self.errors.append(&mut self.out.warnings);
        Err(Diagnostics(self.errors))
    }
}
