package report

import (
	"context"
	"fmt"
	"strings"

	"github.com/xuri/excelize/v2"

	"storelens/app/insight"
)

// storesSection is every reported store's KPIs beside the tag averages it
// is compared with, and its ranks in the region and the tag.
type storesSection struct{}

func (*storesSection) Collect(context.Context, *Report) error { return nil }

// compared are the metrics set beside a tag average.
var compared = []insight.Metric{insight.DailyEntries, insight.EntryRate, insight.Conversion, insight.ATV}

// rankText is a rank for a reader ("3/120"), "—" when there is none.
func rankText(rk insight.Rank, ok bool) string {
	if !ok || rk.Position <= 0 {
		return "—"
	}
	return fmt.Sprintf("%d/%d", rk.Position, rk.Of)
}

// tagRank is the store's rank for m among the stores of the tag it is
// compared with.
func (r *Report) tagRank(s insight.StoreKPIs, m insight.Metric) (insight.Rank, string, bool) {
	_, tag, ok := r.Base.TagAverageFor(s, m)
	if !ok {
		return insight.Rank{}, "", false
	}
	rk, ok := s.TagRank[tag][m]
	return rk, tag, ok
}

func (*storesSection) WritePDF(d *Doc, r *Report) error {
	d.newPage()
	d.bookmark(r.T("report.sec.stores"))
	d.heading(r.T("report.sec.stores"))
	d.para(r.T("report.stores.note"), sizeSmall, muted)
	d.gap(4)
	cols := []column{{title: r.T("report.col.store"), width: 40}, {title: r.T("report.col.name"), width: 84},
		{title: insight.DailyEntries.Label(r.Lang), width: 50, right: true}, {title: r.T("report.col.tagavg"), width: 44, right: true},
		{title: insight.EntryRate.Label(r.Lang), width: 44, right: true}, {title: r.T("report.col.tagavg"), width: 44, right: true},
		{title: insight.Conversion.Label(r.Lang), width: 44, right: true}, {title: r.T("report.col.tagavg"), width: 44, right: true},
		{title: insight.Sales.Label(r.Lang), width: 58, right: true}, {title: r.T("report.col.ranks"), right: true}}
	var rows [][]cell
	for _, s := range r.Rows {
		row := []cell{txt(s.Store.Code), txt(s.Store.Name)}
		for _, m := range []insight.Metric{insight.DailyEntries, insight.EntryRate, insight.Conversion} {
			v, ok := s.KPIs.Value(m)
			val := txt(insight.FormatValueIn(m, v, ok, r.Lang))
			avg, _, aok := r.Base.TagAverageFor(s, m)
			switch {
			case s.CountsSuspect && m.FromCounts():
				val = colored(val.text+" "+r.T("report.suspectmark"), muted)
			case ok && aok && v < avg:
				val = colored(val.text, bad)
			}
			row = append(row, val, colored(insight.FormatValueIn(m, avg, aok, r.Lang), muted))
		}
		row = append(row, txt(s.KPIs.Format(insight.Sales)))
		rk, rok := s.Rank[insight.DailyEntries]
		trk, _, tok := r.tagRank(s, insight.DailyEntries)
		row = append(row, txt(rankText(rk, rok)+" · "+rankText(trk, tok)))
		rows = append(rows, row)
	}
	d.table(cols, rows, 7.2)
	return nil
}

