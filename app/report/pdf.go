package report

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/golang/freetype/truetype"
	"github.com/signintech/gopdf"
	"github.com/signintech/gopdf/fontmaker/core"
	"github.com/wcharczuk/go-chart/v2/roboto"

	"storelens/app/chart"
	"storelens/assets"
)

// The page: A4 portrait in points, with margins wide enough for a phone
// to show a whole line at reading size.
const (
	pageW, pageH = 595.28, 841.89
	marginX      = 42.0
	marginTop    = 58.0 // below the running header
	marginBottom = 50.0 // above the page number
	contentW     = pageW - 2*marginX
)

// Type sizes.
const (
	sizeTitle   = 20.0
	sizeHeading = 14.0
	sizeSub     = 11.5
	sizeBody    = 9.5
	sizeSmall   = 8.0
)

type rgb struct{ r, g, b uint8 }

var (
	ink      = rgb{0x21, 0x21, 0x21}
	muted    = rgb{0x6b, 0x6b, 0x6b}
	accent   = rgb{0x1f, 0x5f, 0xa8}
	bad      = rgb{0xc6, 0x28, 0x28}
	good     = rgb{0x2e, 0x7d, 0x32}
	rule     = rgb{0xcc, 0xcc, 0xcc}
	headFill = rgb{0xe8, 0xee, 0xf6}
	zebra    = rgb{0xf6, 0xf7, 0xf9}
)

// fonts are the two faces of every page: Roboto for Latin letters and
// digits, Droid Sans Fallback for Chinese (it has no Latin glyphs). The
// PDF embeds the subset of each that the text uses.
type fonts struct {
	latin, cjk         []byte
	latinTT, cjkTT     *truetype.Font
	latinName, cjkName string
	// ascent is each face's typographic ascender per em: gopdf sets a
	// cell's text that far below its top, so runs of the two faces are
	// moved to share one baseline (the larger ascender).
	ascent   map[string]float64
	baseline float64
}

var loadFonts = sync.OnceValues(func() (*fonts, error) {
	cjk, err := assets.CJKFont()
	if err != nil {
		return nil, err
	}
	f := &fonts{latin: roboto.Roboto, cjk: cjk, latinName: "SLROBO+Roboto", cjkName: "SLDROI+DroidSansFallbackFull"}
	if f.latinTT, err = truetype.Parse(f.latin); err != nil {
		return nil, fmt.Errorf("read the Latin font: %w", err)
	}
	if f.cjkTT, err = truetype.Parse(f.cjk); err != nil {
		return nil, fmt.Errorf("read the Chinese font: %w", err)
	}
	f.ascent = map[string]float64{}
	for name, data := range map[string][]byte{f.latinName: f.latin, f.cjkName: f.cjk} {
		var p core.TTFParser
		if err := p.ParseFontData(data); err != nil {
			return nil, fmt.Errorf("read the font %s: %w", name, err)
		}
		f.ascent[name] = float64(p.TypoAscender()) / float64(p.UnitsPerEm())
		f.baseline = max(f.baseline, f.ascent[name])
	}
	return f, nil
})

// Doc is one PDF report being written: the running header, page numbers
// added at the end ("3 / 12"), bookmarks for each section, and text that
// switches face between Latin and Chinese runs.
type Doc struct {
	pdf    gopdf.GoPdf
	f      *fonts
	y      float64
	header string // the running header's left side: region and period
	brand  string // its right side
	face   string
	size   float64
	// onBreak, when set, runs at the top of a page a table broke onto (to
	// repeat its header row).
	onBreak func()
}

