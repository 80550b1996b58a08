package ui

import (
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Theme variants offered in Settings; "" follows the system.
const (
	themeSystem = ""
	themeLight  = "light"
	themeDark   = "dark"
)

// lensTheme keeps Fyne's default theme, forces a variant when the manager
// chose one, and draws bold text in the regular weight: the Chinese glyphs
// come from a fallback font without a bold face, so bold would mark
// English headings, headers and buttons but not their Chinese twins. The
// screens mark hierarchy by size and colour instead, alike in both.
type lensTheme struct {
	fyne.Theme
	variant *fyne.ThemeVariant
}

func (t lensTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.variant != nil {
		v = *t.variant
	}
	c := t.Theme.Color(n, v)
	if textColours[n] {
		return legible(c, t.Theme.Color(theme.ColorNameBackground, v))
	}
	return c
}

// textColours are the colours text is drawn in on the background: each is
// kept at WCAG AA's 4.5:1 against it (Fyne's light green is 1.3:1).
var textColours = map[fyne.ThemeColorName]bool{
	theme.ColorNameForeground: true, theme.ColorNameSuccess: true, theme.ColorNameError: true,
	theme.ColorNameWarning: true, theme.ColorNameHyperlink: true,
}

// minContrast is WCAG AA's ratio for body text.
const minContrast = 4.5

// legible is c, darkened on a light background or lightened on a dark one
// in small steps until it reaches minContrast against bg; its hue stays.
func legible(c, bg color.Color) color.Color {
	if contrast(c, bg) >= minContrast {
		return c
	}
	r, g, b, a := c.RGBA()
	f := [3]float64{float64(r) / 0xffff, float64(g) / 0xffff, float64(b) / 0xffff}
	toward := 0.0 // black
	if luminance(bg) < 0.5 {
		toward = 1
	}
	out := c
	for step := 0; step < 40 && contrast(out, bg) < minContrast; step++ {
		for i := range f {
			f[i] += (toward - f[i]) * 0.08
		}
		out = color.NRGBA{R: uint8(f[0]*255 + 0.5), G: uint8(f[1]*255 + 0.5), B: uint8(f[2]*255 + 0.5), A: uint8(a >> 8)}
	}
	return out
}

// luminance is WCAG's relative luminance of c.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is WCAG's contrast ratio of two colours (1 to 21).
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func (t lensTheme) Font(s fyne.TextStyle) fyne.Resource {
	s.Bold = false
	return t.Theme.Font(s)
}

func applyTheme(fa fyne.App, choice string) {
	th := lensTheme{Theme: theme.DefaultTheme()}
	switch choice {
	case themeLight:
		v := theme.VariantLight
		th.variant = &v
	case themeDark:
		v := theme.VariantDark
		th.variant = &v
	}
	fa.Settings().SetTheme(th)
}
