package localdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"storelens/app/vocab"
)

// InspectionSchedule is a scheduled snapshot check; StoreID 0 means every
// store of the region.
type InspectionSchedule struct {
	ID         int64 // local id (0 for a new one)
	RemoteID   string
	Name       string
	StoreID    int64
	CameraRole string
	Weekdays   Weekdays
	Times      string // 'HH:MM,HH:MM,…' local
	Active     bool
	StartsOn   string  // local date it applies from, '' always
	Tag        string  // only the stores with this tag ('' all)
	StoreIDs   []int64 // only these stores (nil: all, or StoreID, or Tag)
}

func joinIDs(ids []int64) string {
	var b strings.Builder
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	return b.String()
}

func splitIDs(s string) []int64 {
	var out []int64
	for _, f := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64); err == nil {
			out = append(out, id)
		}
	}
	return out
}

// UpsertInspectionSchedule stores an inspection schedule.
func (p *FeedPage) UpsertInspectionSchedule(s InspectionSchedule) error {
	if skip, err := p.orphan("inspection schedule "+s.Name, s.StoreID, 0); skip || err != nil {
		return err
	}
	if _, err := p.exec(`INSERT INTO inspection_schedules(remote_id, name, store_id, camera_role, weekdays, times, active, starts_on, tag, store_ids)
		VALUES (?, ?, NULLIF(?, 0), ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(remote_id) DO UPDATE SET name = excluded.name, store_id = excluded.store_id, camera_role = excluded.camera_role,
			weekdays = excluded.weekdays, times = excluded.times, active = excluded.active, starts_on = excluded.starts_on,
			tag = excluded.tag, store_ids = excluded.store_ids`,
		s.RemoteID, s.Name, s.StoreID, s.CameraRole, int(s.Weekdays), s.Times, s.Active, s.StartsOn, s.Tag, joinIDs(s.StoreIDs)); err != nil {
		return fmt.Errorf("inspection schedule %s: %w", s.Name, err)
	}
	p.rows++
	return nil
}

// DeleteInspectionSchedule removes an inspection schedule; its snapshots stay.
func (p *FeedPage) DeleteInspectionSchedule(remoteID string) error {
	_, err := p.exec(`DELETE FROM inspection_schedules WHERE remote_id = ?`, remoteID)
	return err
}

// Snapshot is a still HQ holds (inspection or device).
type Snapshot struct {
	RemoteID         string
	CameraID         int64
	ScheduleRemoteID string // '' for none
	T                int64
	Source           string // inspection, device
	URL              string
	SHA256           string
}

// UpsertSnapshot stores a snapshot of HQ's index.
func (p *FeedPage) UpsertSnapshot(s Snapshot) error {
	if skip, err := p.orphan("snapshot "+s.RemoteID, 0, s.CameraID); skip || err != nil {
		return err
	}
	if _, err := p.exec(`INSERT INTO snapshots(remote_id, camera_id, schedule_id, t, source, url, sha256)
		VALUES (?, ?, (SELECT id FROM inspection_schedules WHERE remote_id = ?), ?, ?, ?, NULLIF(?, ''))
		ON CONFLICT(remote_id) DO UPDATE SET camera_id = excluded.camera_id, schedule_id = excluded.schedule_id, t = excluded.t,
			source = excluded.source, url = excluded.url, sha256 = excluded.sha256`,
		s.RemoteID, s.CameraID, s.ScheduleRemoteID, s.T, s.Source, s.URL, s.SHA256); err != nil {
		return fmt.Errorf("snapshot %s: %w", s.RemoteID, err)
	}
	p.rows++
	return nil
}

// DeleteSnapshot removes a snapshot of HQ's index (and its verdict).
func (p *FeedPage) DeleteSnapshot(remoteID string) error {
	_, err := p.exec(`DELETE FROM snapshots WHERE remote_id = ?`, remoteID)
	return err
}

