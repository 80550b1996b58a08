package localdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// TaskForEffect is what the task-effect figure needs of a corrective task.
type TaskForEffect struct {
	ID, Title, KPI, Status string
	Category               string // "" is other
	StoreID                int64
	CreatedAt              time.Time
	DoneAt                 time.Time // zero while not done
}

// TaskByID reads a corrective task; the done time is done_at, else the first
// 'done' (or 'verified') in its status history.
func (db *DB) TaskByID(ctx context.Context, id string) (TaskForEffect, error) {
	var t TaskForEffect
	var kpi sql.NullString
	var created int64
	var done sql.NullInt64
	err := db.r.QueryRowContext(ctx, `SELECT id, title, kpi, COALESCE(category, ''), status, store_id, created_at,
			COALESCE(done_at, (SELECT min(at) FROM task_status_history h WHERE h.task_id = t.id AND h.status IN ('done', 'verified')))
		FROM corrective_tasks t WHERE id = ?`, id).Scan(&t.ID, &t.Title, &kpi, &t.Category, &t.Status, &t.StoreID, &created, &done)
	if err != nil {
		return t, fmt.Errorf("corrective task %s: %w", id, MapError(err))
	}
	t.KPI = kpi.String
	t.CreatedAt = time.Unix(created, 0).UTC()
	if done.Valid {
		t.DoneAt = time.Unix(done.Int64, 0).UTC()
	}
	return t, nil
}

// TaskSummary is one corrective task as a list shows it.
type TaskSummary struct {
	ID        string
	StoreID   int64
	StoreCode string
	StoreName string
	StoreZone string // the store's IANA zone: its times are shown in it
	Category  string
	Title     string
	Body      string
	KPI       string
	// Status is draft, sent, acknowledged, done, verified or reopened.
	Status string
	// WaitingToSend is true while a push about the task (the task itself,
	// a verification, a comment) has not reached HQ.
	WaitingToSend bool
	SendError     string // HQ's or the network's last answer to that push, "" if none
	DueOn         string // local date, "" when none
	Reply         string // the store's latest reply
	AtTime        time.Time
	CameraID      int64
	SnapshotID    int64
	SnapshotPath  string // a snapshot taken on this machine, "" otherwise
	RecordingID   int64
	ClipFrom      time.Time
	ClipTo        time.Time
	Created       time.Time
	Updated       time.Time
	Done          time.Time // zero until the store reported it done
}

// TaskFilter narrows a task list; zero fields do not filter.
type TaskFilter struct {
	StoreID  int64
	Status   string
	Category string
	// OverdueOn, a local date 'YYYY-MM-DD', keeps tasks due before it that
	// the store has not reported done.
	OverdueOn   string
	Limit       int // 0: all
	NewestFirst bool
}

const taskCols = `t.id, t.store_id, s.code, s.name, s.time_zone, t.category, t.title, t.body, COALESCE(t.kpi, ''), t.status,
	EXISTS (SELECT 1 FROM outbox o WHERE o.task_id = t.id AND o.delivered_at IS NULL),
	COALESCE((SELECT o.last_error FROM outbox o WHERE o.task_id = t.id AND o.delivered_at IS NULL ORDER BY o.id LIMIT 1), ''),
	COALESCE(t.due_on, ''), t.reply, COALESCE(t.at_time, 0), COALESCE(t.camera_id, 0), COALESCE(t.evidence_snapshot_id, 0),
	COALESCE(sn.local_path, ''), COALESCE(t.recording_id, 0), COALESCE(t.clip_from, 0), COALESCE(t.clip_to, 0),
	t.created_at, t.updated_at, COALESCE(t.done_at, 0)`

const taskFrom = ` FROM corrective_tasks t JOIN stores s ON s.id = t.store_id LEFT JOIN snapshots sn ON sn.id = t.evidence_snapshot_id`

