package localdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// TillScan is one till-camera recording looked at by the person detector.
type TillScan struct {
	RecordingID int64
	CameraID    int64
	Starts, End time.Time
	SHA256      string
	Detector    string
	Step        time.Duration
}

// PresenceSample is what the detector saw in a till camera's zones at one
// moment: people on the customer side (Waiting of them standing where they
// stood at the sample before) and on the staff side.
type PresenceSample struct {
	T         time.Time
	Customers int
	Waiting   int
	Staff     int
}

// TillClip is a till camera's recording with what the audit needs to know:
// where its file is and whether this very clip has been scanned.
type TillClip struct {
	CameraRecording
	Scanned bool // scanned with the clip's current content
}

// TillClips lists the recordings of a store's till cameras that overlap
// [from, to), oldest first, marked when already scanned. On-request
// segments that HQ has not exported are left out: scanning them would ask
// HQ to export whole days.
func (db *DB) TillClips(ctx context.Context, storeID int64, from, to time.Time) ([]TillClip, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT r.id, r.remote_id, r.camera_id, r.starts, r.size_bytes, r.sha256, r.url, COALESCE(r.etag, ''),
			COALESCE(r.local_path, ''), r.state, r.bytes_done, r.open_count, COALESCE(r.last_viewed_at, 0), COALESCE(r.error, ''), r.duration_s,
			s.recording_id IS NOT NULL AND s.sha256 = r.sha256
		FROM recordings r JOIN cameras c ON c.id = r.camera_id
		LEFT JOIN till_scans s ON s.recording_id = r.id
		WHERE c.store_id = ? AND c.role = 'till' AND r.sha256 <> '' AND r.starts < ? AND r.starts + r.duration_s > ?
		ORDER BY r.starts, r.id`, storeID, to.Unix(), from.Unix())
	if err != nil {
		return nil, fmt.Errorf("read the till recordings: %w", MapError(err))
	}
	defer rows.Close()
	var out []TillClip
	for rows.Next() {
		var c TillClip
		r := &c.CameraRecording
		if err := rows.Scan(&r.ID, &r.RemoteID, &r.CameraID, &r.Starts, &r.Size, &r.SHA256, &r.URL, &r.ETag, &r.LocalPath, &r.State,
			&r.BytesDone, &r.OpenCount, &r.LastViewedAt, &r.Error, &r.DurationS, &c.Scanned); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, MapError(rows.Err())
}

// SaveTillScan stores a recording's scan and its samples in one
// transaction, replacing an earlier scan of it.
func (db *DB) SaveTillScan(ctx context.Context, s TillScan, samples []PresenceSample) error {
	return db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM till_scans WHERE recording_id = ?`, s.RecordingID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO till_scans(recording_id, camera_id, starts, ends, sha256, detector, step_s, scanned_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, unixepoch())`, s.RecordingID, s.CameraID, s.Starts.Unix(), s.End.Unix(), s.SHA256, s.Detector,
			s.Step.Seconds()); err != nil {
			return fmt.Errorf("till scan of recording %d: %w", s.RecordingID, err)
		}
		st, err := tx.PrepareContext(ctx, `INSERT OR REPLACE INTO till_presence(recording_id, t, customers, waiting, staff) VALUES (?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, p := range samples {
			if _, err := st.ExecContext(ctx, s.RecordingID, p.T.Unix(), p.Customers, p.Waiting, p.Staff); err != nil {
				return err
			}
		}
		return nil
	})
}

// TillCoverage is one scanned stretch of a till camera with its samples.
type TillCoverage struct {
	CameraID    int64
	RecordingID int64
	Starts, End time.Time
	Step        time.Duration
	Detector    string
	Samples     []PresenceSample
}

