package report

import (
	"context"
	"fmt"
	"sort"
	"time"

	"storelens/app/i18n"
)

// inspections is the scheduled inspections of the period: for each
// schedule and store, the snapshots taken and how they were judged.
type inspections struct {
	rows                                               []inspectionRow
	due, taken, missing, pass, fail, unclear, unjudged int
}

// inspectionRow is one schedule at one store: the moments due in the
// period (up to when the report is made), the snapshots taken of them,
// those missing, and the verdicts.
type inspectionRow struct {
	schedule, store, name                              string
	due, taken, missing, pass, fail, unclear, unjudged int
}

func (s *inspections) Collect(ctx context.Context, r *Report) error {
	// A day either side covers every store's clock; each snapshot is then
	// placed on its own store's.
	shots, err := r.src.DB.InspectionShots(ctx, r.Period.From.AddDate(0, 0, -1), r.Period.To.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, row := range r.Rows {
		names[row.Store.Code] = row.Store.Name
	}
	by := map[[2]string]*inspectionRow{}
	rowOf := func(schedule, store string) *inspectionRow {
		k := [2]string{schedule, store}
		if by[k] == nil {
			by[k] = &inspectionRow{schedule: schedule, store: store, name: names[store]}
		}
		return by[k]
	}
	for _, sh := range shots {
		if !r.Has(sh.StoreCode) || !r.inPeriod(sh.Due, storeZone(sh.TimeZone)) {
			continue
		}
		row := rowOf(sh.Schedule, sh.StoreCode)
		row.taken++
		s.taken++
		switch sh.Verdict {
		case "pass":
			row.pass++
			s.pass++
		case "fail":
			row.fail++
			s.fail++
		case "unclear":
			row.unclear++
			s.unclear++
		default:
			row.unjudged++
			s.unjudged++
		}
	}
	// What was due: each schedule's moments on its store's clock over the
	// period's days, up to now; a moment without a snapshot is missing.
	plan, err := r.src.DB.InspectionPlan(ctx)
	if err != nil {
		return err
	}
	for _, d := range plan {
		if !r.Has(d.StoreCode) {
			continue
		}
		loc := storeZone(d.TimeZone)
		from, err1 := time.ParseInLocation(time.DateOnly, r.Period.FirstDay(), loc)
		last, err2 := time.ParseInLocation(time.DateOnly, r.Period.LastDay(), loc)
		if err1 != nil || err2 != nil {
			continue
		}
		upTo := last.AddDate(0, 0, 1).Add(-time.Second)
		if r.Now.Before(upTo) {
			upTo = r.Now
		}
		n := len(d.Moments(from, upTo, loc))
		if n == 0 {
			continue
		}
		rowOf(d.Name, d.StoreCode).due += n
	}
	for _, row := range by {
		row.missing = max(0, row.due-row.taken)
		s.due += row.due
		s.missing += row.missing
		s.rows = append(s.rows, *row)
	}
	// Most failures first, then by schedule and store.
	sort.Slice(s.rows, func(i, j int) bool {
		a, b := s.rows[i], s.rows[j]
		if a.missing != b.missing {
			return a.missing > b.missing
		}
		if a.fail != b.fail {
			return a.fail > b.fail
		}
		if a.schedule != b.schedule {
			return a.schedule < b.schedule
		}
		return a.store < b.store
	})
	return nil
}

func (s *inspections) Highlights(r *Report) []i18n.Text {
	if s.taken == 0 && s.due == 0 {
		return nil
	}
	return []i18n.Text{i18n.Say("report.hl.inspections", "Due", s.due, "N", s.taken, "Missing", s.missing, "Pass", s.pass, "Fail", s.fail, "Unclear", s.unclear, "Open", s.unjudged)}
}

func (s *inspections) WritePDF(d *Doc, r *Report) error {
	d.need(160)
	d.bookmark(r.T("report.sec.inspections"))
	d.heading(r.T("report.sec.inspections"))
	if s.taken == 0 && s.due == 0 {
		d.para(r.T("report.inspections.none"), sizeBody, muted)
		return nil
	}
	for _, t := range s.Highlights(r) {
		d.para(t.In(r.Lang), sizeBody, ink)
	}
	d.gap(4)
	cols := []column{{title: r.T("report.col.schedule"), width: 104}, {title: r.T("report.col.store"), width: 44}, {title: r.T("report.col.name"), width: 90},
		{title: r.T("report.col.due"), width: 36, right: true}, {title: r.T("report.col.taken"), width: 36, right: true}, {title: r.T("report.col.missing"), width: 36, right: true},
		{title: r.T("report.col.pass"), width: 40, right: true},
		{title: r.T("report.col.fail"), width: 44, right: true}, {title: r.T("report.col.unclear"), width: 44, right: true},
		{title: r.T("report.col.unjudged"), right: true}}
	var rows [][]cell
	for _, row := range s.rows {
		fail := txt(fmt.Sprint(row.fail))
		if row.fail > 0 {
			fail = colored(fail.text, bad)
		}
		missing := txt(fmt.Sprint(row.missing))
		if row.missing > 0 {
			missing = colored(missing.text, bad)
		}
		rows = append(rows, []cell{txt(row.schedule), txt(row.store), txt(row.name), txt(fmt.Sprint(row.due)), txt(fmt.Sprint(row.taken)), missing,
			txt(fmt.Sprint(row.pass)), fail, txt(fmt.Sprint(row.unclear)), txt(fmt.Sprint(row.unjudged))})
	}
	d.table(cols, rows, sizeSmall)
	return nil
}

func (s *inspections) WriteExcel(_ context.Context, b *Book, r *Report) error {
	sh, err := b.sheet(r.T("report.sheet.inspections"))
	if err != nil {
		return err
	}
	cols := []xcol{{r.T("report.col.schedule"), 20, sText}, {r.T("report.col.store"), 10, sText}, {r.T("report.col.name"), 20, sText},
		{r.T("report.col.due"), 9, sInt}, {r.T("report.col.taken"), 9, sInt}, {r.T("report.col.missing"), 9, sInt}, {r.T("report.col.pass"), 9, sInt}, {r.T("report.col.fail"), 9, sInt}, {r.T("report.col.unclear"), 9, sInt}, {r.T("report.col.unjudged"), 9, sInt}}
	var rows [][]any
	for _, row := range s.rows {
		rows = append(rows, []any{row.schedule, row.store, row.name, row.due, row.taken, row.missing, row.pass, row.fail, row.unclear, row.unjudged})
	}
	_, err = b.table(sh, 1, cols, rows)
	return err
}
