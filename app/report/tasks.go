package report

import (
	"context"
	"time"

	"storelens/app/i18n"
	"storelens/app/insight"
	"storelens/app/vocab"
	"storelens/localdb"
)

// effectWindow is how far back "recent weeks" reach for the effect of
// tasks done.
const effectWindow = 8 * 7 * 24 * time.Hour

// tasks is the corrective tasks of the reported stores: raised and done
// in the period, overdue at its end, and the measured effect of those done
// in the weeks before its end.
type tasks struct {
	rows                  []taskRow
	raised, done, overdue int
	effects               []insight.TaskEffect
}

type taskRow struct {
	t                     localdb.TaskSummary
	raised, done, overdue bool
}

func (s *tasks) Collect(ctx context.Context, r *Report) error {
	all, err := r.src.DB.Tasks(ctx, localdb.TaskFilter{})
	if err != nil {
		return err
	}
	for _, t := range all {
		if !r.Has(t.StoreCode) || t.Status == vocab.TaskDraft {
			continue
		}
		loc := storeZone(t.StoreZone)
		from, to := r.localBounds(loc)
		if !t.Created.Before(to) {
			continue // raised after the period
		}
		row := taskRow{t: t, raised: r.inPeriod(t.Created, loc), done: !t.Done.IsZero() && r.inPeriod(t.Done, loc)}
		row.overdue = t.DueOn != "" && t.DueOn <= r.Period.LastDay() && (t.Done.IsZero() || !t.Done.Before(to))
		if row.raised || row.done || row.overdue {
			s.rows = append(s.rows, row)
		}
		s.raised += b2i(row.raised)
		s.done += b2i(row.done)
		s.overdue += b2i(row.overdue)
		if !t.Done.IsZero() && t.Done.Before(to) && t.Done.After(from.Add(-effectWindow)) {
			te, err := r.src.Insight.TaskEffect(ctx, t.ID)
			if err != nil {
				return err
			}
			s.effects = append(s.effects, te)
		}
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *tasks) measured() int {
	n := 0
	for _, e := range s.effects {
		if e.Weeks > 0 {
			n++
		}
	}
	return n
}

func (s *tasks) Highlights(r *Report) []i18n.Text {
	return []i18n.Text{i18n.Say("report.hl.tasks", "Raised", s.raised, "Done", s.done, "Overdue", s.overdue),
		i18n.Say("report.hl.effects", "N", s.measured())}
}

func (s *tasks) flags(r *Report, row taskRow) string {
	out := ""
	add := func(ok bool, key string) {
		if ok {
			if out != "" {
				out += " · "
			}
			out += r.T(key)
		}
	}
	add(row.raised, "report.task.raised")
	add(row.done, "report.task.done")
	add(row.overdue, "report.task.overdue")
	return out
}

func taskCategory(c, lang string) string { return i18n.Say("taskcat." + c).In(lang) }

func (s *tasks) WritePDF(d *Doc, r *Report) error {
	d.need(200)
	d.bookmark(r.T("report.sec.tasks"))
	d.heading(r.T("report.sec.tasks"))
	for _, t := range s.Highlights(r) {
		d.para(t.In(r.Lang), sizeBody, ink)
	}
	d.gap(4)
	if len(s.rows) > 0 {
		cols := []column{{title: r.T("report.col.store"), width: 40}, {title: r.T("report.col.title"), width: 150},
			{title: r.T("report.col.category"), width: 56}, {title: r.T("report.col.status"), width: 50},
			{title: r.T("report.col.raised"), width: 52}, {title: r.T("report.col.due"), width: 52}, {title: r.T("report.col.inperiod")}}
		var rows [][]cell
		for _, row := range s.rows {
			t := row.t
			mark := txt(s.flags(r, row))
			if row.overdue {
				mark = colored(mark.text, bad)
			}
			rows = append(rows, []cell{txt(t.StoreCode), txt(t.Title), txt(taskCategory(t.Category, r.Lang)), txt(taskStatus(t.Status, r.Lang)),
				txt(t.Created.In(storeZone(t.StoreZone)).Format("2006-01-02")), txt(dash(t.DueOn)), mark})
		}
		d.table(cols, rows, sizeSmall)
	}
	if len(s.effects) > 0 {
		d.subheading(r.T("report.sec.effects"))
		cols := []column{{title: r.T("report.col.store"), width: 40}, {title: r.T("report.col.title"), width: 170},
			{title: r.T("report.col.kpi"), width: 60}, {title: r.T("report.col.effect"), width: 200}, {title: r.T("report.col.change"), right: true}}
		var rows [][]cell
		for _, e := range s.effects {
			ch := colored("—", muted)
			if e.Weeks > 0 {
				ch = changeCell(e.Change)
			}
			rows = append(rows, []cell{txt(e.Store), txt(e.Title), txt(e.Metric.Label(r.Lang)), txt(e.Summary.In(r.Lang)), ch})
		}
		d.table(cols, rows, sizeSmall)
	}
	return nil
}

func dash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (s *tasks) WriteExcel(ctx context.Context, b *Book, r *Report) error {
	sh, err := b.sheet(r.T("report.sheet.tasks"))
	if err != nil {
		return err
	}
	cols := []xcol{{r.T("report.col.store"), 10, sText}, {r.T("report.col.name"), 20, sText}, {r.T("report.col.title"), 36, sText},
		{r.T("report.col.category"), 12, sText}, {r.T("report.col.kpi"), 12, sText}, {r.T("report.col.status"), 10, sText},
		{r.T("report.col.raised"), 17, sTime}, {r.T("report.col.due"), 11, sText}, {r.T("report.col.donedate"), 17, sTime},
		{r.T("report.task.raised"), 9, sText}, {r.T("report.task.done"), 9, sText}, {r.T("report.task.overdue"), 9, sBadText},
		{r.T("report.col.effect"), 40, sText}, {r.T("report.col.change"), 10, sPct}}
	effects := map[string]insight.TaskEffect{}
	for _, e := range s.effects {
		effects[e.TaskID] = e
	}
	yes := r.T("report.yes")
	yn := func(v bool) any {
		if v {
			return yes
		}
		return nil
	}
	var rows [][]any
	seen := map[string]bool{}
	add := func(t localdb.TaskSummary, row taskRow) {
		seen[t.ID] = true
		loc := storeZone(t.StoreZone)
		var done, kpi any
		if !t.Done.IsZero() {
			done = wallClock(t.Done.In(loc))
		}
		if t.KPI != "" {
			kpi = insight.Metric(t.KPI).Label(r.Lang)
		}
		var effect, change any
		if e, ok := effects[t.ID]; ok {
			effect = e.Summary.In(r.Lang)
			if e.Weeks > 0 {
				change = relCell(e.Change)
			}
		}
		rows = append(rows, []any{t.StoreCode, t.StoreName, t.Title, taskCategory(t.Category, r.Lang), kpi, taskStatus(t.Status, r.Lang),
			wallClock(t.Created.In(loc)), t.DueOn, done, yn(row.raised), yn(row.done), yn(row.overdue), effect, change})
	}
	for _, row := range s.rows {
		add(row.t, row)
	}
	// Tasks whose effect is measured but that did nothing in the period.
	for _, e := range s.effects {
		if !seen[e.TaskID] {
			if t, err := r.src.DB.Task(ctx, e.TaskID); err == nil {
				add(t, taskRow{})
			}
		}
	}
	_, err = b.table(sh, 1, cols, rows)
	return err
}
