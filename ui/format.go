package ui

// This file holds the words and numbers every screen writes the same way:
// metric, flag and alert labels from the catalogue, values in insight's
// format, changes against the previous period.

import (
	"fmt"
	"math"
	"sync"
	"time"

	"storelens/app/insight"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

var zones sync.Map // IANA name → *time.Location

// storeTime is t on the store's own clock (zone is stores.time_zone): every
// time of day a manager reads about a store is the store's, whatever the
// laptop's zone. An unknown zone falls back to UTC, marked as such.
func storeTime(zone string, t time.Time) string {
	if l, ok := zones.Load(zone); ok {
		return t.In(l.(*time.Location)).Format("01-02 15:04")
	}
	loc, err := time.LoadLocation(zone)
	if err != nil || zone == "" {
		return t.UTC().Format("01-02 15:04") + " UTC"
	}
	zones.Store(zone, loc)
	return t.In(loc).Format("01-02 15:04")
}

func heading(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// formatMetric writes a value for a manager: insight's format (thousands
// separators, the one money format), with dwell's unit in the UI's language.
func formatMetric(m insight.Metric, v float64, ok bool) string {
	return insight.FormatValueIn(m, v, ok, CurrentLanguage())
}

func metricLabel(m insight.Metric) string {
	return translated("metric."+string(m), m.Label(CurrentLanguage()))
}

// changeText says a change against the previous period ("▲ 12.3% vs
// previous") and whether it is good (+1), bad (-1) or neither.
//
// sameDays says the comparison is with the same first days of the previous
// period (the data ends inside the period shown).
func changeText(m insight.Metric, c insight.Change, sameDays bool) (string, int) {
	rel, ok := c.Relative()
	if !ok {
		return tr("change.none", "no previous period to compare"), 0
	}
	vs := tr("change.vsprev", "vs previous period")
	if sameDays {
		vs = tr("change.vssame", "vs same days of previous period")
	}
	arrow, good := "▲", 1
	if rel < 0 {
		arrow, good = "▼", -1
	}
	if math.Abs(rel) < 0.0005 {
		arrow, good = "=", 0
	}
	return fmt.Sprintf("%s %.1f%% %s", arrow, math.Abs(rel)*100, vs), good
}

func flagKindLabel(k insight.FlagKind) string { return translated("flag."+string(k), string(k)) }

func alertKindLabel(k string) string { return translated("alert."+k, k) }

// translated looks up a key built from data (a metric, flag kind, alert
// kind or weather condition); TestDynamicKeysAreTranslated checks that
// every value the data can take has a translation in both languages.
func translated(key, fallback string) string { return tr(key, fallback) }