// TillPresence returns the scanned stretches of a store's till cameras that
// overlap [from, to), each with its samples, oldest first.
func (db *DB) TillPresence(ctx context.Context, storeID int64, from, to time.Time) ([]TillCoverage, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT s.recording_id, s.camera_id, s.starts, s.ends, s.step_s, s.detector, p.t, p.customers, p.waiting, p.staff
		FROM till_scans s JOIN cameras c ON c.id = s.camera_id
		JOIN recordings r ON r.id = s.recording_id AND r.sha256 = s.sha256
		LEFT JOIN till_presence p ON p.recording_id = s.recording_id
		WHERE c.store_id = ? AND s.starts < ? AND s.ends > ?
		ORDER BY s.starts, s.recording_id, p.t`, storeID, to.Unix(), from.Unix())
	if err != nil {
		return nil, fmt.Errorf("read the till presence: %w", MapError(err))
	}
	defer rows.Close()
	var out []TillCoverage
	for rows.Next() {
		var rec, cam, starts, ends int64
		var step float64
		var det string
		var t, cust, wait, staff sql.NullInt64
		if err := rows.Scan(&rec, &cam, &starts, &ends, &step, &det, &t, &cust, &wait, &staff); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].RecordingID != rec {
			out = append(out, TillCoverage{CameraID: cam, RecordingID: rec, Starts: time.Unix(starts, 0).UTC(), End: time.Unix(ends, 0).UTC(),
				Step: time.Duration(step * float64(time.Second)), Detector: det})
		}
		if t.Valid {
			c := &out[len(out)-1]
			c.Samples = append(c.Samples, PresenceSample{T: time.Unix(t.Int64, 0).UTC(), Customers: int(cust.Int64), Waiting: int(wait.Int64),
				Staff: int(staff.Int64)})
		}
	}
	return out, MapError(rows.Err())
}

// ReceiptsBetween lists a store's receipts rung up in [from, to) with
// their lines, oldest first.
func (db *DB) ReceiptsBetween(ctx context.Context, storeID int64, from, to time.Time) ([]Receipt, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT r.id, r.receipt_no, r.t, r.till, r.amount_fen, r.discount_fen, r.cashier, COALESCE(r.member_card, ''),
			r.is_refund, r.is_staff_purchase, l.sku, l.name, l.qty, l.unit_price_fen, l.amount_fen
		FROM pos_receipts r LEFT JOIN pos_receipt_lines l ON l.receipt_id = r.id
		WHERE r.store_id = ? AND r.t >= ? AND r.t < ?
		ORDER BY r.t, r.id, l.line_no`, storeID, from.Unix(), to.Unix())
	if err != nil {
		return nil, fmt.Errorf("read the receipts: %w", MapError(err))
	}
	defer rows.Close()
	var out []Receipt
	for rows.Next() {
		var r Receipt
		var sku, name sql.NullString
		var qty, unit, amt sql.NullInt64
		if err := rows.Scan(&r.ID, &r.ReceiptNo, &r.T, &r.Till, &r.AmountFen, &r.DiscountFen, &r.Cashier, &r.MemberCard,
			&r.IsRefund, &r.IsStaffPurchase, &sku, &name, &qty, &unit, &amt); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].ID != r.ID {
			r.StoreID = storeID
			out = append(out, r)
		}
		if sku.Valid {
			last := &out[len(out)-1]
			last.Lines = append(last.Lines, ReceiptLine{SKU: sku.String, Name: name.String, Qty: int(qty.Int64),
				UnitPriceFen: unit.Int64, AmountFen: amt.Int64})
		}
	}
	return out, MapError(rows.Err())
}

// ReceiptsCovered is the first and last moment of the receipts stored for
// a store (zero times when there are none): the audit says when a period
// lies outside them.
func (db *DB) ReceiptsCovered(ctx context.Context, storeID int64) (first, last time.Time, err error) {
	var lo, hi sql.NullInt64
	err = db.r.QueryRowContext(ctx, `SELECT min(t), max(t) FROM pos_receipts WHERE store_id = ?`, storeID).Scan(&lo, &hi)
	if err != nil || !lo.Valid {
		return time.Time{}, time.Time{}, MapError(err)
	}
	return time.Unix(lo.Int64, 0).UTC(), time.Unix(hi.Int64, 0).UTC(), nil
}

