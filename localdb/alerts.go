package localdb

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"storelens/app/vocab"
)

// HealthAlert is one stretch of time during which a camera could not be
// trusted: its view blocked, moved, blurred or gone, whether the device
// reported it (through sync, see FeedPage.UpsertCameraAlert) or a footage
// check found it here. Counts the camera took meanwhile are suspect.
type HealthAlert struct {
	ID       int64
	RemoteID string // the device feed's id; "" for alerts found locally
	CameraID int64
	Kind     string // one of vocab.AlertKinds
	Source   string // vocab.AlertFromDevice or vocab.AlertFromLocal
	Started  time.Time
	// Ended is zero while the alert is open.
	Ended time.Time
	// Measure is the alert's headline figure (share blocked, shift in
	// pixels, sharpness ratio, seconds without signal); NaN-free, 0 if none.
	Measure float64
	// Detail is a JSON object with the figures behind the alert.
	Detail string
}

// Open reports whether the alert has not ended.
func (a HealthAlert) Open() bool { return a.Ended.IsZero() }

func (a HealthAlert) validate() error {
	switch a.Kind {
	case vocab.AlertOcclusion, vocab.AlertMoved, vocab.AlertDefocus, vocab.AlertNoSignal:
	default:
		return fmt.Errorf("camera alert of camera %d: unknown kind %q (want occlusion, moved, defocus or no_signal)", a.CameraID, a.Kind)
	}
	switch a.Source {
	case vocab.AlertFromDevice, vocab.AlertFromLocal:
	default:
		return fmt.Errorf("camera alert of camera %d: unknown source %q (want device or local)", a.CameraID, a.Source)
	}
	if a.Started.IsZero() {
		return fmt.Errorf("camera alert of camera %d: no start time", a.CameraID)
	}
	if !a.Ended.IsZero() && a.Ended.Before(a.Started) {
		return fmt.Errorf("camera alert of camera %d: ends (%s) before it starts (%s)", a.CameraID, a.Ended.UTC().Format(time.RFC3339), a.Started.UTC().Format(time.RFC3339))
	}
	if a.Detail != "" && !json.Valid([]byte(a.Detail)) {
		return fmt.Errorf("camera alert of camera %d: detail is not JSON", a.CameraID)
	}
	return nil
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

func detailOrEmpty(d string) string {
	if d == "" {
		return "{}"
	}
	return d
}

// InsertHealthAlert stores a new alert and marks the camera's counts it
// overlaps as suspect. It returns the alert's id.
func (db *DB) InsertHealthAlert(ctx context.Context, a HealthAlert) (int64, error) {
	return insertHealthAlert(ctx, db.w, a)
}

// insertHealthAlert is InsertHealthAlert inside a caller's transaction.
func insertHealthAlert(ctx context.Context, x execer, a HealthAlert) (int64, error) {
	if err := a.validate(); err != nil {
		return 0, err
	}
	var remote any
	if a.RemoteID != "" {
		remote = a.RemoteID
	}
	res, err := x.ExecContext(ctx, `INSERT INTO camera_alerts(remote_id, camera_id, kind, source, started_at, ended_at, measure, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		remote, a.CameraID, a.Kind, a.Source, a.Started.Unix(), nullTime(a.Ended), a.Measure, detailOrEmpty(a.Detail))
	if err != nil {
		return 0, fmt.Errorf("store %s alert of camera %d: %w", a.Kind, a.CameraID, MapError(err))
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if _, err := markSuspectBuckets(ctx, x, a.CameraID, a.Started, a.Ended); err != nil {
		return 0, err
	}
	return id, nil
}

// CloseCameraAlert ends an open alert at ended. Closing an alert that has
// already ended, or ending it before it started, is an error that changes
// nothing.
func (db *DB) CloseCameraAlert(ctx context.Context, id int64, ended time.Time) error {
	return closeCameraAlert(ctx, db.w, id, ended)
}

// closeCameraAlert is CloseCameraAlert inside a caller's transaction.
func closeCameraAlert(ctx context.Context, x execer, id int64, ended time.Time) error {
	var started int64
	var prevEnd sql.NullInt64
	err := x.QueryRowContext(ctx, `SELECT started_at, ended_at FROM camera_alerts WHERE id = ?`, id).Scan(&started, &prevEnd)
	if err != nil {
		return fmt.Errorf("close camera alert %d: %w", id, MapError(err))
	}
	if prevEnd.Valid {
		return fmt.Errorf("close camera alert %d: it already ended at %s", id, time.Unix(prevEnd.Int64, 0).UTC().Format(time.RFC3339))
	}
	if ended.Unix() < started {
		return fmt.Errorf("close camera alert %d: end %s is before its start %s", id, ended.UTC().Format(time.RFC3339), time.Unix(started, 0).UTC().Format(time.RFC3339))
	}
	_, err = x.ExecContext(ctx, `UPDATE camera_alerts SET ended_at = ? WHERE id = ?`, ended.Unix(), id)
	return MapError(err)
}

// DeleteLocalCameraAlerts removes the alerts found locally for a camera
// that start in [from, to), so checking the same footage again replaces
// its alerts instead of doubling them. Suspect marks stay (they are only
// ever added). It returns how many were removed.
func (db *DB) DeleteLocalCameraAlerts(ctx context.Context, cameraID int64, from, to time.Time) (int64, error) {
	return deleteLocalCameraAlerts(ctx, db.w, cameraID, from, to)
}

// deleteLocalCameraAlerts is DeleteLocalCameraAlerts inside a caller's transaction.
func deleteLocalCameraAlerts(ctx context.Context, x execer, cameraID int64, from, to time.Time) (int64, error) {
	res, err := x.ExecContext(ctx, `DELETE FROM camera_alerts WHERE camera_id = ? AND source = 'local' AND started_at >= ? AND started_at < ?`,
		cameraID, from.Unix(), to.Unix())
	if err != nil {
		return 0, MapError(err)
	}
	return res.RowsAffected()
}

// AlertFilter selects camera alerts for HealthAlerts. Zero fields do not
// filter.
type AlertFilter struct {
	StoreID  int64
	CameraID int64
	Source   string
	// From and To select alerts overlapping [From, To); an open alert
	// overlaps everything after its start.
	From, To time.Time
	// OpenOnly keeps only alerts that have not ended.
	OpenOnly bool
}

// HealthAlerts lists camera alerts matching f, oldest first.
func (db *DB) HealthAlerts(ctx context.Context, f AlertFilter) ([]HealthAlert, error) {
	return healthAlerts(ctx, db.r, f)
}

// healthAlerts is HealthAlerts inside a caller's transaction.
func healthAlerts(ctx context.Context, x execer, f AlertFilter) ([]HealthAlert, error) {
	q := `SELECT a.id, COALESCE(a.remote_id, ''), a.camera_id, a.kind, a.source, a.started_at, a.ended_at, COALESCE(a.measure, 0), a.detail
		FROM camera_alerts a JOIN cameras c ON c.id = a.camera_id WHERE 1 = 1`
	var args []any
	if f.StoreID != 0 {
		q += ` AND c.store_id = ?`
		args = append(args, f.StoreID)
	}
	if f.CameraID != 0 {
		q += ` AND a.camera_id = ?`
		args = append(args, f.CameraID)
	}
	if f.Source != "" {
		q += ` AND a.source = ?`
		args = append(args, f.Source)
	}
	if !f.To.IsZero() {
		q += ` AND a.started_at < ?`
		args = append(args, f.To.Unix())
	}
	if !f.From.IsZero() {
		q += ` AND (a.ended_at IS NULL OR a.ended_at > ?)`
		args = append(args, f.From.Unix())
	}
	if f.OpenOnly {
		q += ` AND a.ended_at IS NULL`
	}
	q += ` ORDER BY a.started_at, a.id`
	rows, err := x.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("read camera alerts: %w", MapError(err))
	}
	defer rows.Close()
	var out []HealthAlert
	for rows.Next() {
		var a HealthAlert
		var started int64
		var ended sql.NullInt64
		if err := rows.Scan(&a.ID, &a.RemoteID, &a.CameraID, &a.Kind, &a.Source, &started, &ended, &a.Measure, &a.Detail); err != nil {
			return nil, err
		}
		a.Started = time.Unix(started, 0).UTC()
		if ended.Valid {
			a.Ended = time.Unix(ended.Int64, 0).UTC()
		}
		out = append(out, a)
	}
	return out, MapError(rows.Err())
}

// MarkSuspectBuckets marks the camera's 15-minute count buckets (device
// and local) that overlap [from, to) as suspect; a zero to means "from on,
// without end" (an open alert). It returns how many buckets it newly
// marked. Marks are never cleared here: a count once taken during an alert
// stays doubtful.
func (db *DB) MarkSuspectBuckets(ctx context.Context, cameraID int64, from, to time.Time) (int64, error) {
	return markSuspectBuckets(ctx, db.w, cameraID, from, to)
}

// markSuspectBuckets is MarkSuspectBuckets inside a caller's transaction.
func markSuspectBuckets(ctx context.Context, x execer, cameraID int64, from, to time.Time) (int64, error) {
	res, err := x.ExecContext(ctx, `UPDATE count_buckets SET suspect = 1
		WHERE camera_id = ? AND suspect = 0 AND bucket_start + 900 > ? AND (? IS NULL OR bucket_start < ?)`,
		cameraID, from.Unix(), nullTime(to), nullTime(to))
	if err != nil {
		return 0, fmt.Errorf("mark counts of camera %d suspect: %w", cameraID, MapError(err))
	}
	return res.RowsAffected()
}

// AlertHour is one hour of a store's own clock during which some of its
// counts cannot be trusted, and why.
type AlertHour struct {
	// Start is the hour's start in the store's time zone.
	Start time.Time
	// Kinds are the alert kinds overlapping the hour, sorted; "suspect"
	// appears when a bucket arrived already marked suspect by its device.
	Kinds []string
	// Cameras are the ids of the cameras concerned, sorted.
	Cameras []int64
}

// AlertHours lists the hours of the store's local clock in [from, to)
// that overlap a camera alert of one of its cameras or hold a suspect
// count bucket, oldest first. It reads the raw tables, so it is right even
// before the rollups are refreshed; screens that show many stores read the
// rollups (SuspectHours) instead.
func (db *DB) AlertHours(ctx context.Context, storeID int64, from, to time.Time) ([]AlertHour, error) {
	var tz string
	if err := db.r.QueryRowContext(ctx, `SELECT time_zone FROM stores WHERE id = ?`, storeID).Scan(&tz); err != nil {
		return nil, fmt.Errorf("store %d: %w", storeID, MapError(err))
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return nil, fmt.Errorf("store %d has an unknown time zone %q: %w (fix it in the store's settings at HQ)", storeID, tz, err)
	}
	hours := map[int64]*AlertHour{}
	add := func(bucket int64, kind string, camera int64) {
		lt := time.Unix(bucket, 0).In(loc)
		h := time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), 0, 0, 0, loc)
		ah := hours[h.Unix()]
		if ah == nil {
			ah = &AlertHour{Start: h}
			hours[h.Unix()] = ah
		}
		if !slices.Contains(ah.Kinds, kind) {
			ah.Kinds = append(ah.Kinds, kind)
		}
		if !slices.Contains(ah.Cameras, camera) {
			ah.Cameras = append(ah.Cameras, camera)
		}
	}
	f, t := from.Unix(), to.Unix()
	alerts, err := healthAlerts(ctx, db.r, AlertFilter{StoreID: storeID, From: from, To: to})
	if err != nil {
		return nil, err
	}
	for _, a := range alerts {
		s, e := max(a.Started.Unix(), f), t
		if !a.Open() {
			e = min(a.Ended.Unix(), t)
		}
		// Walk the alert in 15-minute steps: every local hour it touches.
		for b := s - s%900; b < max(e, s+1); b += 900 {
			add(max(b, s), a.Kind, a.CameraID)
		}
	}
	rows, err := db.r.QueryContext(ctx, `SELECT bucket_start, camera_id FROM count_buckets
		WHERE store_id = ? AND suspect = 1 AND bucket_start >= ? AND bucket_start < ?`, storeID, f-f%900, t)
	if err != nil {
		return nil, MapError(err)
	}
	defer rows.Close()
	for rows.Next() {
		var b, cam int64
		if err := rows.Scan(&b, &cam); err != nil {
			return nil, err
		}
		lt := time.Unix(b, 0)
		h := time.Date(lt.In(loc).Year(), lt.In(loc).Month(), lt.In(loc).Day(), lt.In(loc).Hour(), 0, 0, 0, loc).Unix()
		if ah, ok := hours[h]; ok && slices.Contains(ah.Cameras, cam) {
			continue // explained by an alert already
		}
		add(max(b, f), "suspect", cam)
	}
	if err := rows.Err(); err != nil {
		return nil, MapError(err)
	}
	out := make([]AlertHour, 0, len(hours))
	for _, h := range hours {
		slices.Sort(h.Kinds)
		slices.Sort(h.Cameras)
		out = append(out, *h)
	}
	slices.SortFunc(out, func(a, b AlertHour) int { return a.Start.Compare(b.Start) })
	return out, nil
}

// CameraReferenceRecord is a camera's stored reference view (see
// vision/health.Reference) and where it was learnt from.
type CameraReferenceRecord struct {
	CameraID   int64
	LearntAt   time.Time
	LearntFrom string // footage path or address
	Reference  []byte
}

// SaveCameraReference stores (or replaces, after a re-installation) a
// camera's reference view.
func (db *DB) SaveCameraReference(ctx context.Context, r CameraReferenceRecord) error {
	return saveCameraReference(ctx, db.w, r)
}

// saveCameraReference is SaveCameraReference inside a caller's transaction.
func saveCameraReference(ctx context.Context, x execer, r CameraReferenceRecord) error {
	if len(r.Reference) == 0 {
		return fmt.Errorf("camera %d: empty reference", r.CameraID)
	}
	_, err := x.ExecContext(ctx, `INSERT INTO camera_references(camera_id, learnt_at, learnt_from, reference) VALUES (?, ?, ?, ?)
		ON CONFLICT(camera_id) DO UPDATE SET learnt_at = excluded.learnt_at, learnt_from = excluded.learnt_from, reference = excluded.reference`,
		r.CameraID, r.LearntAt.Unix(), r.LearntFrom, r.Reference)
	if err != nil {
		return fmt.Errorf("store the reference view of camera %d: %w", r.CameraID, MapError(err))
	}
	return nil
}

// CameraReference reads a camera's reference view, or ErrNotFound when
// none has been learnt yet.
func (db *DB) CameraReference(ctx context.Context, cameraID int64) (CameraReferenceRecord, error) {
	r := CameraReferenceRecord{CameraID: cameraID}
	var at int64
	err := db.r.QueryRowContext(ctx, `SELECT learnt_at, learnt_from, reference FROM camera_references WHERE camera_id = ?`, cameraID).
		Scan(&at, &r.LearntFrom, &r.Reference)
	if err != nil {
		return r, fmt.Errorf("reference view of camera %d: %w", cameraID, MapError(err))
	}
	r.LearntAt = time.Unix(at, 0).UTC()
	return r, nil
}

// CameraPlace is where a camera hangs: its id, code and store.
type CameraPlace struct {
	CameraID  int64
	Code      string
	StoreID   int64
	StoreCode string
	TimeZone  string // the store's IANA zone
}

// CameraPlaceByCode finds a camera by its code (case-insensitive), or
// ErrNotFound.
func (db *DB) CameraPlaceByCode(ctx context.Context, code string) (CameraPlace, error) {
	var p CameraPlace
	err := db.r.QueryRowContext(ctx, `SELECT c.id, c.code, s.id, s.code, s.time_zone FROM cameras c JOIN stores s ON s.id = c.store_id
		WHERE c.code = ? COLLATE NOCASE`, strings.TrimSpace(code)).Scan(&p.CameraID, &p.Code, &p.StoreID, &p.StoreCode, &p.TimeZone)
	if err != nil {
		return p, fmt.Errorf("camera %q: %w", code, MapError(err))
	}
	return p, nil
}

// CameraPlaceByID finds a camera by id, or ErrNotFound.
func (db *DB) CameraPlaceByID(ctx context.Context, id int64) (CameraPlace, error) {
	var p CameraPlace
	err := db.r.QueryRowContext(ctx, `SELECT c.id, c.code, s.id, s.code, s.time_zone FROM cameras c JOIN stores s ON s.id = c.store_id
		WHERE c.id = ?`, id).Scan(&p.CameraID, &p.Code, &p.StoreID, &p.StoreCode, &p.TimeZone)
	if err != nil {
		return p, fmt.Errorf("camera %d: %w", id, MapError(err))
	}
	return p, nil
}

// HealthCheckRecord is one local health check of a camera's footage, ready
// to be stored by StoreHealthCheck.
type HealthCheckRecord struct {
	CameraID, StoreID int64
	// Start and End bound the footage that was checked.
	Start, End time.Time
	// Sustain is how long a condition must last to raise an alert; an
	// alert starting within Sustain (plus two seconds) of Start continues
	// an alert of the same kind still open from earlier footage.
	Sustain time.Duration
	// Reference, when not nil, replaces the camera's stored reference view.
	Reference *CameraReferenceRecord
	// Alerts are what the check found, in absolute times; a zero Ended is
	// still open at the footage's end.
	Alerts []HealthAlert
}

// HealthCheckStored is what StoreHealthCheck wrote.
type HealthCheckStored struct {
	Alerts          []HealthAlert // the new alerts, with their ids
	Closed          int           // earlier open alerts this footage shows to be over
	ReferenceStored bool
}

// StoreHealthCheck stores a health check in one transaction: the reference
// (when given); the local alerts of an earlier check of the same span are
// replaced; alerts still open from earlier footage are continued when this
// footage starts in the same condition and closed at its start otherwise;
// the new alerts are stored, the counts under them marked suspect, and the
// store's rollups refreshed from the earliest alert touched.
func (db *DB) StoreHealthCheck(ctx context.Context, c HealthCheckRecord) (HealthCheckStored, error) {
	var out HealthCheckStored
	err := db.write(ctx, func(tx *sql.Tx) error {
		out = HealthCheckStored{}
		if c.Reference != nil {
			if err := saveCameraReference(ctx, tx, *c.Reference); err != nil {
				return err
			}
			out.ReferenceStored = true
		}
		if _, err := deleteLocalCameraAlerts(ctx, tx, c.CameraID, c.Start, c.End.Add(time.Second)); err != nil {
			return err
		}
		from := c.Start
		open, err := healthAlerts(ctx, tx, AlertFilter{CameraID: c.CameraID, Source: vocab.AlertFromLocal, OpenOnly: true, To: c.Start})
		if err != nil {
			return err
		}
		fresh := c.Alerts
		for _, o := range open {
			if o.Started.Before(from) {
				from = o.Started
			}
			// The same condition at the very start of this footage
			// continues the earlier alert rather than opening a new one.
			cont := -1
			for i, a := range fresh {
				if a.Kind == o.Kind && a.Started.Sub(c.Start) <= c.Sustain+2*time.Second {
					cont = i
					break
				}
			}
			if cont < 0 {
				if err := closeCameraAlert(ctx, tx, o.ID, c.Start); err != nil {
					return err
				}
				out.Closed++
				continue
			}
			if e := fresh[cont].Ended; !e.IsZero() {
				if err := closeCameraAlert(ctx, tx, o.ID, e); err != nil {
					return err
				}
			}
			fresh = append(fresh[:cont:cont], fresh[cont+1:]...)
		}
		for _, h := range fresh {
			h.Started = h.Started.Truncate(time.Second)
			if !h.Ended.IsZero() {
				h.Ended = h.Ended.Truncate(time.Second)
			}
			if h.ID, err = insertHealthAlert(ctx, tx, h); err != nil {
				return err
			}
			out.Alerts = append(out.Alerts, h)
		}
		return refreshRollups(ctx, tx, c.StoreID, from, c.End.Add(time.Second))
	})
	return out, err
}

// DeviceAlert is an alert a camera device raised, as HQ's feed sends it.
// EndedAt is 0 while open.
type DeviceAlert struct {
	RemoteID  string
	CameraID  int64
	Kind      string // one of vocab.AlertKinds
	StartedAt int64
	EndedAt   int64
	Measure   float64
	Detail    string // JSON object, '' for none
}

// UpsertCameraAlert stores a device alert and marks the store's rollups
// over the alert's period stale (suspect hours).
func (p *FeedPage) UpsertCameraAlert(a DeviceAlert) error {
	if skip, err := p.orphan("alert "+a.RemoteID, 0, a.CameraID); skip || err != nil {
		return err
	}
	store, err := p.cameraStore(a.CameraID)
	if err != nil {
		return fmt.Errorf("alert %s: %w", a.RemoteID, err)
	}
	if a.Detail == "" {
		a.Detail = "{}"
	}
	var old struct{ from, to sql.NullInt64 }
	// An alert still open marks the hours up to the last counts stored,
	// never up to the wall clock: what a sync stores must not depend on
	// the hour it runs at (a later page of counts touches its own days).
	var lastData int64
	p.tx.QueryRowContext(p.ctx, `SELECT COALESCE(MAX(bucket_start) + 900, 0) FROM count_buckets WHERE store_id = ?`, store).Scan(&lastData)
	p.tx.QueryRowContext(p.ctx, `SELECT started_at, COALESCE(ended_at, ?) FROM camera_alerts WHERE remote_id = ?`, lastData, a.RemoteID).Scan(&old.from, &old.to)
	if _, err := p.exec(`INSERT INTO camera_alerts(remote_id, camera_id, kind, source, started_at, ended_at, measure, detail)
		VALUES (?, ?, ?, 'device', ?, NULLIF(?, 0), ?, ?)
		ON CONFLICT(remote_id) DO UPDATE SET camera_id = excluded.camera_id, kind = excluded.kind, started_at = excluded.started_at,
			ended_at = excluded.ended_at, measure = excluded.measure, detail = excluded.detail`,
		a.RemoteID, a.CameraID, a.Kind, a.StartedAt, a.EndedAt, a.Measure, a.Detail); err != nil {
		return fmt.Errorf("alert %s on camera %d: %w", a.RemoteID, a.CameraID, err)
	}
	end := a.EndedAt
	if end == 0 {
		end = max(a.StartedAt, lastData)
	}
	p.touch(store, a.StartedAt, end)
	if old.from.Valid {
		p.touch(store, old.from.Int64, old.to.Int64)
	}
	p.rows++
	return nil
}

// DeleteCameraAlert removes a device alert.
func (p *FeedPage) DeleteCameraAlert(remoteID string) error {
	var store, from, to int64
	err := p.tx.QueryRowContext(p.ctx, `SELECT c.store_id, a.started_at, COALESCE(a.ended_at, unixepoch()) FROM camera_alerts a
		JOIN cameras c ON c.id = a.camera_id WHERE a.remote_id = ?`, remoteID).Scan(&store, &from, &to)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := p.exec(`DELETE FROM camera_alerts WHERE remote_id = ?`, remoteID); err != nil {
		return err
	}
	p.touch(store, from, to)
	return nil
}

// SuspectHours lists the UTC starts of one store's suspect hours in [from, to).
func (db *DB) SuspectHours(ctx context.Context, storeID int64, from, to time.Time) ([]time.Time, int, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT hour_start, alert_kinds FROM store_hourly
		WHERE store_id = ? AND hour_start >= ? AND hour_start < ? AND suspect = 1 AND open = 1 ORDER BY hour_start`, storeID, from.Unix(), to.Unix())
	if err != nil {
		return nil, 0, MapError(err)
	}
	defer rows.Close()
	var out []time.Time
	kinds := 0
	for rows.Next() {
		var t int64
		var k int
		if err := rows.Scan(&t, &k); err != nil {
			return nil, 0, err
		}
		out = append(out, time.Unix(t, 0).UTC())
		kinds |= k
	}
	return out, kinds, MapError(rows.Err())
}

// StoreCameraAlert is one camera problem that makes a store's counts suspect.
type StoreCameraAlert struct {
	StoreCode string
	StoreName string
	// TimeZone is the store's IANA zone: show Started and Ended in it.
	TimeZone   string
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
	rows, err := db.r.QueryContext(ctx, `SELECT s.code, s.name, s.time_zone, c.code, c.name, al.kind, al.source, al.started_at, COALESCE(al.ended_at, 0)
		FROM camera_alerts al JOIN cameras c ON c.id = al.camera_id JOIN stores s ON s.id = c.store_id
		WHERE (al.ended_at IS NULL OR al.started_at >= ?) AND (? = 0 OR s.id = ?)
		ORDER BY al.started_at DESC LIMIT 500`, since.Unix(), storeID, storeID)
	if err != nil {
		return nil, fmt.Errorf("read camera alerts: %w", MapError(err))
	}
	return scanCameraAlerts(rows)
}

// CameraAlertsBetween lists the camera alerts that were open at some time
// in [from, to), of every store, by store code and start: a report's
// camera-health section for a past period.
func (db *DB) CameraAlertsBetween(ctx context.Context, from, to time.Time) ([]StoreCameraAlert, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT s.code, s.name, s.time_zone, c.code, c.name, al.kind, al.source, al.started_at, COALESCE(al.ended_at, 0)
		FROM camera_alerts al JOIN cameras c ON c.id = al.camera_id JOIN stores s ON s.id = c.store_id
		WHERE al.started_at < ? AND (al.ended_at IS NULL OR al.ended_at > ?)
		ORDER BY s.code, al.started_at`, to.Unix(), from.Unix())
	if err != nil {
		return nil, fmt.Errorf("read camera alerts: %w", MapError(err))
	}
	return scanCameraAlerts(rows)
}

func scanCameraAlerts(rows *sql.Rows) ([]StoreCameraAlert, error) {
	defer rows.Close()
	var out []StoreCameraAlert
	for rows.Next() {
		var c StoreCameraAlert
		var started, ended int64
		if err := rows.Scan(&c.StoreCode, &c.StoreName, &c.TimeZone, &c.CameraCode, &c.CameraName, &c.Kind, &c.Source, &started, &ended); err != nil {
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
