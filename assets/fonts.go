package assets

import (
	_ "embed"
	"sync"
)

// The Chinese font of charts and reports: Droid Sans Fallback Full
// (Google, Apache License 2.0; Debian's fonts-droid-fallback 6.0.1r16), a
// single TrueType file that both the chart rasteriser and the PDF writer
// can read. It has CJK glyphs and no Latin ones; Latin text is set in
// Roboto, which go-chart carries. Carried here so a laptop without any
// Chinese font still draws charts and writes reports that any reader
// shows (a PDF embeds the subset it uses).
//
//go:embed fonts/DroidSansFallbackFull.ttf.gz
var cjkFontGz []byte

// CJKFontSHA256 is the SHA-256 of the TrueType file (decompressed).
const CJKFontSHA256 = "acb6440a713d880a13a21b468ba7cd43f5a2b2934972e51be791c880730777b8"

var cjkFont = sync.OnceValues(func() ([]byte, error) { return unpack(cjkFontGz, CJKFontSHA256, "Chinese font") })

// CJKFont is the TrueType file of the built-in Chinese font, checked
// against CJKFontSHA256. The slice is shared: do not modify it.
func CJKFont() ([]byte, error) { return cjkFont() }
