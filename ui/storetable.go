package ui

// This file is the dashboard's store table: columns, sorting, filtering,
// cells with their markers, selection and opening a store.

import (
	"fmt"
	"math"
	"sort"
	"storelens/app/insight"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Table columns of the store table.
const (
	colFlags = iota
	colStore
	colTags
	colDailyEntries
	colEntryRate
	colConversion
	colATV
	colSales
	colDwell
	colRank
	colReason // last: on a narrow screen the figures stay in view and the reason is read in the panel
	numCols
)

// colMetric is the metric a KPI column shows (and is compared with its tag
// average), "" for the other columns.
var colMetric = map[int]insight.Metric{
	colDailyEntries: insight.DailyEntries, colEntryRate: insight.EntryRate, colConversion: insight.Conversion,
	colATV: insight.ATV, colSales: insight.Sales, colDwell: insight.Dwell,
}

// refilter applies the search, the flagged-only switch and the sort.
func (d *Dashboard) refilter() {
	q := strings.ToLower(strings.TrimSpace(d.search.Text))
	d.rows = d.rows[:0]
	for i, s := range d.ov.Stores {
		if d.flaggedOnly.Checked && len(s.Flags) == 0 {
			continue
		}
		if d.city != "" && s.Store.City != d.city {
			continue
		}
		if q != "" && !strings.Contains(strings.ToLower(s.Store.Code+" "+s.Store.Name+" "+s.Store.City+" "+strings.Join(s.Store.Tags, " ")), q) {
			continue
		}
		d.rows = append(d.rows, i)
	}
	d.sortRows()
	d.showScope()
	d.selected = -1
	d.detail.SetText(tr("dashboard.pick", "Select a store to read its flags. Double-click or press “Open store” for its page."))
	d.openBtn.Disable()
	d.table.UnselectAll()
	d.table.Refresh()
}

// showScope says, under the tiles, when the table lists fewer stores than
// the tiles add up: the tiles are for the whole selection (period, tag,
// region), the city, search and flagged-only switch narrow the table.
func (d *Dashboard) showScope() {
	if len(d.rows) == len(d.ov.Stores) || len(d.ov.Stores) == 0 {
		d.scope.Hide()
		return
	}
	d.scope.SetText(tr("dashboard.scope", "The tiles add up all {{.All}} stores of the selection; the table lists {{.Shown}} of them.", map[string]any{"All": len(d.ov.Stores), "Shown": len(d.rows)}))
	d.scope.Show()
}

// sortBy sorts by column col; a second tap on the same column reverses it.
// Columns of KPIs start with the best first.
func (d *Dashboard) sortBy(col int) {
	if d.sortCol == col {
		d.sortDesc = !d.sortDesc
	} else {
		d.sortCol = col
		d.sortDesc = col != colStore && col != colTags && col != colRank
	}
	d.sortRows()
	d.table.Refresh()
}

func maxSeverity(s insight.StoreKPIs) float64 {
	m := 0.0
	for _, f := range s.Flags {
		m = math.Max(m, f.Severity)
	}
	return m
}

func (d *Dashboard) sortRows() {
	st := d.ov.Stores
	less := func(a, b int) bool { // a, b index st; ascending order
		sa, sb := st[a], st[b]
		switch d.sortCol {
		case colReason:
			return maxSeverity(sa) < maxSeverity(sb)
		case colFlags:
			if len(sa.Flags) != len(sb.Flags) {
				return len(sa.Flags) < len(sb.Flags)
			}
			return maxSeverity(sa) < maxSeverity(sb)
		case colStore:
			return sa.Store.Code < sb.Store.Code
		case colTags:
			return strings.Join(sa.Store.Tags, ",") < strings.Join(sb.Store.Tags, ",")
		case colRank:
			return rankOf(sa).Position < rankOf(sb).Position
		}
		m := colMetric[d.sortCol]
		va, oka := sa.KPIs.Value(m)
		vb, okb := sb.KPIs.Value(m)
		if oka != okb {
			return !oka // undefined values sort as the lowest
		}
		return va < vb
	}
	sort.SliceStable(d.rows, func(i, j int) bool {
		a, b := d.rows[i], d.rows[j]
		if d.sortCol < 0 {
			// Default: flagged first, most serious first, then by code.
			fa, fb := len(st[a].Flags) > 0, len(st[b].Flags) > 0
			if fa != fb {
				return fa
			}
			if sa, sb := maxSeverity(st[a]), maxSeverity(st[b]); sa != sb {
				return sa > sb
			}
			return st[a].Store.Code < st[b].Store.Code
		}
		if d.sortDesc {
			return less(b, a)
		}
		return less(a, b)
	})
}

func rankOf(s insight.StoreKPIs) insight.Rank {
	r := s.Rank[insight.DailyEntries]
	if r.Position == 0 {
		return insight.Rank{Position: math.MaxInt32}
	}
	return r
}

// tagAverageFor is the tag average a store's metric is compared with
// (insight's choice of tag).
func (d *Dashboard) tagAverageFor(s insight.StoreKPIs, m insight.Metric) (float64, string, bool) {
	return d.ov.TagAverageFor(s, m)
}

func (d *Dashboard) columnTitle(col int) string {
	switch col {
	case colFlags:
		return tr("dashboard.col.flags", "Flags")
	case colStore:
		return tr("dashboard.col.store", "Store")
	case colTags:
		return tr("dashboard.col.tags", "Tags")
	case colRank:
		return tr("dashboard.col.rank", "Rank")
	case colDwell:
		return tr("dashboard.col.dwell", "Dwell") // the tile's full name would not fit
	case colReason:
		return tr("dashboard.col.reason", "Reason")
	}
	return metricLabel(colMetric[col])
}

// columnCaps are the widest the columns grow to fit what they show; the
// reason column takes what the window leaves over (up to reasonMaxWidth),
// so the figures stay on screen and only a narrow window scrolls, with the
// flag and store columns pinned at the left.
var columnCaps = [numCols]float32{56, 180, 110, 110, 100, 100, 110, 130, 110, 80, 110}

const (
	reasonMaxWidth = 380
	pinnedColumns  = 2 // flags and store stay in view while the rest scrolls
)

// fitContent sizes each column to its title and its widest cell over the
// period's stores (in the theme's font, so either language and any text
// size fit), within columnCaps; the reason column is left to fitColumns.
func (d *Dashboard) fitContent() {
	measure := func(s string) float32 { return fyne.MeasureText(s, theme.TextSize(), fyne.TextStyle{}).Width }
	pad := 2*theme.InnerPadding() + theme.Padding()
	marker := measure("▲") + theme.Padding()
	t := d.table
	for col := 0; col < numCols; col++ {
		if col == colReason {
			t.minWidths[col] = columnCaps[col]
			continue
		}
		w := measure(d.columnTitle(col)) + pad
		if col == d.sortCol {
			w += measure(" ▼")
		}
		for _, s := range d.ov.Stores {
			text, mark, _ := d.storeCell(s, col)
			cw := measure(text) + pad
			if mark != "" || colMetric[col] != "" {
				cw += marker
			}
			w = max(w, cw)
		}
		t.minWidths[col] = min(w, columnCaps[col])
		t.SetColumnWidth(col, t.minWidths[col])
	}
	t.reasonWidth = 0
	t.fitColumns(t.Size().Width)
}

// fitColumns shares width among the columns: each keeps its width and the
// reason column grows into what is left.
func (t *storeTable) fitColumns(width float32) {
	// Each column also takes a separator and the table's padding.
	fixed := float32(numCols) * (theme.SeparatorThicknessSize() + theme.Padding())
	for i, w := range t.minWidths {
		if i != colReason {
			fixed += w
		}
	}
	reason := min(max(t.minWidths[colReason], width-fixed), reasonMaxWidth)
	if reason != t.reasonWidth {
		t.reasonWidth = reason
		t.SetColumnWidth(colReason, reason)
	}
}

// Resize fits the columns to the new width.
func (t *storeTable) Resize(s fyne.Size) {
	t.fitColumns(s.Width)
	t.Table.Resize(s)
}

// storeTable is the dashboard's table with the keyboard finished: arrows
// move, Space selects (the reasons show on the right), Enter opens the
// selected store.
type storeTable struct {
	widget.Table
	onEnter     func()
	minWidths   [numCols]float32
	reasonWidth float32
}

// TypedKey opens the selected store on Enter and leaves the rest to the table.
func (t *storeTable) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		if t.onEnter != nil {
			t.onEnter()
		}
		return
	}
	t.Table.TypedKey(ev)
}

