package report

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"storelens/app/chart"
	"storelens/app/i18n"
	"storelens/app/insight"
	"storelens/localdb"
)

// storePages is a PDF page for each flagged store, most serious first:
// its flags, its KPIs beside the tag averages, traffic against the
// predicted band, the weekday and weekend hourly curves, the staff ratio
// and its corrective tasks. The charts are the store page's own.
type storePages struct {
	pages []storePage
	// left are the flagged stores beyond the cap, listed by code.
	left []string
}

type storePage struct {
	row    insight.StoreKPIs
	detail insight.StoreDetail
	charts []pageChart
	tasks  []localdb.TaskSummary
}

type pageChart struct {
	title string
	img   *chart.Rendered // nil: no data (said in words)
	half  bool            // half the width, beside the next one
}

func (p *storePages) Collect(ctx context.Context, r *Report) error {
	if !slices.Contains(r.Formats, PDF) {
		return nil
	}
	in := r.src.Insight
	// A store's page compares it with its region, as the store screen
	// does: one region overview for the pages of each region.
	regions := map[string]*insight.RegionOverview{}
	if r.Tag == "" && r.RegionID != "" {
		regions[r.RegionID] = &r.Base
	}
	names := chart.Names(r.Lang)
	for i, row := range r.Flagged {
		if i >= r.MaxStorePages {
			p.left = append(p.left, row.Store.Code)
			continue
		}
		ov, ok := regions[row.Store.RegionID]
		if !ok {
			o, err := in.Region(ctx, r.Period, insight.Filter{RegionID: row.Store.RegionID})
			if err != nil {
				return err
			}
			ov = &o
			regions[row.Store.RegionID] = ov
		}
		d, err := in.StoreIn(ctx, *ov, row.Store.Code)
		if err != nil {
			return err
		}
		loc := storeZone(d.Store.TimeZone)
		sc := chart.ForStore(d, loc, names)
		page := storePage{row: row, detail: d}
		add := func(title string, half bool, draw func() (*chart.Rendered, error)) error {
			img, err := draw()
			if err != nil && !errors.Is(err, chart.ErrNoData) {
				return fmt.Errorf("%s %s: %w", row.Store.Code, title, err)
			}
			page.charts = append(page.charts, pageChart{title: title, img: img, half: half})
			return nil
		}
		w := 380
		if err := add(r.T("report.chart.forecast"), false, func() (*chart.Rendered, error) {
			return chart.Forecast(chartOptions(760, 220, loc), sc.Forecast)
		}); err != nil {
			return err
		}
		if err := add(r.T("report.chart.hourly"), true, func() (*chart.Rendered, error) {
			return chart.HourlyProfile(chartOptions(w, 210, loc), sc.Hourly)
		}); err != nil {
			return err
		}
		if err := add(r.T("report.chart.staff"), true, func() (*chart.Rendered, error) {
			return chart.StaffRatio(chartOptions(w, 210, loc), sc.Staff)
		}); err != nil {
			return err
		}
		if page.tasks, err = r.src.DB.StoreTasks(ctx, d.Store.ID, 8); err != nil {
			return err
		}
		p.pages = append(p.pages, page)
	}
	return nil
}

