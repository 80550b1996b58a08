package report

import (
	"context"
	"fmt"
	"io"
	"math"
	"strings"

	"storelens/app/i18n"
	"storelens/app/insight"
)

// writePDF writes every section's pages and returns the page count.
func (r *Report) writePDF(w io.Writer) (int, error) {
	d, err := newDoc(r.Scope()+" · "+r.PeriodText(), r.T("report.brand"), r.Title()+" "+r.PeriodText())
	if err != nil {
		return 0, err
	}
	d.newPage()
	for _, s := range r.sections {
		if err := s.WritePDF(d, r); err != nil {
			return 0, err
		}
	}
	n := d.pdf.GetNumberOfPages()
	return n, d.finish(w)
}

// summary is the first page: the region's KPIs against the previous
// period and a year ago, the highlights of every section, and the flagged
// stores with their reasons.
type summary struct{}

func (*summary) Collect(context.Context, *Report) error { return nil }

// changeText is a relative change for a reader ("+5.2%"), and whether it
// is up (1), down (-1) or neither (0).
func changeText(c insight.Change) (string, int) {
	rel, ok := c.Relative()
	if !ok {
		return "—", 0
	}
	if math.Abs(rel) < 0.0005 {
		return "0.0%", 0
	}
	if rel > 0 {
		return fmt.Sprintf("+%.1f%%", 100*rel), 1
	}
	return fmt.Sprintf("−%.1f%%", -100*rel), -1
}

func changeCell(c insight.Change) cell {
	s, dir := changeText(c)
	switch dir {
	case 1:
		return colored(s, good)
	case -1:
		return colored(s, bad)
	}
	return colored(s, muted)
}

// tileValue is a tile's figure for a reader, "—" when it has none.
func (r *Report) tileValue(m insight.Metric, v float64, ok bool) string {
	return insight.FormatValueIn(m, v, ok, r.Lang)
}

// coverageNote says when the data ends inside the period.
func (r *Report) coverageNote() string {
	c := r.Sel.Coverage
	if !c.Incomplete() {
		return ""
	}
	return r.T("report.coverage", "Days", c.Days, "Of", c.Period.NumDays(), "Through", c.DataThrough)
}

// highlights are the summary's lines: the flagged stores, then each
// section's news.
func (r *Report) highlights() []string {
	out := []string{r.T("report.hl.flagged", "N", len(r.Flagged), "Of", len(r.Rows))}
	for _, s := range r.sections {
		if h, ok := s.(Highlighter); ok {
			for _, t := range h.Highlights(r) {
				out = append(out, t.In(r.Lang))
			}
		}
	}
	return out
}

func (*summary) WritePDF(d *Doc, r *Report) error {
	d.bookmark(r.T("report.sec.summary"))
	d.setColor(accent)
	d.textAt(marginX, d.y, r.Title(), sizeTitle)
	d.y += lineH(sizeTitle) + 2
	d.setColor(ink)
	d.textAt(marginX, d.y, r.Scope()+" · "+r.PeriodText(), sizeSub)
	d.y += lineH(sizeSub)
	d.para(r.T("report.made", "At", r.Now.Format("2006-01-02 15:04"), "Stores", len(r.Rows)), sizeSmall, muted)
	if note := r.coverageNote(); note != "" {
		d.para(note, sizeBody, bad)
	}
	d.gap(8)

	d.subheading(r.T("report.sec.kpis"))
	cols := []column{{title: r.T("report.col.metric"), width: 120}, {title: r.T("report.col.value"), width: 85, right: true},
		{title: r.T("report.col.previous"), width: 85, right: true}, {title: r.T("report.col.change"), width: 55, right: true},
		{title: r.T("report.col.yearago"), width: 85, right: true}, {title: r.T("report.col.change"), right: true}}
	var rows [][]cell
	for _, t := range r.Sel.Tiles {
		rows = append(rows, []cell{txt(t.Metric.Label(r.Lang)), txt(r.tileValue(t.Metric, t.Value, t.OK)),
			txt(r.tileValue(t.Metric, t.Previous, t.PrevOK)), changeCell(t.Change()),
			txt(r.tileValue(t.Metric, t.YearAgo, t.YearAgoOK)), changeCell(t.YearChange())})
	}
	d.table(cols, rows, sizeBody)
	d.para(r.T("report.kpis.note", "Previous", PeriodText(r.Sel.Previous, r.Lang), "YearAgo", PeriodText(r.Sel.Coverage.YearAgo, r.Lang)), sizeSmall, muted)
	if c := r.Sel.Coverage; c.YearAgoIncomplete() && c.YearAgoDays == 0 {
		d.para(r.T("report.yearago.nodata", "YearAgo", PeriodText(c.YearAgo, r.Lang), "From", c.DataFrom), sizeSmall, muted)
	} else if c.YearAgoIncomplete() {
		d.para(r.T("report.yearago.incomplete", "YearAgo", PeriodText(c.YearAgo, r.Lang), "Days", c.YearAgoDays, "N", c.YearAgo.NumDays(), "From", c.DataFrom), sizeSmall, muted)
	}
	d.gap(6)

	d.subheading(r.T("report.sec.highlights"))
	for _, h := range r.highlights() {
		d.paraAt(marginX+10, contentW-10, "• "+h, sizeBody, ink)
	}
	d.gap(6)

	d.subheading(r.T("report.sec.flagged"))
	if len(r.Flagged) == 0 {
		d.para(r.T("report.flagged.none"), sizeBody, muted)
	}
	for _, s := range r.Flagged {
		d.need(lineH(sizeBody) * 2)
		d.setColor(ink)
		d.textAt(marginX, d.y, storeLabel(s.Store.Code, s.Store.Name), sizeBody)
		d.y += lineH(sizeBody)
		for _, f := range s.Flags {
			d.paraAt(marginX+12, contentW-12, "• "+f.Reason.In(r.Lang), sizeSmall, bad)
		}
		d.gap(2)
	}
	return nil
}