func (*storesSection) WriteExcel(_ context.Context, b *Book, r *Report) error {
	sh, err := b.sheet(r.T("report.sheet.stores"))
	if err != nil {
		return err
	}
	L := func(m insight.Metric) string { return m.Label(r.Lang) }
	avg := func(m insight.Metric) string { return r.T("report.col.tagavgof", "Metric", m.Label(r.Lang)) }
	cols := []xcol{{r.T("report.col.store"), 10, sText}, {r.T("report.col.name"), 22, sText}, {r.T("report.col.city"), 10, sText},
		{r.T("report.col.tags"), 18, sText}, {r.T("report.col.comparedtag"), 12, sText}, {r.T("report.col.flags"), 8, sInt},
		{r.T("report.col.tradingdays"), 9, sInt}, {r.T("report.col.openhours"), 9, sInt}, {r.T("report.col.suspecthours"), 9, sInt},
		{r.T("report.col.counts"), 14, sText},
		{L(insight.Entries), 11, sInt}, {L(insight.PassersBy), 11, sInt}, {L(insight.Transactions), 11, sInt},
		{L(insight.Sales), 15, sMoney}, {r.T("report.col.dwellmin"), 10, sDec1}}
	first := len(cols) + 1 // the compared metrics and their averages follow
	for _, m := range compared {
		cols = append(cols, xcol{L(m), 11, metricStyle(m)}, xcol{avg(m), 11, metricStyle(m)})
	}
	for _, m := range compared {
		cols = append(cols, xcol{r.T("report.col.rankof", "Metric", L(m)), 9, sInt}, xcol{r.T("report.col.tagrankof", "Metric", L(m)), 9, sInt})
	}
	cols = append(cols, xcol{r.T("report.col.entriesprev"), 11, sInt}, xcol{r.T("report.col.changeprev"), 10, sPct},
		xcol{r.T("report.col.entriesyago"), 11, sInt}, xcol{r.T("report.col.changeyago"), 10, sPct})
	var rows [][]any
	for _, s := range r.Rows {
		k := s.KPIs
		_, tag, _ := r.Base.TagAverageFor(s, insight.DailyEntries)
		// Suspect counts are not compared (the dashboard's rule): the
		// figures from them have no tag average beside them, so nothing
		// colours them as under-performance, and no rank.
		counts := ""
		if s.CountsSuspect {
			counts = r.T("report.counts.suspect")
		}
		row := []any{s.Store.Code, s.Store.Name, s.Store.City, strings.Join(s.Store.Tags, ", "), tag, len(s.Flags),
			k.TradingDays, k.OpenHours, k.SuspectHours, counts, k.Entries, k.PassersBy, k.Transactions, moneyCell(k.SalesFen), metricValueCell(insight.Dwell, k.DwellSeconds.Value(), k.DwellSeconds.Valid())}
		for _, m := range compared {
			v, _ := metricCell(k, m)
			a, _, ok := r.Base.TagAverageFor(s, m)
			if s.CountsSuspect && m.FromCounts() {
				ok = false
			}
			row = append(row, v, metricValueCell(m, a, ok))
		}
		for _, m := range compared {
			rk, ok := s.Rank[m]
			trk, _, tok := r.tagRank(s, m)
			if s.CountsSuspect && m.FromCounts() {
				ok, tok = false, false
			}
			row = append(row, rankCell(rk, ok), rankCell(trk, tok))
		}
		entries := func(p insight.KPIs) any {
			if p.TradingDays == 0 {
				return nil
			}
			return p.Entries
		}
		row = append(row, entries(s.Previous), relCell(kpiChange(k, s.Previous)), entries(s.YearAgo), relCell(kpiChange(k, s.YearAgo)))
		rows = append(rows, row)
	}
	fitWidth(cols, rows, 3, 40) // the tags, in full
	last, err := b.table(sh, 1, cols, rows)
	if err != nil {
		return err
	}
	if err := b.freeze(sh, 1, 2); err != nil {
		return err
	}
	for i := range compared {
		c := first + 2*i
		if err := b.belowAverage(sh, c, c+1, 2, last); err != nil {
			return err
		}
	}
	if err := r.storesChart(b, sh, first, last, len(cols)); err != nil {
		return err
	}
	return r.tagSheet(b)
}

func rankCell(rk insight.Rank, ok bool) any {
	if !ok || rk.Position <= 0 {
		return nil
	}
	return rk.Position
}

// kpiChange is the change of entries against an earlier period's KPIs.
func kpiChange(now, before insight.KPIs) insight.Change {
	return insight.Change{Now: float64(now.Entries), Before: float64(before.Entries), NowOK: now.TradingDays > 0, BeforeOK: before.TradingDays > 0}
}

// chartStores is how many stores the native chart shows (the first rows:
// flagged first).
const chartStores = 30

// storesChart is a native column chart of entries per day beside the tag
// average, for the first stores of the sheet.
func (r *Report) storesChart(b *Book, sh string, col, last, width int) error {
	if last < 2 {
		return nil
	}
	end := min(last, 1+chartStores)
	ref := func(c int) string { return fmt.Sprintf("'%s'!$%s$2:$%s$%d", sh, colName(c), colName(c), end) }
	name := func(c int) string { return fmt.Sprintf("'%s'!$%s$1", sh, colName(c)) }
	return b.f.AddChart(sh, cellName(width+2, 2), &excelize.Chart{
		Type: excelize.Col,
		Series: []excelize.ChartSeries{
			{Name: name(col), Categories: ref(2), Values: ref(col)},
			{Name: name(col + 1), Categories: ref(2), Values: ref(col + 1)},
		},
		Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: r.T("report.chart.stores", "N", end-1)}}},
		Dimension: excelize.ChartDimension{Width: 900, Height: 380},
		Legend:    excelize.ChartLegend{Position: "bottom"},
		YAxis:     excelize.ChartAxis{MajorGridLines: true},
	})
}

// tagSheet is the tag averages the stores are compared with.
func (r *Report) tagSheet(b *Book) error {
	sh, err := b.sheet(r.T("report.sheet.tags"))
	if err != nil {
		return err
	}
	cols := []xcol{{r.T("report.col.tag"), 14, sText}, {r.T("report.col.stores"), 8, sInt}}
	for _, m := range insight.Metrics {
		cols = append(cols, xcol{m.Label(r.Lang), 12, metricStyle(m)})
	}
	var rows [][]any
	for _, ta := range r.Base.TagAverages {
		row := []any{ta.Tag, ta.Stores}
		for _, m := range insight.Metrics {
			v, ok := ta.Mean[m]
			if ta.N != nil && ta.N[m] == 0 {
				ok = false
			}
			row = append(row, metricValueCell(m, v, ok))
		}
		rows = append(rows, row)
	}
	_, err = b.table(sh, 1, cols, rows)
	return err
}
