package report

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"

	"storelens/app/chart"
	"storelens/app/i18n"
	"storelens/app/insight"
)

// traffic is the figures per day (the region's and each store's) and, in
// the workbook, per hour. The hourly sheet is streamed store by store, so
// a chain of thousands of stores never sits in memory at once.
type traffic struct {
	region []insight.DayPoint
	stores []storeDays
}

type storeDays struct {
	info insight.StoreInfo
	days []insight.DayPoint
}

// filter is the insight filter of the reported stores.
func (r *Report) filter() insight.Filter {
	return insight.Filter{RegionID: r.RegionID, Tag: r.Tag, Codes: r.Codes}
}

func (t *traffic) Collect(ctx context.Context, r *Report) error {
	var tot insight.DayTotals
	err := r.src.Insight.Traffic(ctx, r.Period, r.filter(), func(s insight.StoreInfo, hours []insight.HourPoint) error {
		days := insight.Days(hours)
		tot.Add(days)
		t.stores = append(t.stores, storeDays{info: s, days: days})
		return nil
	})
	t.region = tot.Days()
	return err
}

func (t *traffic) WritePDF(d *Doc, r *Report) error {
	d.need(320)
	d.bookmark(r.T("report.sec.traffic"))
	d.heading(r.T("report.sec.traffic"))
	in := chart.TrafficConversionInput{Step: 24 * time.Hour, EntriesName: insight.Entries.Label(r.Lang), ConversionName: insight.Conversion.Label(r.Lang)}
	for _, day := range t.region {
		ts, err := time.ParseInLocation("2006-01-02", day.Day, time.UTC)
		if err != nil {
			continue
		}
		in.Buckets = append(in.Buckets, chart.HourTraffic{T: ts, Entries: float64(day.Entries), Conversion: insight.HourConversion(day.Entries, day.Transactions)})
	}
	if len(in.Buckets) > 1 {
		img, err := chart.TrafficConversion(chartOptions(760, 230, time.UTC), in)
		if err != nil && !errors.Is(err, chart.ErrNoData) {
			return err
		}
		if err == nil {
			if err := d.image(img.Image, img.Width, img.Height, contentW); err != nil {
				return err
			}
		}
	}
	cols := []column{{title: r.T("report.col.day"), width: 62}, {title: r.T("report.col.weekday"), width: 34},
		{title: insight.Entries.Label(r.Lang), width: 56, right: true}, {title: insight.PassersBy.Label(r.Lang), width: 56, right: true},
		{title: insight.EntryRate.Label(r.Lang), width: 48, right: true}, {title: insight.Transactions.Label(r.Lang), width: 52, right: true},
		{title: insight.Conversion.Label(r.Lang), width: 48, right: true}, {title: insight.Sales.Label(r.Lang), width: 78, right: true},
		{title: insight.ATV.Label(r.Lang), right: true}}
	var rows [][]cell
	for _, day := range t.region {
		rows = append(rows, []cell{txt(day.Day), txt(weekdayName(day.Weekday, r.Lang)), txt(insight.FormatValue(insight.Entries, float64(day.Entries), true)),
			txt(insight.FormatValue(insight.PassersBy, float64(day.PassersBy), true)), txt(day.EntryRate.Percent()),
			txt(insight.FormatValue(insight.Transactions, float64(day.Transactions), true)), txt(day.Conversion.Percent()),
			txt(insight.FormatMoney(day.SalesFen)), txt(insight.FormatValue(insight.ATV, day.ATVFen.Value(), day.ATVFen.Valid()))})
	}
	d.table(cols, rows, sizeSmall)
	return nil
}

var weekdayKeys = []string{"weekday.sun", "weekday.mon", "weekday.tue", "weekday.wed", "weekday.thu", "weekday.fri", "weekday.sat"}

func weekdayName(w time.Weekday, lang string) string { return i18n.Say(weekdayKeys[w]).In(lang) }

// dayCols are the columns of a day's figures.
func (r *Report) dayCols() []xcol {
	L := func(m insight.Metric) string { return m.Label(r.Lang) }
	return []xcol{{r.T("report.col.day"), 11, sDate}, {r.T("report.col.weekday"), 7, sText},
		{r.T("report.col.openhours"), 9, sInt}, {r.T("report.col.suspecthours"), 9, sInt},
		{L(insight.Entries), 11, sInt}, {L(insight.PassersBy), 11, sInt}, {L(insight.EntryRate), 10, sPct},
		{L(insight.Transactions), 11, sInt}, {L(insight.Conversion), 10, sPct}, {L(insight.Sales), 15, sMoney}, {L(insight.ATV), 11, sMoney}}
}

func (r *Report) dayRow(d insight.DayPoint) []any {
	day, _ := time.Parse("2006-01-02", d.Day)
	return []any{day, weekdayName(d.Weekday, r.Lang), d.OpenHours, d.SuspectHours, d.Entries, d.PassersBy, ratioCell(d.EntryRate),
		d.Transactions, ratioCell(d.Conversion), moneyCell(d.SalesFen), metricValueCell(insight.ATV, d.ATVFen.Value(), d.ATVFen.Valid())}
}