func (*summary) WriteExcel(_ context.Context, b *Book, r *Report) error {
	sh, err := b.sheet(r.T("report.sheet.summary"))
	if err != nil {
		return err
	}
	note := r.Scope() + " · " + r.PeriodText() + " · " + r.T("report.made", "At", r.Now.Format("2006-01-02 15:04"), "Stores", len(r.Rows))
	if c := r.coverageNote(); c != "" {
		note += " · " + c
	}
	if err := b.title(sh, r.Title(), note); err != nil {
		return err
	}
	cols := []xcol{{r.T("report.col.metric"), 22, sText}, {r.T("report.col.value"), 16, sText},
		{r.T("report.col.previous"), 16, sText}, {r.T("report.col.change"), 11, sPct},
		{r.T("report.col.yearago"), 16, sText}, {r.T("report.col.change"), 11, sPct}}
	var rows [][]any
	for _, t := range r.Sel.Tiles {
		label := t.Metric.Label(r.Lang)
		if t.Metric == insight.Dwell {
			label = r.T("report.col.dwellmin")
		}
		rows = append(rows, []any{label, metricValueCell(t.Metric, t.Value, t.OK),
			metricValueCell(t.Metric, t.Previous, t.PrevOK), relCell(t.Change()),
			metricValueCell(t.Metric, t.YearAgo, t.YearAgoOK), relCell(t.YearChange())})
	}
	const top = 4
	last, err := b.table(sh, top, cols, rows)
	if err != nil {
		return err
	}
	// Each tile's value columns take the tile's own format.
	for i, t := range r.Sel.Tiles {
		st := b.styles[metricStyle(t.Metric)]
		for _, c := range []int{2, 3, 5} {
			if err := b.f.SetCellStyle(sh, cellName(c, top+1+i), cellName(c, top+1+i), st); err != nil {
				return err
			}
		}
	}
	if err := b.freeze(sh, top, 0); err != nil {
		return err
	}
	row := last + 2
	if err := b.f.SetCellValue(sh, cellName(1, row), r.T("report.sec.highlights")); err != nil {
		return err
	}
	if err := b.f.SetCellStyle(sh, cellName(1, row), cellName(1, row), b.styles[sHead]); err != nil {
		return err
	}
	for _, h := range r.highlights() {
		row++
		if err := b.f.SetCellValue(sh, cellName(1, row), h); err != nil {
			return err
		}
	}
	// The flags, one row each, for filtering.
	fs, err := b.sheet(r.T("report.sheet.flags"))
	if err != nil {
		return err
	}
	fcols := []xcol{{r.T("report.col.store"), 10, sText}, {r.T("report.col.name"), 22, sText}, {r.T("report.col.kind"), 16, sText},
		{r.T("report.col.metric"), 14, sText}, {r.T("report.col.tag"), 12, sText}, {r.T("report.col.days"), 24, sText},
		{r.T("report.col.reason"), 90, sText}}
	var frows [][]any
	for _, s := range r.Flagged {
		for _, f := range s.Flags {
			metric := ""
			if f.Metric != "" {
				metric = f.Metric.Label(r.Lang)
			}
			frows = append(frows, []any{f.Store, f.StoreName, i18n.Say("flag." + string(f.Kind)).In(r.Lang), metric, f.Tag,
				strings.Join(f.Days, ", "), f.Reason.In(r.Lang)})
		}
	}
	// Names, kinds, metrics and days in full.
	for _, c := range []struct {
		col   int
		limit float64
	}{{1, 30}, {2, 30}, {3, 24}, {5, 80}} {
		fitWidth(fcols, frows, c.col, c.limit)
	}
	_, err = b.table(fs, 1, fcols, frows)
	return err
}

// relCell is a relative change as a number for a percentage format.
func relCell(c insight.Change) any {
	rel, ok := c.Relative()
	if !ok {
		return nil
	}
	return rel
}