// newDoc starts a document whose pages carry header on the left.
func newDoc(header, brand, title string) (*Doc, error) {
	f, err := loadFonts()
	if err != nil {
		return nil, err
	}
	d := &Doc{f: f, header: header, brand: brand}
	d.pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
	d.pdf.SetCompressLevel(9)
	d.pdf.SetInfo(gopdf.PdfInfo{Title: title, Creator: brand, Producer: brand})
	if err := d.pdf.AddTTFFontData(f.latinName, f.latin); err != nil {
		return nil, fmt.Errorf("embed the Latin font: %w", err)
	}
	if err := d.pdf.AddTTFFontData(f.cjkName, f.cjk); err != nil {
		return nil, fmt.Errorf("embed the Chinese font: %w", err)
	}
	d.pdf.SetMargins(0, 0, 0, 0)
	return d, nil
}

// newPage starts a page and draws the running header.
func (d *Doc) newPage() {
	d.pdf.AddPage()
	d.setColor(muted)
	d.textAt(marginX, 24, d.header, sizeSmall)
	w := d.width(d.brand, sizeSmall)
	d.textAt(pageW-marginX-w, 24, d.brand, sizeSmall)
	d.line(marginX, 38, pageW-marginX, 38, rule, 0.6)
	d.setColor(ink)
	d.y = marginTop
	if d.onBreak != nil {
		d.onBreak()
	}
}

// finish numbers every page ("3 / 12") and writes the document.
func (d *Doc) finish(w io.Writer) error {
	n := d.pdf.GetNumberOfPages()
	for i := 1; i <= n; i++ {
		if err := d.pdf.SetPage(i); err != nil {
			return err
		}
		s := fmt.Sprintf("%d / %d", i, n)
		d.setColor(muted)
		d.textAt((pageW-d.width(s, sizeSmall))/2, pageH-30, s, sizeSmall)
	}
	b, err := d.pdf.GetBytesPdfReturnErr()
	if err != nil {
		return fmt.Errorf("write the PDF: %w", err)
	}
	_, err = w.Write(b)
	return err
}

// need breaks the page unless h points fit below the cursor.
func (d *Doc) need(h float64) {
	if d.y+h > pageH-marginBottom {
		d.newPage()
	}
}

// bookmark adds an entry to the PDF's outline for the current page.
func (d *Doc) bookmark(title string) { d.pdf.AddOutline(title) }

func (d *Doc) setColor(c rgb) { d.pdf.SetTextColor(c.r, c.g, c.b) }

func (d *Doc) line(x1, y1, x2, y2 float64, c rgb, w float64) {
	d.pdf.SetStrokeColor(c.r, c.g, c.b)
	d.pdf.SetLineWidth(w)
	d.pdf.Line(x1, y1, x2, y2)
}

func (d *Doc) fill(x, y, w, h float64, c rgb) {
	d.pdf.SetFillColor(c.r, c.g, c.b)
	d.pdf.RectFromUpperLeftWithStyle(x, y, w, h, "F")
}

// run is a stretch of text set in one face.
type run struct {
	text string
	face string
}

// runs splits s into Latin and Chinese stretches. A character neither
// font has is left out rather than drawn as a box.
func (d *Doc) runs(s string) []run {
	var out []run
	var b strings.Builder
	cur := ""
	for _, r := range s {
		face := ""
		switch {
		case r < 0x2E80 && d.f.latinTT.Index(r) != 0:
			face = d.f.latinName
		case d.f.cjkTT.Index(r) != 0:
			face = d.f.cjkName
		case unicode.IsSpace(r):
			face, r = d.f.latinName, ' '
		default:
			continue
		}
		if face != cur && b.Len() > 0 {
			out = append(out, run{b.String(), cur})
			b.Reset()
		}
		cur = face
		b.WriteRune(r)
	}
	if b.Len() > 0 {
		out = append(out, run{b.String(), cur})
	}
	return out
}

func (d *Doc) setFace(face string, size float64) {
	if face == d.face && size == d.size {
		return
	}
	d.pdf.SetFont(face, "", size)
	d.face, d.size = face, size
}

// width is the width of s at size, in points.
func (d *Doc) width(s string, size float64) float64 {
	w := 0.0
	for _, r := range d.runs(s) {
		d.setFace(r.face, size)
		rw, _ := d.pdf.MeasureTextWidth(r.text)
		w += rw
	}
	return w
}

