package localdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Schedules lists every inspection schedule held here, active or paused,
// by name.
func (db *DB) Schedules(ctx context.Context) ([]InspectionSchedule, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT id, COALESCE(remote_id, ''), name, COALESCE(store_id, 0), camera_role, weekdays, times, active, starts_on, tag, store_ids
		FROM inspection_schedules ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("read the inspection schedules: %w", MapError(err))
	}
	defer rows.Close()
	var out []InspectionSchedule
	for rows.Next() {
		var s InspectionSchedule
		var wd int
		var ids string
		if err := rows.Scan(&s.ID, &s.RemoteID, &s.Name, &s.StoreID, &s.CameraRole, &wd, &s.Times, &s.Active, &s.StartsOn, &s.Tag, &ids); err != nil {
			return nil, err
		}
		s.Weekdays, s.StoreIDs = Weekdays(wd), splitIDs(ids)
		out = append(out, s)
	}
	return out, MapError(rows.Err())
}

// schedulePush is the body of an inspection schedule's push (the feed's
// InspectionSchedulePush).
type schedulePush struct {
	ID         string  `json:"id"`
	Name       string  `json:"name"`
	StoreID    int64   `json:"store_id,omitempty"`
	CameraRole string  `json:"camera_role"`
	Weekdays   uint8   `json:"weekdays"`
	Times      string  `json:"times"`
	Active     bool    `json:"active"`
	StartsOn   string  `json:"starts_on,omitempty"`
	Tag        string  `json:"tag,omitempty"`
	StoreIDs   []int64 `json:"store_ids,omitempty"`
	ChangeID   string  `json:"change_id"`
	Deleted    bool    `json:"deleted,omitempty"`
	ChangedAt  int64   `json:"changed_at"`
	ChangedBy  string  `json:"changed_by"`
}

func enqueueSchedule(ctx context.Context, tx *sql.Tx, s InspectionSchedule, deleted bool, by string, at time.Time) error {
	p := schedulePush{ID: s.RemoteID, Name: s.Name, StoreID: s.StoreID, CameraRole: s.CameraRole, Weekdays: uint8(s.Weekdays), Times: s.Times,
		Active: s.Active, StartsOn: s.StartsOn, Tag: s.Tag, StoreIDs: s.StoreIDs, ChangeID: uuid.NewString(), Deleted: deleted,
		ChangedAt: at.Unix(), ChangedBy: by}
	body, err := json.Marshal(p)
	if err != nil {
		return err
	}
	return enqueuePush(ctx, tx, OutboxSchedule, p.ChangeID, "", body, at)
}

// SaveSchedule stores a schedule made (ID 0) or changed on the laptop and
// queues the change for HQ, in one transaction; it returns the schedule
// as stored.
func (db *DB) SaveSchedule(ctx context.Context, s InspectionSchedule, by string, at time.Time) (InspectionSchedule, error) {
	if s.RemoteID == "" {
		s.RemoteID = uuid.NewString()
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO inspection_schedules(id, remote_id, name, store_id, camera_role, weekdays, times, active, starts_on, tag, store_ids)
			VALUES (NULLIF(?, 0), ?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(id) DO UPDATE SET name = excluded.name, store_id = excluded.store_id, camera_role = excluded.camera_role,
				weekdays = excluded.weekdays, times = excluded.times, active = excluded.active, starts_on = excluded.starts_on,
				tag = excluded.tag, store_ids = excluded.store_ids`,
			s.ID, s.RemoteID, s.Name, s.StoreID, s.CameraRole, int(s.Weekdays), s.Times, s.Active, s.StartsOn, s.Tag, joinIDs(s.StoreIDs))
		if err != nil {
			return err
		}
		if s.ID == 0 {
			if s.ID, err = res.LastInsertId(); err != nil {
				return err
			}
		}
		// An edited schedule keeps the id HQ knows it by.
		if err := tx.QueryRowContext(ctx, `SELECT remote_id FROM inspection_schedules WHERE id = ?`, s.ID).Scan(&s.RemoteID); err != nil {
			return err
		}
		return enqueueSchedule(ctx, tx, s, false, by, at)
	})
	if err != nil {
		return s, fmt.Errorf("save the inspection schedule %q: %w", s.Name, MapError(err))
	}
	return s, nil
}

// SetSchedulesActive pauses (active false) or resumes the schedules ids,
// queueing each change for HQ, in one transaction.
func (db *DB) SetSchedulesActive(ctx context.Context, ids []int64, active bool, by string, at time.Time) error {
	return db.changeSchedules(ctx, ids, by, at, func(tx *sql.Tx, s *InspectionSchedule) (bool, error) {
		s.Active = active
		_, err := tx.ExecContext(ctx, `UPDATE inspection_schedules SET active = ? WHERE id = ?`, active, s.ID)
		return false, err
	})
}

// DeleteSchedules removes the schedules ids (their snapshots stay) and
// tells HQ, in one transaction.
func (db *DB) DeleteSchedules(ctx context.Context, ids []int64, by string, at time.Time) error {
	return db.changeSchedules(ctx, ids, by, at, func(tx *sql.Tx, s *InspectionSchedule) (bool, error) {
		_, err := tx.ExecContext(ctx, `DELETE FROM inspection_schedules WHERE id = ?`, s.ID)
		return true, err
	})
}

func (db *DB) changeSchedules(ctx context.Context, ids []int64, by string, at time.Time, change func(*sql.Tx, *InspectionSchedule) (deleted bool, err error)) error {
	all, err := db.Schedules(ctx)
	if err != nil {
		return err
	}
	byID := map[int64]InspectionSchedule{}
	for _, s := range all {
		byID[s.ID] = s
	}
	var names []string
	err = db.write(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			s, ok := byID[id]
			if !ok {
				return fmt.Errorf("no inspection schedule %d: %w", id, ErrNotFound)
			}
			names = append(names, s.Name)
			deleted, err := change(tx, &s)
			if err != nil {
				return err
			}
			if err := enqueueSchedule(ctx, tx, s, deleted, by, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("change the inspection schedules %s: %w", strings.Join(names, ", "), MapError(err))
	}
	return nil
}
