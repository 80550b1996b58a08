package localdb

import (
	"context"
	"fmt"
	"time"
)

// StoreCameraAlert is one camera problem that makes a store's counts suspect.
type StoreCameraAlert struct {
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
func (c StoreCameraAlert) Open() bool { return c.Ended.IsZero() }

// CameraAlertsSince lists the camera alerts open now or started at or after
// since, newest first (at most 500), of one store (storeID) or of every
// store (0).
func (db *DB) CameraAlertsSince(ctx context.Context, since time.Time, storeID int64) ([]StoreCameraAlert, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT s.code, s.name, c.code, c.name, al.kind, al.source, al.started_at, COALESCE(al.ended_at, 0)
		FROM camera_alerts al JOIN cameras c ON c.id = al.camera_id JOIN stores s ON s.id = c.store_id
		WHERE (al.ended_at IS NULL OR al.started_at >= ?) AND (? = 0 OR s.id = ?)
		ORDER BY al.started_at DESC LIMIT 500`, since.Unix(), storeID, storeID)
	if err != nil {
		return nil, fmt.Errorf("read camera alerts: %w", MapError(err))
	}
	defer rows.Close()
	var out []StoreCameraAlert
	for rows.Next() {
		var c StoreCameraAlert
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
