package localdb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// InspectionDue is one camera an active schedule looks at: what a run
// needs to work out the schedule's due moments on the store's clock.
type InspectionDue struct {
	ScheduleID       int64
	ScheduleRemoteID string
	Name             string
	Weekdays         Weekdays
	Times            string // 'HH:MM,HH:MM,…' local
	StartsOn         string // local date, '' for always
	StoreID          int64
	StoreCode        string
	TimeZone         string
	CameraID         int64
	CameraCode       string
	StreamURL        string
}

// Moments are the moments in [from, upTo] at which the schedule is due on
// the clock loc: its times on its weekdays, from its start date on.
func (d InspectionDue) Moments(from, upTo time.Time, loc *time.Location) []time.Time {
	var clock [][2]int
	for _, s := range strings.Split(d.Times, ",") {
		hh, mm, ok := strings.Cut(strings.TrimSpace(s), ":")
		h, err1 := strconv.Atoi(hh)
		m, err2 := strconv.Atoi(mm)
		if ok && err1 == nil && err2 == nil && h >= 0 && h < 24 && m >= 0 && m < 60 {
			clock = append(clock, [2]int{h, m})
		}
	}
	var out []time.Time
	f := from.In(loc)
	for day := time.Date(f.Year(), f.Month(), f.Day(), 0, 0, 0, 0, loc); !day.After(upTo); day = day.AddDate(0, 0, 1) {
		if d.StartsOn != "" && day.Format("2006-01-02") < d.StartsOn {
			continue
		}
		if d.Weekdays&(1<<((int(day.Weekday())+6)%7)) == 0 {
			continue
		}
		for _, c := range clock {
			t := time.Date(day.Year(), day.Month(), day.Day(), c[0], c[1], 0, 0, loc)
			if !t.Before(from) && !t.After(upTo) {
				out = append(out, t)
			}
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// InspectionPlan lists the cameras of every active schedule: a schedule
// without a store covers every store, each with its cameras of the
// schedule's role.
func (db *DB) InspectionPlan(ctx context.Context) ([]InspectionDue, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT s.id, COALESCE(s.remote_id, ''), s.name, s.weekdays, s.times, s.starts_on,
			st.id, st.code, st.time_zone, c.id, c.code, c.stream_url
		FROM inspection_schedules s
		JOIN stores st ON (s.store_ids = '' AND (s.store_id IS NULL OR st.id = s.store_id)
				AND (s.tag = '' OR EXISTS (SELECT 1 FROM store_tags x JOIN tags g ON g.id = x.tag_id WHERE x.store_id = st.id AND g.name = s.tag)))
			OR instr(',' || s.store_ids || ',', ',' || st.id || ',') > 0
		JOIN cameras c ON c.store_id = st.id AND c.role = s.camera_role
		WHERE s.active = 1
		ORDER BY s.id, st.code, c.code`)
	if err != nil {
		return nil, fmt.Errorf("read the inspection schedules: %w", MapError(err))
	}
	defer rows.Close()
	var out []InspectionDue
	for rows.Next() {
		var d InspectionDue
		var wd int
		if err := rows.Scan(&d.ScheduleID, &d.ScheduleRemoteID, &d.Name, &wd, &d.Times, &d.StartsOn,
			&d.StoreID, &d.StoreCode, &d.TimeZone, &d.CameraID, &d.CameraCode, &d.StreamURL); err != nil {
			return nil, fmt.Errorf("read the inspection schedules: %w", err)
		}
		d.Weekdays = Weekdays(wd)
		out = append(out, d)
	}
	return out, MapError(rows.Err())
}

// TakenShots are the (schedule, camera, due) moments already taken at or
// after since, as keys of ShotKey.
func (db *DB) TakenShots(ctx context.Context, since time.Time) (map[string]bool, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT schedule_id, camera_id, due FROM inspection_shots WHERE due >= ?`, since.Unix())
	if err != nil {
		return nil, fmt.Errorf("read the inspection snapshots: %w", MapError(err))
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var s, c, due int64
		if err := rows.Scan(&s, &c, &due); err != nil {
			return nil, err
		}
		out[ShotKey(s, c, time.Unix(due, 0))] = true
	}
	return out, MapError(rows.Err())
}

// ShotKey names one due moment of a schedule's camera.
func ShotKey(scheduleID, cameraID int64, due time.Time) string {
	return fmt.Sprintf("%d/%d/%d", scheduleID, cameraID, due.Unix())
}

// HQSnapshotNear is HQ's inspection snapshot of the schedule's camera
// nearest to due, within window; ok is false when there is none.
func (db *DB) HQSnapshotNear(ctx context.Context, scheduleID, cameraID int64, due time.Time, window time.Duration) (id int64, at time.Time, ok bool, err error) {
	var t int64
	err = db.r.QueryRowContext(ctx, `SELECT id, t FROM snapshots
		WHERE camera_id = ? AND remote_id IS NOT NULL AND source = 'inspection' AND (schedule_id = ? OR schedule_id IS NULL)
			AND t BETWEEN ? AND ?
		ORDER BY abs(t - ?) LIMIT 1`, cameraID, scheduleID, due.Add(-window).Unix(), due.Add(window).Unix(), due.Unix()).Scan(&id, &t)
	if err == sql.ErrNoRows {
		return 0, time.Time{}, false, nil
	}
	if err != nil {
		return 0, time.Time{}, false, fmt.Errorf("read HQ's snapshots: %w", MapError(err))
	}
	return id, time.Unix(t, 0), true, nil
}

// InspectionShot is one snapshot taken for a schedule's due moment.
type InspectionShot struct {
	ID         int64
	ScheduleID int64
	Schedule   string
	StoreCode  string
	TimeZone   string
	CameraID   int64
	CameraCode string
	Due        time.Time
	TakenAt    time.Time
	// Source is live, recording or hq.
	Source string
	// SnapshotID is the picture: a still kept here (Path) or HQ's (URL).
	SnapshotID int64
	Path, URL  string
	// Verdict is pass, fail, unclear or "" (not judged yet).
	Verdict string
	// Suggestion is the pre-check's: person or nobody (a greeting check),
	// same or changed (a banner check), "" (not checked).
	Suggestion string
}

// ShotToRecord is a due moment's snapshot to store: a still kept here
// (Path, with its checksum SHA), or HQ's snapshot SnapshotID.
type ShotToRecord struct {
	InspectionShot
	SHA string
}

// RecordShots stores due moments' snapshots in one transaction. A moment
// already taken is left as it is; the ones stored are returned.
func (db *DB) RecordShots(ctx context.Context, shots []ShotToRecord) ([]InspectionShot, error) {
	var out []InspectionShot
	err := db.write(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		for _, s := range shots {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM inspection_shots WHERE schedule_id = ? AND camera_id = ? AND due = ?`,
				s.ScheduleID, s.CameraID, s.Due.Unix()).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				continue
			}
			snap := s.SnapshotID
			if s.Path != "" {
				res, err := tx.ExecContext(ctx, `INSERT INTO snapshots(camera_id, schedule_id, t, source, local_path, sha256) VALUES (?, ?, ?, 'inspection', ?, NULLIF(?, ''))`,
					s.CameraID, s.ScheduleID, s.Due.Unix(), s.Path, s.SHA)
				if err != nil {
					return err
				}
				if snap, err = res.LastInsertId(); err != nil {
					return err
				}
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO inspection_shots(schedule_id, camera_id, due, taken_at, source, snapshot_id, suggestion) VALUES (?, ?, ?, ?, ?, NULLIF(?, 0), ?)`,
				s.ScheduleID, s.CameraID, s.Due.Unix(), s.TakenAt.Unix(), s.Source, snap, s.Suggestion)
			if err != nil {
				return err
			}
			shot := s.InspectionShot
			shot.ID, _ = res.LastInsertId()
			shot.SnapshotID = snap
			out = append(out, shot)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("keep the inspection snapshots: %w", MapError(err))
	}
	return out, nil
}

// InspectionShots lists the snapshots due in [from, to), by due moment,
// schedule, store and camera, with their verdicts.
func (db *DB) InspectionShots(ctx context.Context, from, to time.Time) ([]InspectionShot, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT sh.id, sh.schedule_id, s.name, st.code, st.time_zone, c.id, c.code, sh.due, sh.taken_at, sh.source,
			COALESCE(sh.snapshot_id, 0), COALESCE(sn.local_path, ''), COALESCE(sn.url, ''),
			COALESCE((SELECT verdict FROM inspection_results r WHERE r.snapshot_id = sh.snapshot_id ORDER BY decided_at DESC LIMIT 1), ''),
			sh.suggestion
		FROM inspection_shots sh
		JOIN inspection_schedules s ON s.id = sh.schedule_id
		JOIN cameras c ON c.id = sh.camera_id
		JOIN stores st ON st.id = c.store_id
		LEFT JOIN snapshots sn ON sn.id = sh.snapshot_id
		WHERE sh.due >= ? AND sh.due < ?
		ORDER BY sh.due, s.name, st.code, c.code`, from.Unix(), to.Unix())
	if err != nil {
		return nil, fmt.Errorf("read the inspection snapshots: %w", MapError(err))
	}
	defer rows.Close()
	var out []InspectionShot
	for rows.Next() {
		var s InspectionShot
		var due, taken int64
		if err := rows.Scan(&s.ID, &s.ScheduleID, &s.Schedule, &s.StoreCode, &s.TimeZone, &s.CameraID, &s.CameraCode, &due, &taken, &s.Source,
			&s.SnapshotID, &s.Path, &s.URL, &s.Verdict, &s.Suggestion); err != nil {
			return nil, err
		}
		s.Due, s.TakenAt = time.Unix(due, 0), time.Unix(taken, 0)
		out = append(out, s)
	}
	return out, MapError(rows.Err())
}

// ReferenceShot is the banner check's reference for a snapshot: the latest
// earlier one of the same schedule and camera that the manager passed
// (ok false when there is none yet).
func (db *DB) ReferenceShot(ctx context.Context, s InspectionShot) (ref InspectionShot, ok bool, err error) {
	var due, taken int64
	err = db.r.QueryRowContext(ctx, `SELECT sh.id, sh.snapshot_id, COALESCE(sn.local_path, ''), COALESCE(sn.url, ''), sh.due, sh.taken_at, sh.source
		FROM inspection_shots sh JOIN snapshots sn ON sn.id = sh.snapshot_id
		WHERE sh.schedule_id = ? AND sh.camera_id = ? AND sh.due < ?
		  AND (SELECT verdict FROM inspection_results r WHERE r.snapshot_id = sh.snapshot_id ORDER BY decided_at DESC LIMIT 1) = 'pass'
		ORDER BY sh.due DESC LIMIT 1`, s.ScheduleID, s.CameraID, s.Due.Unix()).Scan(&ref.ID, &ref.SnapshotID, &ref.Path, &ref.URL, &due, &taken, &ref.Source)
	if err == sql.ErrNoRows {
		return ref, false, nil
	}
	if err != nil {
		return ref, false, fmt.Errorf("the reference of inspection snapshot %d: %w", s.ID, MapError(err))
	}
	ref.ScheduleID, ref.Schedule, ref.StoreCode, ref.TimeZone, ref.CameraID, ref.CameraCode = s.ScheduleID, s.Schedule, s.StoreCode, s.TimeZone, s.CameraID, s.CameraCode
	ref.Due, ref.TakenAt, ref.Verdict = time.Unix(due, 0), time.Unix(taken, 0), "pass"
	return ref, true, nil
}

// HQSnapshot is one of HQ's snapshots as a download needs it.
type HQSnapshot struct {
	ID                    int64
	RemoteID, URL, SHA256 string
	LocalPath             string // "" until downloaded
}

// SnapshotByID is the snapshot with local id id.
func (db *DB) SnapshotByID(ctx context.Context, id int64) (HQSnapshot, error) {
	var s HQSnapshot
	err := db.r.QueryRowContext(ctx, `SELECT id, COALESCE(remote_id, ''), url, COALESCE(sha256, ''), COALESCE(local_path, '') FROM snapshots WHERE id = ?`, id).
		Scan(&s.ID, &s.RemoteID, &s.URL, &s.SHA256, &s.LocalPath)
	if err != nil {
		return s, fmt.Errorf("snapshot %d: %w", id, MapError(err))
	}
	return s, nil
}

// SetSnapshotLocalPath notes where HQ's snapshot id was downloaded to.
func (db *DB) SetSnapshotLocalPath(ctx context.Context, id int64, path string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE snapshots SET local_path = ? WHERE id = ?`, path, id)
		return err
	})
}

// SetShotSuggestion stores the pre-check of inspection snapshot shotID.
func (db *DB) SetShotSuggestion(ctx context.Context, shotID int64, suggestion string) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE inspection_shots SET suggestion = ? WHERE id = ?`, suggestion, shotID)
		return err
	})
}
