package ui

import (
	"image/color"

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
	return t.Theme.Color(n, v)
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
