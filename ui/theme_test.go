package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Every colour text is drawn in reads at WCAG AA (4.5:1) against the
// background, in both variants: the change figures' green and red, the
// warning sign and links.
func TestTextColoursReachWCAGAA(t *testing.T) {
	th := lensTheme{Theme: theme.DefaultTheme()}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		bg := th.Color(theme.ColorNameBackground, v)
		for n := range textColours {
			base := theme.DefaultTheme().Color(n, v)
			if c := contrast(th.Color(n, v), bg); c < minContrast {
				t.Errorf("variant %d: %s is %.2f:1 against the background (Fyne's own %.2f:1), want ≥ %.1f", v, n, c, contrast(base, bg), minContrast)
			} else {
				t.Logf("variant %d: %s %.2f:1 (Fyne's own %.2f:1)", v, n, c, contrast(base, bg))
			}
		}
	}
}
