package localdb

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Recording is a footage clip in HQ's index.
type Recording struct {
	RemoteID  string
	CameraID  int64
	Starts    int64
	DurationS float64
	Size      int64
	SHA256    string
	URL       string // relative to the feed's base URL
}

// UpsertRecording stores a clip of HQ's index. A clip whose content changed
// at HQ (another SHA-256) goes back to "remote": its old download no longer
// counts. An on-request segment comes without size and SHA-256 (""): what
// its export told is kept.
func (p *FeedPage) UpsertRecording(r Recording) error {
	if skip, err := p.orphan("recording "+r.RemoteID, 0, r.CameraID); skip || err != nil {
		return err
	}
	var oldSHA, oldPath sql.NullString
	p.tx.QueryRowContext(p.ctx, `SELECT sha256, local_path FROM recordings WHERE remote_id = ?`, r.RemoteID).Scan(&oldSHA, &oldPath)
	if _, err := p.exec(`INSERT INTO recordings(remote_id, camera_id, starts, duration_s, size_bytes, sha256, url) VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(remote_id) DO UPDATE SET camera_id = excluded.camera_id, starts = excluded.starts, duration_s = excluded.duration_s,
			url = excluded.url,
			size_bytes = CASE WHEN excluded.sha256 = '' THEN size_bytes ELSE excluded.size_bytes END,
			state = CASE WHEN excluded.sha256 = '' OR sha256 = excluded.sha256 THEN state ELSE 'remote' END,
			local_path = CASE WHEN excluded.sha256 = '' OR sha256 = excluded.sha256 THEN local_path ELSE NULL END,
			bytes_done = CASE WHEN excluded.sha256 = '' OR sha256 = excluded.sha256 THEN bytes_done ELSE 0 END,
			etag = CASE WHEN excluded.sha256 = '' OR sha256 = excluded.sha256 THEN etag ELSE NULL END,
			sha256 = CASE WHEN excluded.sha256 = '' THEN sha256 ELSE excluded.sha256 END`,
		r.RemoteID, r.CameraID, r.Starts, r.DurationS, r.Size, r.SHA256, r.URL); err != nil {
		return fmt.Errorf("recording %s: %w", r.RemoteID, err)
	}
	if r.SHA256 != "" && oldSHA.Valid && oldSHA.String != r.SHA256 && oldPath.Valid && oldPath.String != "" {
		p.removeFiles = append(p.removeFiles, oldPath.String)
	}
	p.rows++
	return nil
}

// DeleteRecording removes a clip from the index and, once the page has
// committed, its downloaded file.
func (p *FeedPage) DeleteRecording(remoteID string) error {
	var path sql.NullString
	p.tx.QueryRowContext(p.ctx, `SELECT local_path FROM recordings WHERE remote_id = ?`, remoteID).Scan(&path)
	if _, err := p.exec(`DELETE FROM recordings WHERE remote_id = ?`, remoteID); err != nil {
		return err
	}
	if path.Valid && path.String != "" {
		p.removeFiles = append(p.removeFiles, path.String, path.String+".part")
	}
	return nil
}

// CachedRecording is a clip of the index with its local download state.
type CachedRecording struct {
	ID           int64
	RemoteID     string
	CameraID     int64
	Starts       int64
	Size         int64
	SHA256       string
	URL          string
	ETag         string
	LocalPath    string
	State        string // remote, downloading, ready, failed, evicted
	BytesDone    int64
	OpenCount    int
	LastViewedAt int64
	Error        string
}

const cachedCols = `id, remote_id, camera_id, starts, size_bytes, sha256, url, COALESCE(etag, ''), COALESCE(local_path, ''), state,
	bytes_done, open_count, COALESCE(last_viewed_at, 0), COALESCE(error, '')`

