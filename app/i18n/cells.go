package i18n

import "golang.org/x/text/width"

// Cells is how many character cells s takes where a Chinese character
// takes two (a terminal, a spreadsheet column): counting runes would put
// every column after a Chinese word out of line or cut it.
func Cells(s string) int {
	n := 0
	for _, r := range s {
		switch width.LookupRune(r).Kind() {
		case width.EastAsianWide, width.EastAsianFullwidth:
			n += 2
		default:
			n++
		}
	}
	return n
}