func scanTask(sc interface{ Scan(...any) error }) (TaskSummary, error) {
	var t TaskSummary
	var at, from, to, created, updated, done int64
	err := sc.Scan(&t.ID, &t.StoreID, &t.StoreCode, &t.StoreName, &t.StoreZone, &t.Category, &t.Title, &t.Body, &t.KPI, &t.Status,
		&t.WaitingToSend, &t.SendError, &t.DueOn, &t.Reply, &at, &t.CameraID, &t.SnapshotID, &t.SnapshotPath, &t.RecordingID,
		&from, &to, &created, &updated, &done)
	t.AtTime, t.ClipFrom, t.ClipTo, t.Done = unixTime(at), unixTime(from), unixTime(to), unixTime(done)
	t.Created, t.Updated = time.Unix(created, 0).UTC(), time.Unix(updated, 0).UTC()
	return t, err
}

func unixTime(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.Unix(v, 0).UTC()
}

// Tasks lists corrective tasks in creation order (or newest first).
func (db *DB) Tasks(ctx context.Context, f TaskFilter) ([]TaskSummary, error) {
	var where []string
	var args []any
	if f.StoreID != 0 {
		where, args = append(where, "t.store_id = ?"), append(args, f.StoreID)
	}
	if f.Status != "" {
		where, args = append(where, "t.status = ?"), append(args, f.Status)
	}
	if f.Category != "" {
		where, args = append(where, "t.category = ?"), append(args, f.Category)
	}
	if f.OverdueOn != "" {
		where = append(where, "t.due_on IS NOT NULL AND t.due_on < ? AND t.status IN ('sent', 'acknowledged', 'reopened')")
		args = append(args, f.OverdueOn)
	}
	q := `SELECT ` + taskCols + taskFrom
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	if f.NewestFirst {
		q += " ORDER BY t.created_at DESC, t.rowid DESC"
	} else {
		q += " ORDER BY t.created_at, t.rowid"
	}
	if f.Limit > 0 {
		q += fmt.Sprintf(" LIMIT %d", f.Limit)
	}
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read the corrective tasks: %w", MapError(err))
	}
	defer rows.Close()
	var out []TaskSummary
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, fmt.Errorf("read the corrective tasks: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Task reads one corrective task, or ErrNotFound. id may be a unique prefix
// of the task's UUID (at least 4 characters), as a person types it.
func (db *DB) Task(ctx context.Context, id string) (TaskSummary, error) {
	q := `SELECT ` + taskCols + taskFrom + ` WHERE t.id = ?`
	t, err := scanTask(db.r.QueryRowContext(ctx, q, id))
	if err = MapError(err); err == nil {
		return t, nil
	} else if len(id) < 4 || !errors.Is(err, ErrNotFound) {
		return t, fmt.Errorf("corrective task %s: %w", id, err)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+taskCols+taskFrom+` WHERE t.id LIKE ? ESCAPE '\' LIMIT 2`,
		strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(id)+"%")
	if err != nil {
		return t, fmt.Errorf("corrective task %s: %w", id, MapError(err))
	}
	defer rows.Close()
	var found []TaskSummary
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return t, err
		}
		found = append(found, t)
	}
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return t, fmt.Errorf("corrective task %s: %w", id, ErrNotFound)
	default:
		return t, fmt.Errorf("corrective task %s: %w: several tasks begin so; give more of the id", id, ErrConstraint)
	}
}

// StoreTasks are a store's latest corrective tasks, newest first, at most limit.
func (db *DB) StoreTasks(ctx context.Context, storeID int64, limit int) ([]TaskSummary, error) {
	return db.Tasks(ctx, TaskFilter{StoreID: storeID, Limit: limit, NewestFirst: true})
}

// SaveLocalSnapshot records a still taken on this machine (from footage
// under review) and returns its row id, for a task's evidence.
func (db *DB) SaveLocalSnapshot(ctx context.Context, cameraID int64, t time.Time, path, sha string) (int64, error) {
	var id int64
	err := db.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO snapshots(camera_id, t, source, local_path, sha256) VALUES (?, ?, 'review', ?, ?)`,
			cameraID, t.Unix(), path, sha)
		if err != nil {
			return err
		}
		id, err = res.LastInsertId()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("keep the snapshot %s: %w", path, err)
	}
	return id, nil
}