func scanCached(sc interface{ Scan(...any) error }) (CachedRecording, error) {
	var r CachedRecording
	err := sc.Scan(&r.ID, &r.RemoteID, &r.CameraID, &r.Starts, &r.Size, &r.SHA256, &r.URL, &r.ETag, &r.LocalPath, &r.State,
		&r.BytesDone, &r.OpenCount, &r.LastViewedAt, &r.Error)
	return r, err
}

func queryCached(ctx context.Context, x execer, q string, args ...any) ([]CachedRecording, error) {
	rows, err := x.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, MapError(err)
	}
	defer rows.Close()
	var out []CachedRecording
	for rows.Next() {
		r, err := scanCached(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// RecordingByRemoteID returns a clip of the index by HQ's id, or ErrNotFound.
func (db *DB) RecordingByRemoteID(ctx context.Context, remoteID string) (CachedRecording, error) {
	r, err := scanCached(db.r.QueryRowContext(ctx, `SELECT `+cachedCols+` FROM recordings WHERE remote_id = ?`, remoteID))
	if err != nil {
		return r, fmt.Errorf("recording %s: %w", remoteID, MapError(err))
	}
	return r, nil
}

// RecordingsToPrefetch lists, among the newest n clips HQ holds ready (not
// the segments it exports only on request), those not yet downloaded,
// newest first.
func (db *DB) RecordingsToPrefetch(ctx context.Context, n int) ([]CachedRecording, error) {
	return queryCached(ctx, db.r, `SELECT `+cachedCols+` FROM (SELECT * FROM recordings WHERE sha256 <> '' ORDER BY starts DESC, id DESC LIMIT ?)
		WHERE state IN ('remote', 'downloading') ORDER BY starts DESC, id DESC`, n)
}

// SetRecordingState records a clip's download state. localPath is kept when
// "" unless the state is not ready; errText "" clears the error.
func (db *DB) SetRecordingState(ctx context.Context, id int64, state, etag, localPath string, bytesDone int64, errText string) error {
	_, err := db.w.ExecContext(ctx, `UPDATE recordings SET state = ?, etag = NULLIF(?, ''), local_path = NULLIF(?, ''), bytes_done = ?,
		error = NULLIF(?, '') WHERE id = ?`, state, etag, localPath, bytesDone, errText, id)
	return MapError(err)
}

// CacheBytes is the disk the footage cache uses: finished clips plus the
// parts of interrupted downloads.
func (db *DB) CacheBytes(ctx context.Context) (int64, error) {
	var n int64
	err := db.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(CASE WHEN state = 'ready' THEN size_bytes ELSE bytes_done END), 0)
		FROM recordings WHERE state IN ('ready', 'downloading')`).Scan(&n)
	return n, MapError(err)
}

// EvictableRecordings lists downloaded clips that may leave the cache,
// least recently viewed first: never one that is open in a player, nor one
// a corrective task still in hand points to as evidence (a verified
// task's footage may go).
func (db *DB) EvictableRecordings(ctx context.Context) ([]CachedRecording, error) {
	return queryCached(ctx, db.r, `SELECT `+cachedCols+` FROM recordings r
		WHERE state = 'ready' AND open_count = 0
		  AND NOT EXISTS (SELECT 1 FROM corrective_tasks t WHERE t.recording_id = r.id AND t.status <> 'verified')
		ORDER BY COALESCE(last_viewed_at, 0), starts, id`)
}

// MarkRecordingEvicted records that a clip's file left the cache; call it
// before removing the file so the index never points to a missing file.
// It refuses (ErrConstraint) a clip that became open or attached meanwhile.
func (db *DB) MarkRecordingEvicted(ctx context.Context, id int64) error {
	res, err := db.w.ExecContext(ctx, `UPDATE recordings SET state = 'evicted', local_path = NULL, bytes_done = 0
		WHERE id = ? AND state = 'ready' AND open_count = 0
		  AND NOT EXISTS (SELECT 1 FROM corrective_tasks t WHERE t.recording_id = recordings.id AND t.status <> 'verified')`, id)
	if err != nil {
		return MapError(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: recording %d is open or attached to a task", ErrConstraint, id)
	}
	return nil
}

// OpenRecording marks a clip as being played (never evicted while open)
// and as viewed now; pair it with CloseRecording.
func (db *DB) OpenRecording(ctx context.Context, id int64, now time.Time) error {
	_, err := db.w.ExecContext(ctx, `UPDATE recordings SET open_count = open_count + 1, last_viewed_at = ? WHERE id = ?`, now.Unix(), id)
	return MapError(err)
}

// CloseRecording ends one OpenRecording.
func (db *DB) CloseRecording(ctx context.Context, id int64) error {
	_, err := db.w.ExecContext(ctx, `UPDATE recordings SET open_count = max(open_count - 1, 0) WHERE id = ?`, id)
	return MapError(err)
}

// RecordingPlace is a clip with its camera and where it is on disk.
type RecordingPlace struct {
	CameraID   int64
	CameraCode string
	StoreCode  string
	Starts     time.Time
	Duration   time.Duration
	LocalPath  string // "" until downloaded
	State      string // the download state: ready once on this machine
}

// RecordingPlaceByID returns one clip's store, camera, span, file and state.
func (db *DB) RecordingPlaceByID(ctx context.Context, id int64) (RecordingPlace, error) {
	var p RecordingPlace
	var starts int64
	var dur float64
	err := db.r.QueryRowContext(ctx, `SELECT c.id, c.code, s.code, r.starts, r.duration_s, COALESCE(r.local_path, ''), r.state
		FROM recordings r JOIN cameras c ON c.id = r.camera_id JOIN stores s ON s.id = c.store_id WHERE r.id = ?`, id).
		Scan(&p.CameraID, &p.CameraCode, &p.StoreCode, &starts, &dur, &p.LocalPath, &p.State)
	if err != nil {
		return p, fmt.Errorf("recording %d: %w", id, MapError(err))
	}
	p.Starts = time.Unix(starts, 0).UTC()
	p.Duration = time.Duration(dur * float64(time.Second))
	return p, nil
}

// ResetOpenRecordings clears every open mark; the app calls it on start, as
// no player survives the previous process.
func (db *DB) ResetOpenRecordings(ctx context.Context) error {
	_, err := db.w.ExecContext(ctx, `UPDATE recordings SET open_count = 0 WHERE open_count <> 0`)
	return MapError(err)
}

// SetRecordingExported records the size and SHA-256 HQ gave an on-request
// segment when it exported it.
func (db *DB) SetRecordingExported(ctx context.Context, id, size int64, sha string) error {
	_, err := db.w.ExecContext(ctx, `UPDATE recordings SET size_bytes = ?, sha256 = ? WHERE id = ?`, size, sha, id)
	return MapError(err)
}

// CameraRecording is one clip of a camera's footage in time.
type CameraRecording struct {
	CachedRecording
	DurationS float64
}

// RecordingsCovering lists a camera's clips that overlap [from, to),
// oldest first.
func (db *DB) RecordingsCovering(ctx context.Context, cameraID int64, from, to time.Time) ([]CameraRecording, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT `+cachedCols+`, duration_s FROM recordings
		WHERE camera_id = ? AND starts < ? AND starts + duration_s > ? ORDER BY starts, id`, cameraID, to.Unix(), from.Unix())
	if err != nil {
		return nil, MapError(err)
	}
	defer rows.Close()
	var out []CameraRecording
	for rows.Next() {
		var r CameraRecording
		err := rows.Scan(&r.ID, &r.RemoteID, &r.CameraID, &r.Starts, &r.Size, &r.SHA256, &r.URL, &r.ETag, &r.LocalPath, &r.State,
			&r.BytesDone, &r.OpenCount, &r.LastViewedAt, &r.Error, &r.DurationS)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
