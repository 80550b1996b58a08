package localdb

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Outbox kinds: what a pending push carries. The sync engine maps each kind
// to the HQ path it is POSTed to.
const (
	OutboxCorrectiveTask   = "corrective_task"
	OutboxTaskStatus       = "task_status"
	OutboxInspectionResult = "inspection_result"
	OutboxSchedule         = "inspection_schedule"
)

// OutboxItem is one push waiting for (or having received) HQ's answer.
// Payload is the exact JSON body HQ receives; it never changes once
// enqueued, so a retried POST with the same Key carries the same body.
type OutboxItem struct {
	ID          int64
	Key         string // Idempotency-Key, a UUID
	Kind        string // OutboxCorrectiveTask, OutboxTaskStatus or OutboxInspectionResult
	Payload     []byte
	CreatedAt   time.Time
	Attempts    int
	NextAttempt time.Time
	LastError   string
}

// EnqueuePush adds a push to the outbox. Call it with the transaction that
// writes the thing being pushed, so either both exist or neither does.
func (db *DB) EnqueuePush(ctx context.Context, kind, key string, payload []byte, now time.Time) error {
	return enqueuePush(ctx, db.w, kind, key, "", payload, now)
}

// enqueuePush is EnqueuePush inside a caller's transaction; taskID names
// the corrective task the push is about ("" for none), so the task can say
// it is waiting to send.
func enqueuePush(ctx context.Context, x execer, kind, key, taskID string, payload []byte, now time.Time) error {
	if key == "" {
		return errors.New("outbox: a push needs an idempotency key")
	}
	if !json.Valid(payload) {
		return fmt.Errorf("outbox: %s push %s: payload is not JSON", kind, key)
	}
	_, err := x.ExecContext(ctx, `INSERT INTO outbox(idempotency_key, kind, task_id, payload, created_at) VALUES (?, ?, ?, ?, ?)`,
		key, kind, nullStr(taskID), string(payload), now.Unix())
	if err != nil {
		return fmt.Errorf("outbox: queue %s push %s: %w", kind, key, MapError(err))
	}
	return nil
}

// PendingPushes lists undelivered pushes due at now, oldest first (a task
// before the verdict that refers to it), at most limit (0: all).
func (db *DB) PendingPushes(ctx context.Context, now time.Time, limit int) ([]OutboxItem, error) {
	if limit <= 0 {
		limit = -1
	}
	rows, err := db.r.QueryContext(ctx, `SELECT id, idempotency_key, kind, payload, created_at, attempts, next_attempt_at, COALESCE(last_error, '')
		FROM outbox WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY id LIMIT ?`, now.Unix(), limit)
	if err != nil {
		return nil, MapError(err)
	}
	defer rows.Close()
	var out []OutboxItem
	for rows.Next() {
		var it OutboxItem
		var payload string
		var created, next int64
		if err := rows.Scan(&it.ID, &it.Key, &it.Kind, &payload, &created, &it.Attempts, &next, &it.LastError); err != nil {
			return nil, err
		}
		it.Payload = []byte(payload)
		it.CreatedAt = time.Unix(created, 0)
		it.NextAttempt = time.Unix(next, 0)
		out = append(out, it)
	}
	return out, rows.Err()
}

// PendingPushCount is the number of pushes HQ has not yet acknowledged; the
// status bar shows it so a manager knows something is still on the laptop.
func (db *DB) PendingPushCount(ctx context.Context) (int, error) {
	var n int
	err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM outbox WHERE delivered_at IS NULL`).Scan(&n)
	return n, MapError(err)
}

// MarkPushDelivered records HQ's acknowledgement of the push with key. The
// row stays (with HQ's answer) as a receipt; it is no longer pending.
func (db *DB) MarkPushDelivered(ctx context.Context, key string, response []byte, now time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE outbox SET delivered_at = ?, response = ?, attempts = attempts + 1, last_error = NULL
		WHERE idempotency_key = ? AND delivered_at IS NULL`, now.Unix(), string(response), key)
	return MapError(err)
}

// MarkPushFailed records a failed attempt and when to try again.
func (db *DB) MarkPushFailed(ctx context.Context, key, reason string, next time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ?
		WHERE idempotency_key = ? AND delivered_at IS NULL`, reason, next.Unix(), key)
	return MapError(err)
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}