func (d *Dashboard) newTable() *storeTable {
	t := &storeTable{onEnter: d.openSelected}
	t.Length = func() (int, int) { return len(d.rows), numCols }
	t.CreateCell = func() fyne.CanvasObject {
		return newTapCell(func(row, _ int) { d.table.Select(widget.TableCellID{Row: row, Col: colStore}) }, func(row, _ int) {
			d.selectRow(row)
			d.openSelected()
		})
	}
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) { d.updateCell(id, o.(*tapCell)) }
	t.ExtendBaseWidget(t)
	t.ShowHeaderRow = true
	t.StickyColumnCount = pinnedColumns
	t.CreateHeader = func() fyne.CanvasObject { return newHeaderCell() }
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*headerCell)
		title := d.columnTitle(id.Col)
		if id.Col == d.sortCol {
			if d.sortDesc {
				title += " ▼"
			} else {
				title += " ▲"
			}
		}
		b.SetText(title)
		col := id.Col
		b.OnTapped = func() { d.sortBy(col) }
	}
	t.minWidths = columnCaps
	for i, w := range columnCaps {
		t.SetColumnWidth(i, w)
	}
	t.OnSelected = func(id widget.TableCellID) { d.selectRow(id.Row) }
	return t
}

// cellText is what a table cell shows: the text, and a marker with its
// colour (tag average above/below).
func (d *Dashboard) cellText(row, col int) (text, marker string, markColor fyne.ThemeColorName) {
	return d.storeCell(d.ov.Stores[d.rows[row]], col)
}

