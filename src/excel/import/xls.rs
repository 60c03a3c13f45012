//! A first pass over an .xls, before calamine opens it: calamine builds
//! every sheet's full rectangle, from its first to its last cell, at once,
//! so two cells far apart in a tiny file cost gigabytes. The Workbook
//! stream is taken out of the OLE file and the cell records of each sheet
//! are measured; a sheet past the grid bounds is refused.

use super::grid::{MAX_CELLS, MAX_COLS, MAX_ROWS};
use crate::excel::a1;

const END: u32 = 0xFFFF_FFFE;

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
}

/// The OLE file's sectors and allocation table.
struct Ole<'a> {
    bytes: &'a [u8],
    size: usize,
    fat: Vec<u32>,
}

impl Ole<'_> {
    fn sector(&self, n: u32) -> Option<&[u8]> {
        let start = (n as usize + 1).checked_mul(self.size)?;
        self.bytes.get(start..start + self.size)
    }

    /// The chain of sectors from `first`, at most as long as the table.
    fn chain(&self, first: u32, table: &[u32]) -> Vec<u32> {
        let mut out = Vec::new();
        let mut n = first;
        while n != END && (n as usize) < table.len() && out.len() < table.len() {
            out.push(n);
            n = table[n as usize];
        }
        out
    }

    fn read(&self, first: u32) -> Vec<u8> {
        let mut out = Vec::new();
        for n in self.chain(first, &self.fat) {
            if let Some(s) = self.sector(n) {
                out.extend_from_slice(s);
            }
        }
        out
    }
}

/// The Workbook stream of an OLE file, if it can be found.
fn workbook_stream(bytes: &[u8]) -> Option<Vec<u8>> {
    let (shift, mini_shift) = (u16_at(bytes, 0x1E)?, u16_at(bytes, 0x20)?);
    if !(7..=16).contains(&shift) || !(2..=16).contains(&mini_shift) {
        return None;
    }
    let (size, mini_size) = (1usize << shift, 1usize << mini_shift);
    let mut difat: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
        .collect();
    let mut ole = Ole {
        bytes,
        size,
        fat: Vec::new(),
    };
    let mut next = u32_at(bytes, 0x44)?;
    for _ in 0..u32_at(bytes, 0x48)?.min(1 << 16) {
        let Some(s) = ole.sector(next) else { break };
        let ids: Vec<u32> = s
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect();
        let (last, ids) = ids.split_last()?;
        difat.extend_from_slice(ids);
        next = *last;
    }
    let mut fat = Vec::new();
    for &n in difat.iter().filter(|&&n| n < END - 1) {
        if let Some(s) = ole.sector(n) {
            fat.extend(
                s.chunks_exact(4)
                    .map(|c| u32::from_le_bytes(c.try_into().unwrap_or_default())),
            );
        }
    }
    ole.fat = fat;
    let dir = ole.read(u32_at(bytes, 0x30)?);
    let entries: Vec<&[u8]> = dir.chunks_exact(128).collect();
    let name = |e: &[u8]| {
        let len = (u16_at(e, 64).unwrap_or(0) as usize).min(64);
        let units: Vec<u16> = e[..len]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16_lossy(&units)
            .trim_end_matches('\0')
            .to_string()
    };
    let book = entries
        .iter()
        .find(|e| matches!(name(e).as_str(), "Workbook" | "Book"))?;
    let (start, len) = (u32_at(book, 116)?, u32_at(book, 120)? as usize);
    let cutoff = u32_at(bytes, 0x38)? as usize;
    let mut data = if len < cutoff {
        let root = entries.first()?;
        let mini = ole.read(u32_at(root, 116)?);
        let minifat: Vec<u32> = ole
            .read(u32_at(bytes, 0x3C)?)
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap_or_default()))
            .collect();
        let mut out = Vec::new();
        for n in ole.chain(start, &minifat) {
            let at = n as usize * mini_size;
            out.extend_from_slice(mini.get(at..at + mini_size)?);
        }
        out
    } else {
        ole.read(start)
    };
    data.truncate(len);
    Some(data)
}

/// Refuses an .xls whose sheets hold cells past the grid bounds, or
/// rectangles (first to last cell) over [`MAX_CELLS`] cells in all. A
/// file whose stream cannot be found is left to calamine.
pub(crate) fn check(bytes: &[u8]) -> Result<(), String> {
    let Some(stream) = workbook_stream(bytes) else {
        return Ok(());
    };
    let (mut sheet, mut total) = (0usize, 0u64);
    let mut names = Vec::new();
    let mut used: Option<(u32, u32, u32, u32)> = None;
    let mut i = 0;
    while let (Some(kind), Some(len)) = (u16_at(&stream, i), u16_at(&stream, i + 2)) {
        let body = stream.get(i + 4..i + 4 + len as usize).unwrap_or_default();
        i += 4 + len as usize;
        let (row, first, last) = match kind {
            0x0809 => {
                sheet += 1;
                used = None;
                continue;
            }
            0x0085 => {
                names.push(sheet_name(body));
                continue;
            }
            // LABELSST, NUMBER, RK, BLANK, FORMULA, BOOLERR, LABEL, RSTRING
            0x00FD | 0x0203 | 0x027E | 0x0201 | 0x0006 | 0x0205 | 0x0204 | 0x00D6 => {
                let c = u16_at(body, 2).unwrap_or(0);
                (u16_at(body, 0).unwrap_or(0), c, c)
            }
            // MULRK, MULBLANK: row, first column, ..., last column
            0x00BD | 0x00BE => (
                u16_at(body, 0).unwrap_or(0),
                u16_at(body, 2).unwrap_or(0),
                u16_at(body, body.len().saturating_sub(2)).unwrap_or(0),
            ),
            _ => continue,
        };
        let (row, first, last) = (u32::from(row), u32::from(first), u32::from(last.max(first)));
        let at = || match names.get(sheet.saturating_sub(2)) {
            Some(name) => format!("工作表“{name}”的 {}", a1(row, last)),
            None => format!(
                "第 {} 张工作表的 {}",
                sheet.saturating_sub(1),
                a1(row, last)
            ),
        };
        if row >= MAX_ROWS || last >= MAX_COLS {
            return Err(format!(
                "{}有内容，超过 {MAX_ROWS} 行或 {MAX_COLS} 列的上限",
                at()
            ));
        }
        let before = used.map_or(0, area);
        let u = used.get_or_insert((row, first, row, last));
        *u = (u.0.min(row), u.1.min(first), u.2.max(row), u.3.max(last));
        total = total + area(*u) - before;
        if total > MAX_CELLS as u64 {
            return Err(format!(
                "工作表从第一个到最后一个单元格（到{}为止）超过 {MAX_CELLS} 个单元格的上限",
                at()
            ));
        }
    }
    Ok(())
}