func (t *traffic) WriteExcel(ctx context.Context, b *Book, r *Report) error {
	// The region's days, with a native chart of entries and transactions.
	sh, err := b.sheet(r.T("report.sheet.regiondays"))
	if err != nil {
		return err
	}
	var rows [][]any
	for _, d := range t.region {
		rows = append(rows, r.dayRow(d))
	}
	cols := r.dayCols()
	last, err := b.table(sh, 1, cols, rows)
	if err != nil {
		return err
	}
	if last >= 2 {
		ref := func(c int) string {
			return "'" + sh + "'!$" + colName(c) + "$2:$" + colName(c) + "$" + strconv.Itoa(last)
		}
		name := func(c int) string { return "'" + sh + "'!$" + colName(c) + "$1" }
		if err := b.f.AddChart(sh, cellName(len(cols)+2, 2), &excelize.Chart{
			Type: excelize.Line,
			Series: []excelize.ChartSeries{
				{Name: name(5), Categories: ref(1), Values: ref(5)},
				{Name: name(8), Categories: ref(1), Values: ref(8)},
			},
			Title:     excelize.ChartTitle{Paragraph: []excelize.RichTextRun{{Text: r.T("report.chart.region")}}},
			Dimension: excelize.ChartDimension{Width: 720, Height: 340},
			Legend:    excelize.ChartLegend{Position: "bottom"},
			YAxis:     excelize.ChartAxis{MajorGridLines: true},
		}); err != nil {
			return err
		}
	}

	// Every store's days.
	if err := t.streamDays(b, r); err != nil {
		return err
	}
	return t.streamHours(ctx, b, r)
}

// stream starts a streamed sheet with its header row and widths.
func (b *Book) stream(name string, cols []xcol) (*excelize.StreamWriter, string, error) {
	sh, err := b.sheet(name)
	if err != nil {
		return nil, "", err
	}
	sw, err := b.f.NewStreamWriter(sh)
	if err != nil {
		return nil, "", err
	}
	head := make([]any, len(cols))
	for i, c := range cols {
		if err := sw.SetColWidth(i+1, i+1, c.width); err != nil {
			return nil, "", err
		}
		head[i] = b.styled(c.title, sHead)
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, "", err
	}
	return sw, sh, sw.SetRow("A1", head, excelize.RowOpts{Height: 30})
}

// endStream closes a streamed sheet as a table (with its filter buttons).
func (b *Book) endStream(sw *excelize.StreamWriter, name string, cols, rows int) error {
	if rows > 0 {
		if err := sw.AddTable(&excelize.Table{Range: "A1:" + cellName(cols, rows+1), Name: name, StyleName: "TableStyleLight9", ShowRowStripes: boolPtr(true)}); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func boolPtr(b bool) *bool { return &b }

func (t *traffic) streamDays(b *Book, r *Report) error {
	cols := append([]xcol{{r.T("report.col.store"), 10, sText}, {r.T("report.col.name"), 20, sText}}, r.dayCols()...)
	sw, _, err := b.stream(r.T("report.sheet.days"), cols)
	if err != nil {
		return err
	}
	n := 0
	for _, s := range t.stores {
		for _, d := range s.days {
			vals := append([]any{s.info.Code, s.info.Name}, r.dayRow(d)...)
			row := make([]any, len(vals))
			for i, v := range vals {
				row[i] = b.styled(v, cols[i].style)
			}
			n++
			if err := sw.SetRow(cellName(1, n+1), row); err != nil {
				return err
			}
		}
	}
	return b.endStream(sw, "Days", len(cols), n)
}

func (t *traffic) streamHours(ctx context.Context, b *Book, r *Report) error {
	L := func(m insight.Metric) string { return m.Label(r.Lang) }
	cols := []xcol{{r.T("report.col.store"), 10, sText}, {r.T("report.col.day"), 11, sDate}, {r.T("report.col.hour"), 6, sInt},
		{r.T("report.col.open"), 6, sText}, {r.T("report.col.suspect"), 6, sText},
		{L(insight.Entries), 9, sInt}, {r.T("report.col.exits"), 9, sInt}, {L(insight.PassersBy), 9, sInt},
		{L(insight.Transactions), 9, sInt}, {L(insight.Sales), 13, sMoney}, {r.T("report.col.staff"), 8, sDec1}}
	sw, _, err := b.stream(r.T("report.sheet.hours"), cols)
	if err != nil {
		return err
	}
	yes, no := r.T("report.yes"), ""
	yn := func(v bool) string {
		if v {
			return yes
		}
		return no
	}
	n := 0
	row := make([]any, len(cols))
	err = r.src.Insight.Traffic(ctx, r.Period, r.filter(), func(s insight.StoreInfo, hours []insight.HourPoint) error {
		for _, h := range hours {
			day, _ := time.Parse("2006-01-02", h.LocalDay)
			vals := [...]any{s.Code, day, h.LocalHour, yn(h.Open), yn(h.Suspect), h.Entries, h.Exits, h.PassersBy, h.Transactions, moneyCell(h.SalesFen), h.Staff}
			for i, v := range vals {
				row[i] = b.styled(v, cols[i].style)
			}
			n++
			if err := sw.SetRow(cellName(1, n+1), row); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return b.endStream(sw, "Hours", len(cols), n)
}

// chartOptions are the charts of the PDF: light, drawn at print
// resolution for w points of width (a 760-pixel chart over the column).
func chartOptions(w, h int, loc *time.Location) chart.Options {
	return chart.Options{Width: w, Height: h, Scale: 2.2, Location: loc, Palette: chart.LightPalette()}
}
