package report

import (
	"context"
	"fmt"
	"time"

	"storelens/app/i18n"
	"storelens/localdb"
)

// health is camera health over the period: the alerts open at some time
// in it, and the open hours whose counts are suspect, per store.
type health struct {
	alerts  []localdb.StoreCameraAlert
	suspect []suspectStore
	// openAtEnd counts the alerts still open when the period ended.
	openAtEnd int
	stores    int
}

type suspectStore struct {
	code, name      string
	open, suspect   int
	countsJudgeable bool
}

// localBounds are the period's first and last instants on the clock loc.
func (r *Report) localBounds(loc *time.Location) (time.Time, time.Time) {
	f, t := r.Period.From, r.Period.To
	return time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, loc), time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

func (h *health) Collect(ctx context.Context, r *Report) error {
	// A day either side covers every store's clock; each alert is then
	// checked on its own store's.
	all, err := r.src.DB.CameraAlertsBetween(ctx, r.Period.From.AddDate(0, 0, -1), r.Period.To.AddDate(0, 0, 1))
	if err != nil {
		return err
	}
	stores := map[string]bool{}
	for _, a := range all {
		if !r.Has(a.StoreCode) {
			continue
		}
		from, to := r.localBounds(storeZone(a.TimeZone))
		if !a.Started.Before(to) || (!a.Ended.IsZero() && !a.Ended.After(from)) {
			continue
		}
		h.alerts = append(h.alerts, a)
		stores[a.StoreCode] = true
		if a.Ended.IsZero() || a.Ended.After(to) {
			h.openAtEnd++
		}
	}
	h.stores = len(stores)
	for _, s := range r.Rows {
		if s.KPIs.SuspectHours > 0 {
			h.suspect = append(h.suspect, suspectStore{code: s.Store.Code, name: s.Store.Name, open: s.KPIs.OpenHours,
				suspect: s.KPIs.SuspectHours, countsJudgeable: !s.CountsSuspect})
		}
	}
	return nil
}

func (h *health) suspectHours() (hours, stores int) {
	for _, s := range h.suspect {
		hours += s.suspect
	}
	return hours, len(h.suspect)
}

func (h *health) Highlights(r *Report) []i18n.Text {
	hours, stores := h.suspectHours()
	return []i18n.Text{
		i18n.Say("report.hl.alerts", "N", len(h.alerts), "Stores", h.stores, "Open", h.openAtEnd),
		i18n.Say("report.hl.suspect", "Hours", hours, "Stores", stores),
	}
}

func alertKind(k, lang string) string { return i18n.Say("alert." + k).In(lang) }

func alertSource(s, lang string) string { return i18n.Say("report.source." + s).In(lang) }

// alertEnd is an alert's end for a reader, or "open".
func (r *Report) alertEnd(a localdb.StoreCameraAlert) string {
	if a.Ended.IsZero() {
		return r.T("report.alert.open")
	}
	return a.Ended.In(storeZone(a.TimeZone)).Format("01-02 15:04")
}

// alertHours is how long an alert lasted (up to now while open).
func (r *Report) alertHours(a localdb.StoreCameraAlert) float64 {
	end := a.Ended
	if end.IsZero() {
		end = r.Now
	}
	return end.Sub(a.Started).Hours()
}

func (h *health) WritePDF(d *Doc, r *Report) error {
	d.newPage()
	d.bookmark(r.T("report.sec.health"))
	d.heading(r.T("report.sec.health"))
	for _, t := range h.Highlights(r) {
		d.para(t.In(r.Lang), sizeBody, ink)
	}
	d.gap(4)
	if len(h.alerts) > 0 {
		d.subheading(r.T("report.sec.alerts"))
		cols := []column{{title: r.T("report.col.store"), width: 40}, {title: r.T("report.col.name"), width: 90}, {title: r.T("report.col.camera"), width: 80},
			{title: r.T("report.col.kind"), width: 60}, {title: r.T("report.col.source"), width: 50}, {title: r.T("report.col.start"), width: 62},
			{title: r.T("report.col.end"), width: 62}, {title: r.T("report.col.hours"), right: true}}
		var rows [][]cell
		for _, a := range h.alerts {
			end := txt(r.alertEnd(a))
			if a.Ended.IsZero() {
				end = colored(end.text, bad)
			}
			rows = append(rows, []cell{txt(a.StoreCode), txt(a.StoreName), txt(a.CameraName), txt(alertKind(a.Kind, r.Lang)), txt(alertSource(a.Source, r.Lang)),
				txt(a.Started.In(storeZone(a.TimeZone)).Format("01-02 15:04")), end, txt(fmt.Sprintf("%.1f", r.alertHours(a)))})
		}
		d.table(cols, rows, sizeSmall)
	}
	if len(h.suspect) > 0 {
		d.subheading(r.T("report.sec.suspect"))
		cols := []column{{title: r.T("report.col.store"), width: 50}, {title: r.T("report.col.name"), width: 150},
			{title: r.T("report.col.openhours"), width: 70, right: true}, {title: r.T("report.col.suspecthours"), width: 70, right: true},
			{title: r.T("report.col.share"), width: 60, right: true}, {title: r.T("report.col.judged")}}
		var rows [][]cell
		for _, s := range h.suspect {
			judged := txt(r.T("report.yes"))
			if !s.countsJudgeable {
				judged = colored(r.T("report.suspect.notjudged"), bad)
			}
			share := "—"
			if s.open > 0 {
				share = fmt.Sprintf("%.0f%%", 100*float64(s.suspect)/float64(s.open))
			}
			rows = append(rows, []cell{txt(s.code), txt(s.name), txt(fmt.Sprint(s.open)), txt(fmt.Sprint(s.suspect)), txt(share), judged})
		}
		d.table(cols, rows, sizeSmall)
	}
	return nil
}

func (h *health) WriteExcel(_ context.Context, b *Book, r *Report) error {
	sh, err := b.sheet(r.T("report.sheet.alerts"))
	if err != nil {
		return err
	}
	cols := []xcol{{r.T("report.col.store"), 10, sText}, {r.T("report.col.name"), 22, sText}, {r.T("report.col.cameracode"), 12, sText},
		{r.T("report.col.camera"), 18, sText}, {r.T("report.col.kind"), 12, sText}, {r.T("report.col.source"), 10, sText},
		{r.T("report.col.start"), 17, sTime}, {r.T("report.col.end"), 17, sTime}, {r.T("report.col.hours"), 9, sDec1}}
	var rows [][]any
	for _, a := range h.alerts {
		loc := storeZone(a.TimeZone)
		// Times on the store's clock, as numbers Excel can sort and filter.
		start := wallClock(a.Started.In(loc))
		var end any
		if !a.Ended.IsZero() {
			end = wallClock(a.Ended.In(loc))
		}
		rows = append(rows, []any{a.StoreCode, a.StoreName, a.CameraCode, a.CameraName, alertKind(a.Kind, r.Lang), alertSource(a.Source, r.Lang),
			start, end, r.alertHours(a)})
	}
	_, err = b.table(sh, 1, cols, rows)
	return err
}

// wallClock is t's local date and time as a zone-less time, so Excel
// shows the store's clock and not the laptop's.
func wallClock(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
}