// StaffCard is a staff member's own loyalty card.
type StaffCard struct {
	Card, StaffCode, Name, StoreCode string
	StoreID                          int64
}

// StaffCards maps every staff member's own member card, at any store, to
// its holder.
func (db *DB) StaffCards(ctx context.Context) (map[string]StaffCard, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT s.member_card, s.code, s.name, st.code, st.id FROM staff s JOIN stores st ON st.id = s.store_id
		WHERE COALESCE(s.member_card, '') <> ''`)
	if err != nil {
		return nil, fmt.Errorf("read the staff cards: %w", MapError(err))
	}
	defer rows.Close()
	out := map[string]StaffCard{}
	for rows.Next() {
		var c StaffCard
		if err := rows.Scan(&c.Card, &c.StaffCode, &c.Name, &c.StoreCode, &c.StoreID); err != nil {
			return nil, err
		}
		out[c.Card] = c
	}
	return out, MapError(rows.Err())
}

// Audit finding states.
const (
	FindingOpen      = "open"
	FindingDismissed = "dismissed"
	FindingTasked    = "tasked"
)

// AuditFinding is one thing the cashier audit found at a store.
type AuditFinding struct {
	ID        int64
	StoreID   int64
	StoreCode string
	StoreName string
	TimeZone  string
	Kind      string
	At        time.Time
	Subject   string
	CameraID  int64 // the till camera whose footage shows it, 0 for none
	Evidence  json.RawMessage
	Status    string
	Reason    string
	TaskID    string
	FoundAt   time.Time
}

// AuditScope is the stores and stretch of time one audit run looked at.
type AuditScope struct {
	StoreIDs []int64
	From, To time.Time
}

// ReplaceFindings stores what a run over scope found: new findings are
// added open, those found again keep their state (a dismissal or task
// stands) with fresh evidence, and open ones the run no longer finds go.
// It returns the findings' ids in the order given.
func (db *DB) ReplaceFindings(ctx context.Context, scope AuditScope, found []AuditFinding) ([]int64, error) {
	ids := make([]int64, len(found))
	err := db.write(ctx, func(tx *sql.Tx) error {
		keep := map[int64]bool{}
		for i, f := range found {
			var cam any
			if f.CameraID != 0 {
				cam = f.CameraID
			}
			err := tx.QueryRowContext(ctx, `INSERT INTO audit_findings(store_id, kind, at, subject, camera_id, evidence, found_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?, unixepoch(), unixepoch())
				ON CONFLICT(store_id, kind, subject) DO UPDATE SET at = excluded.at, camera_id = excluded.camera_id,
					evidence = excluded.evidence, updated_at = unixepoch()
				RETURNING id`, f.StoreID, f.Kind, f.At.Unix(), f.Subject, cam, string(f.Evidence)).Scan(&ids[i])
			if err != nil {
				return fmt.Errorf("finding %s %s: %w", f.Kind, f.Subject, err)
			}
			keep[ids[i]] = true
		}
		for _, sid := range scope.StoreIDs {
			rows, err := tx.QueryContext(ctx, `SELECT id FROM audit_findings WHERE store_id = ? AND status = 'open' AND at >= ? AND at < ?`,
				sid, scope.From.Unix(), scope.To.Unix())
			if err != nil {
				return err
			}
			var gone []int64
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				if !keep[id] {
					gone = append(gone, id)
				}
			}
			rows.Close()
			for _, id := range gone {
				if _, err := tx.ExecContext(ctx, `DELETE FROM audit_findings WHERE id = ?`, id); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return ids, MapError(err)
}

// FindingFilter narrows the findings listed; zero fields do not filter.
type FindingFilter struct {
	StoreIDs []int64
	From, To time.Time
	Kind     string
	Status   string
}

// AuditFindings lists findings, newest first.
func (db *DB) AuditFindings(ctx context.Context, f FindingFilter) ([]AuditFinding, error) {
	q := `SELECT a.id, a.store_id, s.code, s.name, s.time_zone, a.kind, a.at, a.subject, COALESCE(a.camera_id, 0), a.evidence, a.status,
			a.reason, COALESCE(a.task_id, ''), a.found_at
		FROM audit_findings a JOIN stores s ON s.id = a.store_id WHERE 1 = 1`
	var args []any
	if len(f.StoreIDs) > 0 {
		q += ` AND a.store_id IN (` + strings.TrimSuffix(strings.Repeat("?,", len(f.StoreIDs)), ",") + `)`
		for _, id := range f.StoreIDs {
			args = append(args, id)
		}
	}
	if !f.From.IsZero() {
		q += ` AND a.at >= ?`
		args = append(args, f.From.Unix())
	}
	if !f.To.IsZero() {
		q += ` AND a.at < ?`
		args = append(args, f.To.Unix())
	}
	if f.Kind != "" {
		q += ` AND a.kind = ?`
		args = append(args, f.Kind)
	}
	if f.Status != "" {
		q += ` AND a.status = ?`
		args = append(args, f.Status)
	}
	rows, err := db.r.QueryContext(ctx, q+` ORDER BY a.at DESC, a.id DESC`, args...)
	if err != nil {
		return nil, fmt.Errorf("read the audit findings: %w", MapError(err))
	}
	defer rows.Close()
	var out []AuditFinding
	for rows.Next() {
		var a AuditFinding
		var at, found int64
		var ev string
		if err := rows.Scan(&a.ID, &a.StoreID, &a.StoreCode, &a.StoreName, &a.TimeZone, &a.Kind, &at, &a.Subject, &a.CameraID, &ev, &a.Status,
			&a.Reason, &a.TaskID, &found); err != nil {
			return nil, err
		}
		a.At, a.FoundAt, a.Evidence = time.Unix(at, 0).UTC(), time.Unix(found, 0).UTC(), json.RawMessage(ev)
		out = append(out, a)
	}
	return out, MapError(rows.Err())
}

// AuditFinding returns one finding.
func (db *DB) AuditFinding(ctx context.Context, id int64) (AuditFinding, error) {
	var f AuditFinding
	var at, found int64
	var ev string
	err := db.r.QueryRowContext(ctx, `SELECT a.id, a.store_id, s.code, s.name, s.time_zone, a.kind, a.at, a.subject, COALESCE(a.camera_id, 0),
			a.evidence, a.status, a.reason, COALESCE(a.task_id, ''), a.found_at
		FROM audit_findings a JOIN stores s ON s.id = a.store_id WHERE a.id = ?`, id).Scan(&f.ID, &f.StoreID, &f.StoreCode, &f.StoreName,
		&f.TimeZone, &f.Kind, &at, &f.Subject, &f.CameraID, &ev, &f.Status, &f.Reason, &f.TaskID, &found)
	if err != nil {
		return f, fmt.Errorf("audit finding %d: %w", id, MapError(err))
	}
	f.At, f.FoundAt, f.Evidence = time.Unix(at, 0).UTC(), time.Unix(found, 0).UTC(), json.RawMessage(ev)
	return f, nil
}

// SetFindingStatus dismisses a finding with a reason, records the task it
// became, or opens it again (status open, reason and task cleared).
func (db *DB) SetFindingStatus(ctx context.Context, id int64, status, reason, taskID string) error {
	var task any
	if taskID != "" {
		task = taskID
	}
	if status == FindingOpen {
		reason, task = "", nil
	}
	res, err := db.w.ExecContext(ctx, `UPDATE audit_findings SET status = ?, reason = ?, task_id = ?, updated_at = unixepoch() WHERE id = ?`,
		status, reason, task, id)
	if err != nil {
		return fmt.Errorf("audit finding %d: %w", id, MapError(err))
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("audit finding %d: %w", id, ErrNotFound)
	}
	return nil
}
