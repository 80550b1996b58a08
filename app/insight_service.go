package app

import (
	"context"
	"fmt"
	"time"

	"storelens/app/insight"
	"storelens/localdb"
)

// Insight is the app's KPI, tag-average and flag service over the local
// store, shared by every screen.
func (a *App) Insight() *insight.Insight { return a.insight }

// OpeningHours is one rule of a store's schedule (date range × weekdays ×
// local hours), as the screens show it.
type OpeningHours = localdb.OpeningHours

// Weekdays is a set of days, bit 0 Monday … bit 6 Sunday.
type Weekdays = localdb.Weekdays

// AllWeek is every day of the week.
const AllWeek = localdb.AllWeek

// ErrStoreNotFound is wrapped by StoreProfile for a code not on this laptop.
var ErrStoreNotFound = localdb.ErrNotFound

// CameraAlert is one camera problem that makes a store's counts suspect.
type CameraAlert struct {
	StoreCode  string
	StoreName  string
	CameraCode string
	CameraName string
	// Kind is occlusion, moved, defocus or no_signal.
	Kind string
	// Source is device (reported by the camera) or local (found here).
	Source  string
	Started time.Time
	// Ended is zero while the alert is still open.
	Ended time.Time
}

// Open reports whether the alert has not ended.
func (c CameraAlert) Open() bool { return c.Ended.IsZero() }

// StoreProfile is what the store page's header shows beyond the KPIs: the
// address, the full opening-hours schedule and the camera alerts.
type StoreProfile struct {
	Store localdb.Store
	// Alerts are the store's camera alerts still open or started since the
	// given time, newest first.
	Alerts []CameraAlert
	// Tasks are the store's latest corrective tasks, newest first.
	Tasks []TaskSummary
}

// TaskSummary is one corrective task as the store page lists it.
type TaskSummary struct {
	ID    string
	Title string
	// Status is open, acknowledged, in_progress, done, verified or cancelled.
	Status  string
	DueOn   string // local date, "" when none
	Created time.Time
}

// StoreProfile reads the store with code and its camera alerts open now
// or started on or after since.
func (a *App) StoreProfile(ctx context.Context, code string, since time.Time) (StoreProfile, error) {
	s, err := localdb.StoreByCode(ctx, a.db.Reader(), code)
	if err != nil {
		return StoreProfile{}, fmt.Errorf("open store %s: %w", code, err)
	}
	alerts, err := a.cameraAlerts(ctx, `AND s.code = ?`, since, code)
	if err != nil {
		return StoreProfile{}, err
	}
	tasks, err := a.storeTasks(ctx, s.ID)
	if err != nil {
		return StoreProfile{}, err
	}
	return StoreProfile{Store: s, Alerts: alerts, Tasks: tasks}, nil
}

// storeTasks are the store's 20 latest corrective tasks.
func (a *App) storeTasks(ctx context.Context, storeID int64) ([]TaskSummary, error) {
	rows, err := a.db.Reader().QueryContext(ctx, `SELECT id, title, status, COALESCE(due_on, ''), created_at
		FROM corrective_tasks WHERE store_id = ? ORDER BY created_at DESC LIMIT 20`, storeID)
	if err != nil {
		return nil, fmt.Errorf("read the store's corrective tasks: %w", localdb.MapError(err))
	}
	defer rows.Close()
	var out []TaskSummary
	for rows.Next() {
		var t TaskSummary
		var created int64
		if err := rows.Scan(&t.ID, &t.Title, &t.Status, &t.DueOn, &created); err != nil {
			return nil, fmt.Errorf("read the store's corrective tasks: %w", err)
		}
		t.Created = time.Unix(created, 0).UTC()
		out = append(out, t)
	}
	return out, rows.Err()
}

// CameraAlerts are the camera alerts of all stores open now or started on
// or after since, newest first: which stores' numbers are suspect and why.
func (a *App) CameraAlerts(ctx context.Context, since time.Time) ([]CameraAlert, error) {
	return a.cameraAlerts(ctx, ``, since)
}

func (a *App) cameraAlerts(ctx context.Context, where string, since time.Time, args ...any) ([]CameraAlert, error) {
	q := `SELECT s.code, s.name, c.code, c.name, al.kind, al.source, al.started_at, COALESCE(al.ended_at, 0)
		FROM camera_alerts al JOIN cameras c ON c.id = al.camera_id JOIN stores s ON s.id = c.store_id
		WHERE (al.ended_at IS NULL OR al.started_at >= ?) ` + where + `
		ORDER BY al.started_at DESC LIMIT 500`
	rows, err := a.db.Reader().QueryContext(ctx, q, append([]any{since.Unix()}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("read camera alerts: %w", localdb.MapError(err))
	}
	defer rows.Close()
	var out []CameraAlert
	for rows.Next() {
		var c CameraAlert
		var started, ended int64
		if err := rows.Scan(&c.StoreCode, &c.StoreName, &c.CameraCode, &c.CameraName, &c.Kind, &c.Source, &started, &ended); err != nil {
			return nil, fmt.Errorf("read camera alerts: %w", err)
		}
		c.Started = time.Unix(started, 0).UTC()
		if ended > 0 {
			c.Ended = time.Unix(ended, 0).UTC()
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