// textAt draws s with its top at (x, y).
func (d *Doc) textAt(x, y float64, s string, size float64) {
	for _, r := range d.runs(s) {
		d.setFace(r.face, size)
		d.pdf.SetXY(x, y+(d.f.baseline-d.f.ascent[r.face])*size)
		d.pdf.Cell(nil, r.text)
		rw, _ := d.pdf.MeasureTextWidth(r.text)
		x += rw
	}
}

// fit shortens s with "…" until it is at most w wide.
func (d *Doc) fit(s string, w, size float64) string {
	if d.width(s, size) <= w {
		return s
	}
	rs := []rune(s)
	for len(rs) > 0 {
		rs = rs[:len(rs)-1]
		t := strings.TrimRight(string(rs), " ") + "…"
		if d.width(t, size) <= w {
			return t
		}
	}
	return ""
}

// wrap breaks s into lines at most w wide: Chinese between any two
// characters, Latin at spaces.
func (d *Doc) wrap(s string, w, size float64) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		var line string
		for _, tok := range tokens(para) {
			if line != "" && d.width(line+tok, size) > w {
				lines = append(lines, strings.TrimRight(line, " "))
				line = strings.TrimLeft(tok, " ")
				continue
			}
			line += tok
		}
		lines = append(lines, strings.TrimRight(line, " "))
	}
	return lines
}

// tokens are the unbreakable pieces of s: a Latin word with its trailing
// space, or one Chinese character (with a closing punctuation mark kept
// on its line).
func tokens(s string) []string {
	var out []string
	i := 0
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r >= 0x2E80 {
			j := i + n
			for j < len(s) {
				r2, n2 := utf8.DecodeRuneInString(s[j:])
				if !strings.ContainsRune("，。、；：！？）」』%", r2) {
					break
				}
				j += n2
			}
			out = append(out, s[i:j])
			i = j
			continue
		}
		j := i
		for j < len(s) {
			r2, n2 := utf8.DecodeRuneInString(s[j:])
			if r2 >= 0x2E80 {
				break
			}
			j += n2
			if r2 == ' ' {
				break
			}
		}
		out = append(out, s[i:j])
		i = j
	}
	return out
}

// lineH is the line height of text at size.
func lineH(size float64) float64 { return size * 1.45 }

// para writes s wrapped to the content width, breaking pages as needed.
func (d *Doc) para(s string, size float64, c rgb) {
	d.paraAt(marginX, contentW, s, size, c)
}

func (d *Doc) paraAt(x, w float64, s string, size float64, c rgb) {
	for _, l := range d.wrap(s, w, size) {
		d.need(lineH(size))
		d.setColor(c)
		d.textAt(x, d.y, l, size)
		d.y += lineH(size)
	}
	d.setColor(ink)
}

// heading starts a section title, on a new page when little room is left.
func (d *Doc) heading(s string) {
	d.need(80)
	d.y += 6
	d.setColor(accent)
	d.textAt(marginX, d.y, s, sizeHeading)
	d.y += lineH(sizeHeading) + 2
	d.line(marginX, d.y-3, pageW-marginX, d.y-3, accent, 0.8)
	d.y += 4
	d.setColor(ink)
}

// subheading is a smaller title inside a section.
func (d *Doc) subheading(s string) {
	d.need(50)
	d.y += 4
	d.setColor(ink)
	d.textAt(marginX, d.y, s, sizeSub)
	d.y += lineH(sizeSub)
}

// gap moves the cursor down.
func (d *Doc) gap(h float64) { d.y += h }

// image places a PNG w points wide (its height from its aspect ratio).
func (d *Doc) image(png []byte, pxW, pxH int, w float64) error {
	h := w * float64(pxH) / float64(pxW)
	d.need(h + 4)
	if err := d.place(png, marginX, d.y, w, h); err != nil {
		return err
	}
	d.y += h + 4
	return nil
}