func (p *storePages) WritePDF(d *Doc, r *Report) error {
	for i, pg := range p.pages {
		d.newPage()
		if i == 0 {
			d.bookmark(r.T("report.sec.storepages"))
		}
		s := pg.detail.Store
		title := storeLabel(s.Code, s.Name)
		d.bookmark(title)
		d.heading(title)
		facts := []string{}
		if len(s.Tags) > 0 {
			facts = append(facts, strings.Join(s.Tags, "、"))
		}
		if s.City != "" {
			facts = append(facts, s.City)
		}
		if s.OpeningHours != "" {
			facts = append(facts, r.T("report.store.hours", "Hours", s.OpeningHours))
		}
		d.para(strings.Join(facts, " · "), sizeSmall, muted)
		for _, f := range pg.row.Flags {
			d.paraAt(marginX+8, contentW-8, "• "+f.Reason.In(r.Lang), sizeBody, bad)
		}
		d.gap(4)
		p.kpiTable(d, r, pg)
		for j := 0; j < len(pg.charts); j++ {
			c := pg.charts[j]
			if c.half && j+1 < len(pg.charts) && pg.charts[j+1].half {
				if err := d.pair(c.title, c.img, pg.charts[j+1].title, pg.charts[j+1].img, r.T("report.chart.nodata")); err != nil {
					return err
				}
				j++
				continue
			}
			d.subheading(c.title)
			if c.img == nil {
				d.para(r.T("report.chart.nodata"), sizeSmall, muted)
				continue
			}
			if err := d.image(c.img.Image, c.img.Width, c.img.Height, contentW); err != nil {
				return err
			}
		}
		switch {
		case pg.row.CountsSuspect:
			// The staff ratio is entries per staff member: from suspect
			// counts it concludes nothing.
			d.para(r.T("report.store.suspect"), sizeSmall, muted)
		case pg.detail.Staff.All.Hours > 0:
			d.para(pg.detail.Staff.All.Summary().In(r.Lang), sizeSmall, ink)
		}
		d.subheading(r.T("report.sec.storetasks"))
		if len(pg.tasks) == 0 {
			d.para(r.T("report.tasks.nonestore"), sizeSmall, muted)
		}
		for _, t := range pg.tasks {
			loc := storeZone(t.StoreZone)
			line := fmt.Sprintf("%s · %s · %s", t.Created.In(loc).Format("2006-01-02"), taskStatus(t.Status, r.Lang), t.Title)
			if t.DueOn != "" {
				line += " · " + r.T("report.task.due", "Due", t.DueOn)
			}
			d.paraAt(marginX+8, contentW-8, "• "+line, sizeSmall, ink)
		}
	}
	if len(p.left) > 0 {
		d.gap(6)
		d.para(r.T("report.storepages.more", "N", len(p.left), "Codes", strings.Join(p.left, ", ")), sizeSmall, muted)
	}
	return nil
}

// kpiTable is a store's KPIs beside the tag average it is compared with
// and its ranks.
func (p *storePages) kpiTable(d *Doc, r *Report, pg storePage) {
	cols := []column{{title: r.T("report.col.metric"), width: 110}, {title: r.T("report.col.value"), width: 80, right: true},
		{title: r.T("report.col.tagavg"), width: 80, right: true}, {title: r.T("report.col.rankregion"), width: 70, right: true},
		{title: r.T("report.col.ranktag"), width: 70, right: true}, {title: r.T("report.col.changeprev"), right: true}}
	var rows [][]cell
	k := pg.row.KPIs
	for _, m := range []insight.Metric{insight.DailyEntries, insight.EntryRate, insight.Conversion, insight.ATV, insight.Sales, insight.Dwell} {
		v, ok := k.Value(m)
		avg, _, aok := r.Base.TagAverageFor(pg.row, m)
		val := txt(insight.FormatValueIn(m, v, ok, r.Lang))
		switch {
		case pg.row.CountsSuspect && m.FromCounts():
			// Suspect counts are no under-performance: shown, not judged.
			val = colored(val.text+" "+r.T("report.suspectmark"), muted)
		case ok && aok && v < avg:
			val = colored(val.text, bad)
		}
		rk, rok := pg.row.Rank[m]
		trk, _, tok := r.tagRank(pg.row, m)
		pv, pok := pg.row.Previous.Value(m)
		ch := insight.Change{Now: v, Before: pv, NowOK: ok, BeforeOK: pok && pg.row.Previous.TradingDays > 0}
		rows = append(rows, []cell{txt(m.Label(r.Lang)), val, colored(insight.FormatValueIn(m, avg, aok, r.Lang), muted),
			txt(rankText(rk, rok)), txt(rankText(trk, tok)), changeCell(ch)})
	}
	d.table(cols, rows, sizeSmall)
}

func taskStatus(s, lang string) string { return i18n.Say("task." + s).In(lang) }

// WriteExcel writes nothing: the workbook has every store's figures in
// its own sheets.
func (*storePages) WriteExcel(context.Context, *Book, *Report) error { return nil }
