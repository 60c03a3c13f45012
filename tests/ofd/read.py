"""Reads an OFD package with easyofd (https://pypi.org/project/easyofd/),
a reader jixiao's authors did not write, and prints what the tests compare
with the PDF, as JSON on the last line of standard output:

- "pages": each page's text, its text objects in reading order;
- "info": OFD.xml's DocInfo (Title, Author, CreationDate, ...);
- "outline": the outline as [title, depth, page index] in document order;
- "labels": each page's label (its PageLabel extension property) or null;
- with --pdf FILE.pdf: that PDF's outline (bookmarks) read by PyMuPDF, in
  the same form, as "pdf_outline";
- with --glyphs FONTDIR: each character of a one-to-one CGTransform
  checked with fontTools: the subset glyph it names must draw the outline
  the original font in FONTDIR (matched by PostScript name) maps the
  character to; "glyphs" is [checked, [mismatches]];
- with --runs: what ofdkit (https://pypi.org/project/ofdkit/, a second
  reader) reads: "runs", each page's text runs as [text, x, y, size] (the
  first character's baseline origin on the page and the font size, in
  mm, through each object's Boundary and CTM), and "ofdkit_info";
- with --render DIR: every page's paths rendered by easyofd (OFD -> PDF
  with reportlab, then PyMuPDF) to DIR/page-N.png at 1 pixel per point;
  with --song FONT.otf too, its text as well, drawn in FONT made easyofd's
  宋体 (see install_song).

Usage: read.py FILE.ofd [--pdf FILE.pdf] [--glyphs FONTDIR] [--runs]
               [--render DIR [--song FONT]]
"""

import json
import os
import sys
import tempfile
import zipfile

import xmltodict
from easyofd import OFD


def as_list(value):
    """xmltodict gives one child as a dict and several as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def pages_text(ofd):
    doc = ofd.data[0]
    out = []
    for number in sorted(doc["page_info"]):
        texts = doc["page_info"][number]["text_list"]
        out.append("".join(t["text"] for t in texts))
    return out


def labels(z, doc_root, document, index):
    """Each page's PageLabel extension property, or None."""
    found = [None] * len(index)
    loc = document.get("ofd:Extensions")
    if not loc:
        return found
    part = os.path.join(os.path.dirname(doc_root), loc)
    extensions = xmltodict.parse(z.read(part))["ofd:Extensions"]
    for ext in as_list(extensions.get("ofd:Extension")):
        for prop in as_list(ext.get("ofd:Property")):
            if prop["@Name"] == "PageLabel":
                found[index[ext["@RefId"]]] = prop.get("#text", "")
    return found


def outline(path):
    """Outline titles with their depth and the index of the page they go
    to, DocInfo, and the page labels."""
    with zipfile.ZipFile(path) as z:
        root = xmltodict.parse(z.read("OFD.xml"))
        doc_root = root["ofd:OFD"]["ofd:DocBody"]["ofd:DocRoot"]
        document = xmltodict.parse(z.read(doc_root))["ofd:Document"]
        pages = as_list(document["ofd:Pages"]["ofd:Page"])
        index = {p["@ID"]: i for i, p in enumerate(pages)}
        page_labels = labels(z, doc_root, document, index)
    found = []

    def walk(elems, depth):
        for elem in as_list(elems):
            action = as_list(elem["ofd:Actions"]["ofd:Action"])[0]
            dest = action["ofd:Goto"]["ofd:Dest"]
            found.append([elem["@Title"], depth, index[dest["@PageID"]]])
            walk(elem.get("ofd:OutlineElem"), depth + 1)

    walk((document.get("ofd:Outlines") or {}).get("ofd:OutlineElem"), 0)
    return found, root["ofd:OFD"]["ofd:DocBody"]["ofd:DocInfo"], page_labels


def pdf_outline(path):
    import fitz  # PyMuPDF, installed with easyofd

    return [[title, level - 1, page - 1] for level, title, page in fitz.open(path).get_toc()]