// place draws a PNG in the box at (x, y), w by h points.
func (d *Doc) place(png []byte, x, y, w, h float64) error {
	holder, err := gopdf.ImageHolderByBytes(png)
	if err != nil {
		return fmt.Errorf("place a chart: %w", err)
	}
	if err := d.pdf.ImageByHolder(holder, x, y, &gopdf.Rect{W: w, H: h}); err != nil {
		return fmt.Errorf("place a chart: %w", err)
	}
	return nil
}

// pair places two charts side by side, each under its title; a nil chart
// is said in words (none).
func (d *Doc) pair(t1 string, c1 *chart.Rendered, t2 string, c2 *chart.Rendered, none string) error {
	const gutter = 14.0
	w := (contentW - gutter) / 2
	h := 0.0
	for _, c := range []*chart.Rendered{c1, c2} {
		if c != nil {
			h = max(h, w*float64(c.Height)/float64(c.Width))
		}
	}
	d.need(lineH(sizeSub) + 4 + max(h, lineH(sizeSmall)) + 4)
	d.y += 4
	top := d.y + lineH(sizeSub)
	for i, c := range []*chart.Rendered{c1, c2} {
		x := marginX + float64(i)*(w+gutter)
		d.setColor(ink)
		d.textAt(x, d.y, []string{t1, t2}[i], sizeSub)
		if c == nil {
			d.setColor(muted)
			d.textAt(x, top, none, sizeSmall)
			continue
		}
		if err := d.place(c.Image, x, top, w, w*float64(c.Height)/float64(c.Width)); err != nil {
			return err
		}
	}
	d.setColor(ink)
	d.y = top + max(h, lineH(sizeSmall)) + 4
	return nil
}

// column is one column of a table.
type column struct {
	title string
	width float64 // points; the last column's 0 takes what is left
	right bool    // numbers align right
}

// cell is one table cell: its text and, when set, its colour.
type cell struct {
	text  string
	color *rgb
}

func txt(s string) cell { return cell{text: s} }

func colored(s string, c rgb) cell { return cell{text: s, color: &c} }

// table writes rows under a header row that repeats on every page the
// table breaks onto. Cells are one line; a cell too long for its column
// ends with "…".
func (d *Doc) table(cols []column, rows [][]cell, size float64) {
	cols = append([]column(nil), cols...)
	used := 0.0
	for _, c := range cols {
		used += c.width
	}
	if last := &cols[len(cols)-1]; last.width == 0 {
		last.width = contentW - used
	}
	rowH := lineH(size) + 3
	header := func() {
		d.fill(marginX, d.y, contentW, rowH, headFill)
		d.cells(cols, headerCells(cols), size, rowH)
		d.y += rowH
	}
	d.need(rowH * 3)
	header()
	d.onBreak = header
	for i, r := range rows {
		d.need(rowH)
		if i%2 == 1 {
			d.fill(marginX, d.y, contentW, rowH, zebra)
		}
		d.cells(cols, r, size, rowH)
		d.y += rowH
	}
	d.onBreak = nil
	d.line(marginX, d.y, pageW-marginX, d.y, rule, 0.5)
	d.y += 8
}

func headerCells(cols []column) []cell {
	out := make([]cell, len(cols))
	for i, c := range cols {
		out[i] = txt(c.title)
	}
	return out
}

func (d *Doc) cells(cols []column, r []cell, size, rowH float64) {
	x := marginX
	for i, c := range cols {
		if i < len(r) {
			s := d.fit(r[i].text, c.width-6, size)
			d.setColor(ink)
			if r[i].color != nil {
				d.setColor(*r[i].color)
			}
			tx := x + 3
			if c.right {
				tx = x + c.width - 3 - d.width(s, size)
			}
			d.textAt(tx, d.y+(rowH-size)/2-0.5, s, size)
		}
		x += c.width
	}
	d.setColor(ink)
}