// storeCell is what column col shows for store s.
func (d *Dashboard) storeCell(s insight.StoreKPIs, col int) (text, marker string, markColor fyne.ThemeColorName) {
	switch col {
	case colFlags:
		if len(s.Flags) > 0 {
			return fmt.Sprintf("⚑ %d", len(s.Flags)), "", ""
		}
		if s.Closed {
			return tr("dashboard.closed", "closed"), "", ""
		}
		return "", "", ""
	case colStore:
		return s.Store.Code + " " + s.Store.Name, "", ""
	case colTags:
		return strings.Join(s.Store.Tags, "、"), "", ""
	case colRank:
		r := s.Rank[insight.DailyEntries]
		if r.Position == 0 {
			return "—", "", ""
		}
		return fmt.Sprintf("%d/%d", r.Position, r.Of), "", ""
	case colReason:
		if len(s.Flags) == 0 {
			return "", "", ""
		}
		txt := s.Flags[0].Reason.In(CurrentLanguage())
		if len(s.Flags) > 1 {
			txt += " " + tr("dashboard.more", "(+{{.N}} more)", map[string]any{"N": len(s.Flags) - 1})
		}
		return txt, "", ""
	}
	m := colMetric[col]
	v, ok := s.KPIs.Value(m)
	text = formatMetric(m, v, ok)
	if s.CountsSuspect && m.FromCounts() {
		return text, "⚠", theme.ColorNameWarning
	}
	if avg, _, aok := d.tagAverageFor(s, m); ok && aok && avg > 0 {
		switch {
		case v < avg*0.995:
			return text, "▼", theme.ColorNameError
		case v > avg*1.005:
			return text, "▲", theme.ColorNameSuccess
		default:
			return text, "=", theme.ColorNamePlaceHolder
		}
	}
	return text, "", ""
}

func (d *Dashboard) updateCell(id widget.TableCellID, c *tapCell) {
	c.row, c.col = id.Row, id.Col
	var text, marker string
	var col fyne.ThemeColorName
	if id.Row >= 0 && id.Row < len(d.rows) {
		text, marker, col = d.cellText(id.Row, id.Col)
	}
	imp := widget.MediumImportance
	if id.Col == colFlags && strings.HasPrefix(text, "⚑") {
		imp = widget.DangerImportance
	}
	// One refresh per cell, and none when nothing changed: with 2000 stores
	// re-measuring truncated labels is most of a table refresh.
	if c.label.Text != text || c.label.Importance != imp {
		c.label.Text, c.label.Importance = text, imp
		c.label.Refresh()
	}
	mc := c.marker.Color
	if col != "" {
		mc = theme.Color(col)
	}
	if c.marker.Text != marker || mc != c.marker.Color {
		c.marker.Text, c.marker.Color = marker, mc
		c.marker.Refresh()
	}
}

// selectRow shows the row's flags and camera problems on the right.
func (d *Dashboard) selectRow(row int) {
	if row < 0 || row >= len(d.rows) {
		return
	}
	d.selected = row
	d.openBtn.Enable()
	s := d.ov.Stores[d.rows[row]]
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s · %s\n", s.Store.Code, s.Store.Name, strings.Join(s.Store.Tags, "、"))
	if len(s.Flags) == 0 {
		b.WriteString(tr("dashboard.noflags", "No flags: this store is in line with its tag this period."))
	}
	for _, f := range s.Flags {
		fmt.Fprintf(&b, "\n⚑ %s\n%s\n", flagKindLabel(f.Kind), f.Reason.In(CurrentLanguage()))
	}
	for _, m := range []insight.Metric{insight.DailyEntries, insight.EntryRate, insight.Conversion, insight.ATV} {
		v, ok := s.KPIs.Value(m)
		if avg, tag, aok := d.tagAverageFor(s, m); aok {
			fmt.Fprintf(&b, "\n%s: %s · %s %s", metricLabel(m), formatMetric(m, v, ok), tr("dashboard.tagavg", "average of {{.Tag}}", map[string]any{"Tag": tag}), formatMetric(m, avg, true))
		}
	}
	d.detail.SetText(b.String())
}

func (d *Dashboard) openSelected() {
	if d.selected < 0 || d.selected >= len(d.rows) || d.OnOpenStore == nil {
		return
	}
	d.OnOpenStore(d.ov.Stores[d.rows[d.selected]].Store.Code, d.picker.Period())
}