def glyphs(path, font_dir):
    import glob
    import io

    from fontTools.pens.recordingPen import DecomposingRecordingPen
    from fontTools.ttLib import TTFont

    def outline(font, name):
        glyph_set = font.getGlyphSet()
        pen = DecomposingRecordingPen(glyph_set)
        glyph_set[name].draw(pen)
        return [(op, [[round(v, 3) for v in p] for p in args]) for op, args in pen.value]

    originals = {}
    for file in glob.glob(os.path.join(font_dir, "*.otf")):
        font = TTFont(file)
        originals[font["name"].getDebugName(6)] = font
    z = zipfile.ZipFile(path)
    res = xmltodict.parse(z.read("Doc_0/PublicRes.xml"), force_list=("ofd:Font",))
    fonts = {}
    for f in res["ofd:Res"]["ofd:Fonts"]["ofd:Font"]:
        subset = TTFont(io.BytesIO(z.read("Doc_0/Res/" + f["ofd:FontFile"])))
        fonts[f["@ID"]] = (subset, originals[f["@FontName"]])
    checked, bad = 0, []
    lists = ("ofd:TextObject", "ofd:CGTransform")
    for name in z.namelist():
        if not name.endswith("/Content.xml"):
            continue
        layer = xmltodict.parse(z.read(name), force_list=lists)["ofd:Page"]["ofd:Content"]["ofd:Layer"]
        for obj in layer.get("ofd:TextObject", []):
            subset, original = fonts[obj["@Font"]]
            cmap = original.getBestCmap()
            text = obj["ofd:TextCode"].get("#text") or ""
            for cg in obj.get("ofd:CGTransform", []):
                at, count = int(cg["@CodePosition"]), int(cg["@CodeCount"])
                ids = [int(g) for g in cg["ofd:Glyphs"].split()]
                if count != int(cg["@GlyphCount"]):
                    continue
                for ch, gid in zip(text[at : at + count], ids):
                    if ord(ch) not in cmap:
                        continue
                    checked += 1
                    order = subset.getGlyphOrder()
                    want = outline(original, cmap[ord(ch)])
                    if gid >= len(order) or outline(subset, order[gid]) != want:
                        bad.append([name, ch, gid])
    return [checked, bad]


def ofdkit_runs(path):
    import ofdkit

    with ofdkit.open(path) as doc:
        pages = [
            [[r.text, round(r.x, 4), round(r.y, 4), round(r.size, 4)] for r in page.runs]
            for page in doc.pages
        ]
        info = doc.info
        return pages, {"title": info.title, "author": info.author, "date": info.creation_date}


def option(name):
    if name in sys.argv:
        return os.path.abspath(sys.argv[sys.argv.index(name) + 1])
    return None


def install_song(song, path, folder):
    """Makes SONG (a CFF OpenType font) easyofd's 宋体, as installing SimSun
    would: easyofd draws every text object in the installed font named 宋体
    (never in the embedded fonts), with reportlab, which reads TrueType
    outlines only. So SONG is cut to the characters of the OFD's text and
    its curves converted to quadratic ones (fontTools), then registered."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont as ReportlabFont

    text = set()
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith("/Content.xml"):
                text.update(z.read(name).decode("utf-8"))
    font = TTFont(song)
    cut = subset.Subsetter(subset.Options(notdef_outline=True))
    cut.populate(unicodes=[ord(c) for c in text])
    cut.subset(font)
    glyphs, glyph_set = {}, font.getGlyphSet()
    for name in font.getGlyphOrder():
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    for tag in ("CFF ", "VORG"):
        if tag in font:
            del font[tag]
    font["loca"] = newTable("loca")
    font["glyf"] = glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = font.getGlyphOrder(), glyphs
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for field in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                  "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions",
                  "maxComponentElements", "maxComponentDepth"):
        setattr(maxp, field, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 3.0
    font.sfntVersion = "\x00\x01\x00\x00"
    out = os.path.join(folder, "song.ttf")
    font.save(out)
    pdfmetrics.registerFont(ReportlabFont("宋体", out))


def render(ofd, folder, keep_text):
    import fitz  # PyMuPDF, installed with easyofd

    # Without a 宋体 (--song) every character fails to draw, slowly, a
    # caught exception each: the text is then left out.
    if not keep_text:
        for page in ofd.data[0]["page_info"].values():
            page["text_list"] = []
    pdf = fitz.open(stream=ofd.to_pdf(), filetype="pdf")
    # easyofd's PDF measures 200 units per inch; 72 of them make a point.
    matrix = fitz.Matrix(72 / 200, 72 / 200)
    for i, page in enumerate(pdf):
        page.get_pixmap(matrix=matrix, alpha=False).save(
            os.path.join(folder, f"page-{i + 1}.png")
        )
    return len(pdf)


def main():
    path = os.path.abspath(sys.argv[1])
    folder, pdf, font_dir = option("--render"), option("--pdf"), option("--glyphs")
    song = option("--song")
    # easyofd unpacks into the current folder: give it a scratch one.
    with tempfile.TemporaryDirectory(prefix="jixiao-easyofd-") as scratch:
        os.chdir(scratch)
        ofd = OFD()
        ofd.read(path, fmt="path")
        result = {"pages": pages_text(ofd)}
        result["outline"], result["info"], result["labels"] = outline(path)
        if pdf:
            result["pdf_outline"] = pdf_outline(pdf)
        if font_dir:
            result["glyphs"] = glyphs(path, font_dir)
        if "--runs" in sys.argv:
            result["runs"], result["ofdkit_info"] = ofdkit_runs(path)
        if folder:
            if song:
                install_song(song, path, scratch)
            result["rendered"] = render(ofd, folder, bool(song))
        os.chdir("/")
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
