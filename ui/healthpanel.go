package ui

// This file is the dashboard's camera-health panel: the open camera
// alerts that make stores' counts suspect.

import (
	"fmt"
	"storelens/app"
	"storelens/app/insight"
	"strings"
)

// showHealth lists the stores whose numbers are suspect now and why, and
// the state of the data on this laptop.
func (d *Dashboard) showHealth(alerts []app.CameraAlert, err error) {
	var b strings.Builder
	if d.sync != nil {
		st := d.sync()
		switch {
		case st.Running:
			b.WriteString(tr("dashboard.sync.running", "Sync is running: the figures will update when it finishes."))
		case st.LastSync.IsZero():
			b.WriteString(tr("dashboard.sync.never", "Never synced: the figures are what is stored on this laptop."))
		default:
			b.WriteString(tr("dashboard.sync.last", "Data synced {{.Time}}.", map[string]any{"Time": st.LastSync.Local().Format("2006-01-02 15:04")}))
		}
		switch {
		case len(st.ErrText) > 0: // in the manager's language, as the status bar says it
			b.WriteString("\n" + st.ErrText.In(CurrentLanguage()))
		case st.Err != "":
			b.WriteString("\n" + st.Err)
		}
		b.WriteString("\n")
	}
	suspect := 0
	for _, s := range d.ov.Stores {
		for _, f := range s.Flags {
			if f.Kind == insight.SuspectCounts {
				suspect++
				fmt.Fprintf(&b, "\n⚠ %s %s: %s", s.Store.Code, s.Store.Name, f.Reason.In(CurrentLanguage()))
			}
		}
	}
	// Stores with some suspect hours, too few for the flag: the report
	// counts them among the stores with suspect hours, so the panel does.
	var partial []string
	for _, s := range d.ov.Stores {
		if s.KPIs.SuspectHours > 0 && !s.CountsSuspect {
			partial = append(partial, s.Store.Code)
		}
	}
	if len(partial) > 0 {
		codes := partial
		if len(codes) > 12 {
			codes = append(codes[:12:12], "…")
		}
		b.WriteString("\n" + tr("dashboard.health.partial", "{{.N}} more {{plural .N \"store has\" \"stores have\"}} suspect hours this period, too few to stop comparing {{plural .N \"it\" \"them\"}}: {{.Codes}}",
			map[string]any{"N": len(partial), "Codes": strings.Join(codes, ", ")}))
	}
	open := 0
	for _, a := range alerts {
		if !a.Open() {
			continue
		}
		open++
		if open > 30 {
			continue
		}
		fmt.Fprintf(&b, "\n• %s %s · %s: %s %s", a.StoreCode, a.StoreName, cameraName(a), alertKindLabel(a.Kind), tr("dashboard.alert.since", "since {{.Time}}", map[string]any{"Time": storeTime(a.TimeZone, a.Started)}))
	}
	if open > 30 {
		b.WriteString("\n" + tr("dashboard.alert.more", "… and {{.N}} more open camera alerts", map[string]any{"N": open - 30}))
	}
	if err != nil {
		b.WriteString("\n" + tr("dashboard.alert.error", "Camera alerts could not be read: {{.Err}}", map[string]any{"Err": err.Error()}))
	}
	if suspect == 0 && len(partial) == 0 && open == 0 && err == nil && !d.ov.NoData() && len(d.ov.Stores) > 0 {
		b.WriteString("\n" + tr("dashboard.health.ok", "No open camera alerts: every store's counts can be trusted for this period."))
	}
	d.health.SetText(strings.TrimSpace(b.String()))
}

func cameraName(a app.CameraAlert) string {
	if a.CameraName != "" {
		return a.CameraName
	}
	return a.CameraCode
}