// InspectionResult is a manager's verdict on an inspection snapshot.
type InspectionResult struct {
	ID         string // UUID; generated when empty
	SnapshotID int64  // a row of snapshots: HQ's, or taken here for an inspection
	Verdict    string // "pass", "fail" or "unclear"
	Note       string
	DecidedAt  time.Time
	DecidedBy  string
	// Task, when not nil on a fail, is created in the same transaction and
	// linked to the verdict (its evidence defaults to the snapshot).
	Task *CorrectiveTask
}

// RecordInspectionResult stores a verdict (and the corrective task a fail
// raises) with their pushes, in one transaction; HQ receives the task before
// the verdict that names it.
func (db *DB) RecordInspectionResult(ctx context.Context, r InspectionResult) (InspectionResult, error) {
	if r.Verdict != "pass" && r.Verdict != "fail" && r.Verdict != "unclear" {
		return r, fmt.Errorf("inspection verdict %q: choose pass, fail or unclear", r.Verdict)
	}
	if r.ID == "" {
		r.ID = uuid.NewString()
	}
	if r.DecidedAt.IsZero() {
		r.DecidedAt = time.Now()
	}
	err := db.write(ctx, func(tx *sql.Tx) error {
		var remote, schedule, local sql.NullString
		var camera, t int64
		if err := tx.QueryRowContext(ctx, `SELECT sn.remote_id, sn.local_path, sn.camera_id, sn.t, s.remote_id FROM snapshots sn
				LEFT JOIN inspection_schedules s ON s.id = sn.schedule_id WHERE sn.id = ?`, r.SnapshotID).Scan(&remote, &local, &camera, &t, &schedule); err != nil {
			return fmt.Errorf("snapshot %d: %w", r.SnapshotID, MapError(err))
		}
		p := verdictPush{ID: r.ID, SnapshotID: remote.String, Verdict: r.Verdict, Note: r.Note, DecidedAt: r.DecidedAt.Unix(), DecidedBy: r.DecidedBy}
		if !remote.Valid {
			// Taken here: HQ gets the picture and the moment it stands for.
			jpeg, err := os.ReadFile(local.String)
			if err != nil {
				return fmt.Errorf("snapshot %d: read %s: %w; take the snapshot again", r.SnapshotID, local.String, err)
			}
			var source string
			if err := tx.QueryRowContext(ctx, `SELECT source FROM inspection_shots WHERE snapshot_id = ?`, r.SnapshotID).Scan(&source); err != nil && err != sql.ErrNoRows {
				return err
			}
			p.SnapshotJPEG, p.CameraID, p.ScheduleID, p.Due, p.Source = jpeg, camera, schedule.String, t, source
		}
		var taskID any
		if r.Task != nil {
			t := *r.Task
			if t.ID == "" {
				t.ID = uuid.NewString()
			}
			if t.Status == "" {
				t.Status = vocab.TaskSent
			}
			if t.EvidenceSnapshotID == 0 {
				t.EvidenceSnapshotID = r.SnapshotID
			}
			if t.CreatedAt.IsZero() {
				t.CreatedAt = r.DecidedAt
			}
			t.UpdatedAt = t.CreatedAt
			if t.CreatedBy == "" {
				t.CreatedBy = r.DecidedBy
			}
			if err := createTask(ctx, tx, t); err != nil {
				return fmt.Errorf("corrective task %q: %w", t.Title, err)
			}
			r.Task = &t
			taskID, p.TaskID = t.ID, t.ID
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO inspection_results(id, snapshot_id, verdict, note, decided_at, decided_by, task_id)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, r.ID, r.SnapshotID, r.Verdict, r.Note, r.DecidedAt.Unix(), r.DecidedBy, taskID); err != nil {
			return MapError(err)
		}
		body, err := json.Marshal(p)
		if err != nil {
			return err
		}
		return enqueuePush(ctx, tx, OutboxInspectionResult, r.ID, p.TaskID, body, r.DecidedAt)
	})
	if err != nil {
		return r, fmt.Errorf("inspection verdict on snapshot %d: %w", r.SnapshotID, err)
	}
	return r, nil
}
