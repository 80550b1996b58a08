package chart

import (
	"fmt"
	"math"
	"os"
	"storelens/assets"
	"sync"

	"github.com/golang/freetype/truetype"
	gochart "github.com/wcharczuk/go-chart/v2"
	"github.com/wcharczuk/go-chart/v2/roboto"
	xfont "golang.org/x/image/font"
	"golang.org/x/image/math/fixed"
)

// FontPaths are the TrueType files tried, in order, for chart text when
// the built-in Chinese font (assets.CJKFont, Droid Sans Fallback) cannot be
// read. Chinese labels need a font with CJK glyphs in a single .ttf the
// renderer can read (the Noto CJK fonts ship as .ttc collections it
// cannot). STORELENS_CHART_FONT, when set, is tried first.
var FontPaths = []string{
	"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
	"/usr/share/fonts/truetype/droid/DroidSansFallback.ttf",
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttf",
	"/usr/share/fonts/truetype/arphic/uming.ttf",
}

var (
	fontOnce sync.Once
	cjkFont  *truetype.Font
	latin    *truetype.Font
	fontErr  error
)

// loadFonts reads the CJK font once per process; the 4 MB file is parsed
// lazily so headless commands that never draw a chart do not pay for it.
func loadFonts() {
	fontOnce.Do(func() {
		// go-chart's own default-font cache is unsynchronised; filling it
		// here, under the Once, keeps concurrent renders race-free.
		if f, err := gochart.GetDefaultFont(); err == nil {
			latin = f
		} else if f, err := truetype.Parse(roboto.Roboto); err == nil {
			latin = f
		}
		paths := FontPaths
		if p := os.Getenv("STORELENS_CHART_FONT"); p != "" {
			paths = append([]string{p}, paths...)
		} else if b, err := assets.CJKFont(); err == nil {
			if f, err := truetype.Parse(b); err == nil {
				cjkFont = f
				return
			}
		}
		var tried []string
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				tried = append(tried, p)
				continue
			}
			f, err := truetype.Parse(b)
			if err != nil {
				tried = append(tried, p+" (unreadable: "+err.Error()+")")
				continue
			}
			cjkFont = f
			return
		}
		fontErr = fmt.Errorf("no Chinese-capable chart font found (tried %v); Chinese labels will show as boxes — install fonts-droid-fallback (`make deps`) or set STORELENS_CHART_FONT to a .ttf file", tried)
	})
}

// FontStatus reports whether charts can draw Chinese text: nil when a CJK
// font was found, otherwise an error naming the files tried and the fix.
// Charts still render (with a Latin-only font) when it is not nil.
func FontStatus() error {
	loadFonts()
	return fontErr
}

// font is the face charts draw with: the CJK font when present.
func font() *truetype.Font {
	loadFonts()
	if cjkFont != nil {
		return cjkFont
	}
	return latin
}

// mixedText draws text with two faces: Latin letters and digits from the
// Latin font, everything else (Chinese) from the CJK font, which has no
// Latin glyphs of its own. go-chart sets one font per string; this
// renderer splits each string into runs and places them by their advance.
type mixedText struct {
	gochart.Renderer
	size, dpi float64
	raster    bool
	faces     map[faceKey]xfont.Face
}

type faceKey struct {
	f         *truetype.Font
	size, dpi float64
}

// textRun is a stretch of text drawn with one face.
type textRun struct {
	text string
	f    *truetype.Font
}

func withMixedText(rp gochart.RendererProvider, raster bool) gochart.RendererProvider {
	return func(w, h int) (gochart.Renderer, error) {
		r, err := rp(w, h)
		if err != nil {
			return nil, err
		}
		loadFonts()
		if cjkFont == nil || latin == nil {
			return r, nil
		}
		return &mixedText{Renderer: r, raster: raster, size: gochart.DefaultFontSize, dpi: gochart.DefaultDPI, faces: map[faceKey]xfont.Face{}}, nil
	}
}

func (m *mixedText) SetDPI(d float64)         { m.dpi = d; m.Renderer.SetDPI(d) }
func (m *mixedText) SetFontSize(s float64)    { m.size = s; m.Renderer.SetFontSize(s) }
func (m *mixedText) SetFont(f *truetype.Font) {} // chosen per run

func (m *mixedText) runs(s string) []textRun {
	var out []textRun
	start := 0
	var cur *truetype.Font
	for i, r := range s {
		f := cjkFont
		if r < 0x2E80 && latin.Index(r) != 0 {
			f = latin
		}
		if cur != nil && f != cur {
			out = append(out, textRun{s[start:i], cur})
			start = i
		}
		cur = f
	}
	if cur != nil {
		out = append(out, textRun{s[start:], cur})
	}
	return out
}

func (m *mixedText) advance(run textRun) int {
	if m.raster {
		// The same arithmetic as go-chart's raster text path, so runs join
		// exactly where it would have put the next glyph.
		scale := fixed.Int26_6(m.size * m.dpi)
		x := 0.0
		prev, hasPrev := truetype.Index(0), false
		for _, r := range run.text {
			idx := run.f.Index(r)
			if hasPrev {
				x += float64(run.f.Kern(scale, prev, idx)) / 64
			}
			x += float64(run.f.HMetric(scale, idx).AdvanceWidth) / 64
			prev, hasPrev = idx, true
		}
		return int(math.Round(x))
	}
	k := faceKey{run.f, m.size, m.dpi}
	face, ok := m.faces[k]
	if !ok {
		face = truetype.NewFace(run.f, &truetype.Options{Size: m.size, DPI: m.dpi})
		m.faces[k] = face
	}
	return xfont.MeasureString(face, run.text).Ceil()
}

// MeasureText is the width of all runs by advance, the height of the
// tallest.
func (m *mixedText) MeasureText(body string) gochart.Box {
	w, h := 0, 0
	for _, run := range m.runs(body) {
		m.Renderer.SetFont(run.f)
		b := m.Renderer.MeasureText(run.text)
		if b.Height() > h {
			h = b.Height()
		}
		w += m.advance(run)
	}
	return gochart.Box{Right: w, Bottom: h}
}

// Text draws body run by run from (x, y), y being the baseline.
func (m *mixedText) Text(body string, x, y int) {
	for _, run := range m.runs(body) {
		m.Renderer.SetFont(run.f)
		m.Renderer.Text(run.text, x, y)
		x += m.advance(run)
	}
}
