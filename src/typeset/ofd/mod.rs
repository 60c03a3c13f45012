//! OFD export (GB/T 33190-2016): the same typeset pages as the PDF written
//! as an OFD package, a zip of XML parts with the fonts embedded as
//! subsets. Text stays text (characters, positions, glyph advances), so it
//! is selectable and searchable; the outline, the page labels and the
//! document's title, author and date match the PDF's. The bytes depend on the pages only.

mod cmap;
mod fonts;
mod images;
mod labels;
mod outline;
mod page;
mod xml;

use std::io::{Cursor, Write};

use typst::layout::Size;
use typst::model::Document;
use typst_layout::PagedDocument;

use self::xml::{DECLARATION, NS, escape, mm};
use crate::input::stamp::BuildDate;
use crate::report::diag::{Diagnostic, Result};

/// The document's folder inside the package.
const DOC: &str = "Doc_0";

/// The IDs of a package's objects (pages, fonts, layers, graphic objects),
/// counted from 1 so each is unique in the document.
pub(super) struct Ids(u64);

impl Ids {
    /// The next unused ID.
    pub(super) fn next(&mut self) -> u64 {
        self.0 += 1;
        self.0
    }
}

/// Encodes a document as an OFD package, dated `date` if there is one.
pub fn ofd(document: &PagedDocument, date: Option<&BuildDate>) -> Result<Vec<u8>> {
    let mut ids = Ids(0);
    let page_ids: Vec<u64> = document.pages().iter().map(|_| ids.next()).collect();
    let mut fonts = fonts::Fonts::default();
    let mut images = images::Images::default();
    let contents: Vec<String> = document
        .pages()
        .iter()
        .map(|p| page::content(&p.frame, &mut fonts, &mut images, &mut ids))
        .collect();
    let resources = images.resources();
    let extensions = labels::extensions(&labels::labels(document), &page_ids);
    let mut parts = vec![
        ("OFD.xml".to_string(), ofd_xml(document, date).into_bytes()),
        (
            format!("{DOC}/Document.xml"),
            document_xml(
                document,
                &page_ids,
                ids.0,
                Parts {
                    document_res: resources.is_some(),
                    extensions: extensions.is_some(),
                },
            )
            .into_bytes(),
        ),
        (
            format!("{DOC}/PublicRes.xml"),
            public_res(&fonts.entries()).into_bytes(),
        ),
    ];
    if let Some(xml) = resources {
        parts.push((format!("{DOC}/{}", images::PATH), xml.into_bytes()));
    }
    if let Some(xml) = extensions {
        parts.push((format!("{DOC}/{}", labels::PATH), xml.into_bytes()));
    }
    for file in fonts.files()? {
        parts.push((format!("{DOC}/Res/{}", file.name), file.bytes));
    }
    for (name, bytes) in images.files() {
        parts.push((format!("{DOC}/Res/{name}"), bytes));
    }
    for (i, content) in contents.into_iter().enumerate() {
        parts.push((page_path(i), content.into_bytes()));
    }
    package(parts)
}

/// Page `i`'s content, inside the document folder.
fn page_path(i: usize) -> String {
    format!("{DOC}/Pages/Page_{i}/Content.xml")
}

/// `OFD.xml`: the document's metadata and where its root is.
fn ofd_xml(document: &PagedDocument, date: Option<&BuildDate>) -> String {
    let info = document.info();
    let title = info.title.as_deref().unwrap_or_default();
    let author = info.author.join("、");
    // Like the PDF's document ID: derived from title and author only.
    let id = typst::utils::hash128(&(title, &author));
    let mut fields = format!("<ofd:DocID>{id:032x}</ofd:DocID>");
    if !title.is_empty() {
        fields.push_str(&format!("<ofd:Title>{}</ofd:Title>", escape(title)));
    }
    if !author.is_empty() {
        fields.push_str(&format!("<ofd:Author>{}</ofd:Author>", escape(&author)));
    }
    if let Some(day) = date.and_then(BuildDate::iso_date) {
        fields.push_str(&format!("<ofd:CreationDate>{day}</ofd:CreationDate>"));
    }
    format!(
        "{DECLARATION}<ofd:OFD xmlns:ofd=\"{NS}\" Version=\"1.0\" DocType=\"OFD\"><ofd:DocBody><ofd:DocInfo>{fields}<ofd:Creator>jixiao</ofd:Creator><ofd:CreatorVersion>{}</ofd:CreatorVersion></ofd:DocInfo><ofd:DocRoot>{DOC}/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>\n",
        env!("CARGO_PKG_VERSION"),
    )
}

/// Which optional parts a package has.
struct Parts {
    /// `DocumentRes.xml` (the images).
    document_res: bool,
    /// `Extensions.xml` (the page labels).
    extensions: bool,
}

/// `Document.xml`: the page area, the resources, the pages, the outline and
/// where the optional parts are.
fn document_xml(document: &PagedDocument, page_ids: &[u64], max_id: u64, parts: Parts) -> String {
    let size = document
        .pages()
        .first()
        .map_or(Size::zero(), |p| p.frame.size());
    let mut pages = String::new();
    for (i, id) in page_ids.iter().enumerate() {
        let path = page_path(i);
        let local = path.trim_start_matches(&format!("{DOC}/"));
        pages.push_str(&format!("<ofd:Page ID=\"{id}\" BaseLoc=\"{local}\"/>\n"));
    }
    let document_res = if parts.document_res {
        format!("<ofd:DocumentRes>{}</ofd:DocumentRes>", images::PATH)
    } else {
        String::new()
    };
    // Extensions come last among a document's parts (the schema's order).
    let extensions = if parts.extensions {
        format!("<ofd:Extensions>{}</ofd:Extensions>\n", labels::PATH)
    } else {
        String::new()
    };
    format!(
        "{DECLARATION}<ofd:Document xmlns:ofd=\"{NS}\"><ofd:CommonData><ofd:MaxUnitID>{max_id}</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 {} {}</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>{document_res}</ofd:CommonData>\n<ofd:Pages>\n{pages}</ofd:Pages>\n{}{extensions}</ofd:Document>\n",
        mm(size.x),
        mm(size.y),
        outline::outlines(document, page_ids),
    )
}

/// `PublicRes.xml`: the fonts, whose files are in `Res/`.
fn public_res(fonts: &str) -> String {
    format!(
        "{DECLARATION}<ofd:Res xmlns:ofd=\"{NS}\" BaseLoc=\"Res\"><ofd:Fonts>\n{fonts}</ofd:Fonts></ofd:Res>\n"
    )
}

/// The zip of the parts, in the order given, with fixed timestamps and
/// permissions so equal parts give equal bytes.
fn package(parts: Vec<(String, Vec<u8>)>) -> Result<Vec<u8>> {
    let failed = |e: &dyn std::fmt::Display| Diagnostic::error(format!("OFD 打包失败：{e}"));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, bytes) in parts {
        zip.start_file(name, options).map_err(|e| failed(&e))?;
        zip.write_all(&bytes).map_err(|e| failed(&e))?;
    }
    Ok(zip.finish().map_err(|e| failed(&e))?.into_inner())
}
