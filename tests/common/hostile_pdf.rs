//! Hostile PDFs written byte by byte, for the `textconv` limits (issue 8,
//! item 4): shared by `tests/textconv_hostile.rs` and `benches/hostile.rs`
//! through `#[path]`, so no binary file is committed.

#![allow(dead_code)]

use std::io::Write;

/// A PDF file with one page; `objects[i]` is object `i + 4` (objects 1-3
/// are the catalog, the page tree and the page). The page draws
/// `content` and has `/X` bound to object 5 in its XObject resources.
pub fn one_page(content_dict: &str, content: &[u8], objects: &[Vec<u8>]) -> Vec<u8> {
    let mut all: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
           /Resources << /XObject << /X 5 0 R >> >> /Contents 4 0 R >>"
            .to_vec(),
        stream(content_dict, content),
    ];
    all.extend(objects.iter().cloned());
    file(&all)
}

/// `<< dict /Length n >> stream … endstream`.
pub fn stream(dict: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< {dict} /Length {} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

/// Numbers the objects from 1 and writes header, bodies, xref and trailer.
fn file(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        writeln!(out, "{} 0 obj", i + 1).unwrap();
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    write!(out, "xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).unwrap();
    for o in offsets {
        writeln!(out, "{o:010} 00000 n ").unwrap();
    }
    write!(
        out,
        "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
        objects.len() + 1
    )
    .unwrap();
    out
}

/// A content stream of `depth` nested `[` (the parser recurses per level).
pub fn nested_arrays(depth: usize) -> Vec<u8> {
    one_page("", &vec![b'['; depth], &[])
}

/// A content stream that inflates to `decoded_mb` MB of spaces (about
/// 1 KB of zlib data per MB, the best deflate can do).
pub fn flate_bomb(decoded_mb: usize) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    let chunk = vec![b' '; 1 << 20];
    for _ in 0..decoded_mb {
        z.write_all(&chunk).unwrap();
    }
    one_page("/Filter /FlateDecode", &z.finish().unwrap(), &[])
}

/// Form XObjects `levels` deep, each drawing the next twice: 2^levels
/// rectangles from a file of a few KB.
pub fn nested_forms(levels: usize) -> Vec<u8> {
    let forms: Vec<Vec<u8>> = (0..levels)
        .map(|i| {
            let next = i + 6;
            let body: &[u8] = if i + 1 == levels {
                b"0 0 1 1 re f"
            } else {
                b"/X Do /X Do"
            };
            let dict = format!(
                "/Type /XObject /Subtype /Form /BBox [0 0 10 10] \
                 /Resources << /XObject << /X {next} 0 R >> >>"
            );
            stream(&dict, body)
        })
        .collect();
    one_page("", b"/X Do", &forms)
}