/// The name a BOUNDSHEET record gives (8-bit or UTF-16 characters).
fn sheet_name(body: &[u8]) -> String {
    let len = body.get(6).copied().unwrap_or(0) as usize;
    let wide = body.get(7).is_some_and(|f| f & 1 == 1);
    let chars = body.get(8..).unwrap_or_default();
    match wide {
        true => {
            let units: Vec<u16> = chars
                .chunks_exact(2)
                .take(len)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        false => chars.iter().take(len).map(|&b| char::from(b)).collect(),
    }
}

fn area(u: (u32, u32, u32, u32)) -> u64 {
    u64::from(u.2 - u.0 + 1) * u64::from(u.3 - u.1 + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An OLE file of 512-byte sectors whose Workbook stream (4096 bytes,
    /// so outside the mini stream) holds a globals BOF, a sheet BOF and a
    /// NUMBER record at each of `cells`.
    fn xls(cells: &[(u16, u16)]) -> Vec<u8> {
        let mut stream = Vec::new();
        for _ in 0..2 {
            stream.extend_from_slice(&[0x09, 0x08, 16, 0]);
            stream.extend_from_slice(&[0; 16]);
        }
        for &(r, c) in cells {
            stream.extend_from_slice(&[0x03, 0x02, 14, 0]);
            stream.extend_from_slice(&r.to_le_bytes());
            stream.extend_from_slice(&c.to_le_bytes());
            stream.extend_from_slice(&[0; 10]);
        }
        stream.resize(4096, 0);
        let mut header = vec![0u8; 512];
        header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        let put = |h: &mut Vec<u8>, at: usize, v: &[u8]| h[at..at + v.len()].copy_from_slice(v);
        put(&mut header, 0x1E, &9u16.to_le_bytes());
        put(&mut header, 0x20, &6u16.to_le_bytes());
        put(&mut header, 0x2C, &1u32.to_le_bytes());
        put(&mut header, 0x30, &1u32.to_le_bytes());
        put(&mut header, 0x38, &4096u32.to_le_bytes());
        put(&mut header, 0x3C, &END.to_le_bytes());
        put(&mut header, 0x44, &END.to_le_bytes());
        for i in 0..109 {
            put(&mut header, 0x4C + 4 * i, &u32::MAX.to_le_bytes());
        }
        put(&mut header, 0x4C, &0u32.to_le_bytes());
        let mut fat = vec![0xFFFF_FFFDu32, END];
        fat.extend(3..10);
        fat.push(END);
        fat.resize(128, u32::MAX);
        let mut dir = vec![0u8; 512];
        let entry = |d: &mut Vec<u8>, i: usize, name: &str, kind: u8, start: u32, size: u32| {
            let e = &mut d[i * 128..(i + 1) * 128];
            let units: Vec<u8> = name.encode_utf16().flat_map(u16::to_le_bytes).collect();
            e[..units.len()].copy_from_slice(&units);
            e[64..66].copy_from_slice(&(units.len() as u16 + 2).to_le_bytes());
            e[66] = kind;
            e[116..120].copy_from_slice(&start.to_le_bytes());
            e[120..124].copy_from_slice(&size.to_le_bytes());
        };
        entry(&mut dir, 0, "Root Entry", 5, END, 0);
        entry(&mut dir, 1, "Workbook", 2, 2, 4096);
        let mut out = header;
        out.extend(fat.iter().flat_map(|n| n.to_le_bytes()));
        out.extend(dir);
        out.extend(stream);
        out
    }

    #[test]
    fn cells_far_apart_are_refused_before_calamine_reads_them() {
        assert_eq!(workbook_stream(&xls(&[])).map(|s| s.len()), Some(4096));
        assert!(check(&xls(&[(0, 0), (99, 9)])).is_ok());
        let e = check(&xls(&[(0, 0), (65_535, 255)])).unwrap_err();
        assert!(e.contains("第 1 张工作表的 IV65536"), "{e}");
        let e = check(&xls(&[(0, 0), (49_999, 199)])).unwrap_err();
        assert!(e.contains("2000000"), "{e}");
    }
}
