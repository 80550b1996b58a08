package app

import (
	"context"
	"fmt"
	"time"

	"storelens/app/insight"
	"storelens/app/vocab"
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
type CameraAlert = localdb.StoreCameraAlert

// StoreProfile is what the store page's header shows beyond the KPIs: the
// address, the full opening-hours schedule and the camera alerts.
type StoreProfile struct {
	Store localdb.Store
	// Alerts are the store's camera alerts still open or started since the
	// given time, newest first.
	Alerts []CameraAlert
	// Tasks are the store's latest corrective tasks, newest first.
	Tasks []TaskSummary
	// Effects say, for tasks the store reported done, what became of the
	// KPI each targeted (insight's task effect), by task id.
	Effects map[string]insight.Text
}

// TaskSummary is one corrective task as the store page lists it.
type TaskSummary = localdb.TaskSummary

// StoreProfile reads the store with code and its camera alerts open now
// or started on or after since.
func (a *App) StoreProfile(ctx context.Context, code string, since time.Time) (StoreProfile, error) {
	s, err := a.db.StoreByCode(ctx, code)
	if err != nil {
		return StoreProfile{}, fmt.Errorf("open store %s: %w", code, err)
	}
	alerts, err := a.db.CameraAlertsSince(ctx, since, s.ID)
	if err != nil {
		return StoreProfile{}, err
	}
	tasks, err := a.db.StoreTasks(ctx, s.ID, 20)
	if err != nil {
		return StoreProfile{}, err
	}
	effects := map[string]insight.Text{}
	for _, t := range tasks {
		if t.Status == vocab.TaskDone || t.Status == vocab.TaskVerified {
			if e, err := a.insight.TaskEffect(ctx, t.ID); err == nil {
				effects[t.ID] = e.Summary
			}
		}
	}
	return StoreProfile{Store: s, Alerts: alerts, Tasks: tasks, Effects: effects}, nil
}

// CameraAlerts are the camera alerts of all stores open now or started on
// or after since, newest first: which stores' numbers are suspect and why.
func (a *App) CameraAlerts(ctx context.Context, since time.Time) ([]CameraAlert, error) {
	return a.db.CameraAlertsSince(ctx, since, 0)
}

// Place is a city of a region with its number of local stores.
type Place = localdb.Place

// Places lists the regions and cities of the local stores, for choosing
// which stores a screen shows.
func (a *App) Places(ctx context.Context) ([]Place, error) { return a.db.Places(ctx) }
