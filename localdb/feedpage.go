package localdb

// This file is the local half of the HQ feed: the per-collection cursors
// and the page transaction. The sync engine opens a FeedPage for each page
// it receives; the page's rows (written by the FeedPage methods in the file
// of their domain: stores.go, counts.go, pos.go …), its tombstones, the
// rollups they touch and the collection's next cursor all commit in one
// transaction, so a crash (or kill -9) at any moment leaves either the whole
// page or nothing of it, and the next run continues from the stored cursor.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// FeedCursor returns the stored cursor of a feed's collection ("" to read
// from the start) and when the collection was last read to its end (zero if
// never).
func (db *DB) FeedCursor(ctx context.Context, feed, collection string) (cursor string, completeAt time.Time, err error) {
	var done sql.NullInt64
	err = db.r.QueryRowContext(ctx, `SELECT cursor, complete_at FROM sync_cursors WHERE feed = ? AND collection = ?`, feed, collection).Scan(&cursor, &done)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, nil
	}
	if err != nil {
		return "", time.Time{}, MapError(err)
	}
	if done.Valid {
		completeAt = time.Unix(done.Int64, 0)
	}
	return cursor, completeAt, nil
}

// LastCompleteSync is when the newest complete read of any collection
// ended; zero before the first.
func (db *DB) LastCompleteSync(ctx context.Context) (time.Time, error) {
	var last int64
	if err := db.r.QueryRowContext(ctx, `SELECT COALESCE(MAX(complete_at), 0) FROM sync_cursors`).Scan(&last); err != nil {
		return time.Time{}, MapError(err)
	}
	if last == 0 {
		return time.Time{}, nil
	}
	return time.Unix(last, 0), nil
}

// ResetFeedCursors forgets every cursor of a feed, so the next sync reads
// every collection from the start (HQ answered "cursor expired"). Stored
// rows and the outbox stay: a re-read upserts over them.
func (db *DB) ResetFeedCursors(ctx context.Context, feed string) error {
	_, err := db.w.ExecContext(ctx, `UPDATE sync_cursors SET cursor = '' WHERE feed = ?`, feed)
	return MapError(err)
}

// ResetFeedCursor forgets the cursor of one collection of a feed.
func (db *DB) ResetFeedCursor(ctx context.Context, feed, collection string) error {
	_, err := db.w.ExecContext(ctx, `UPDATE sync_cursors SET cursor = '' WHERE feed = ? AND collection = ?`, feed, collection)
	return MapError(err)
}

// ApplyFeedPage writes one page of a feed's collection in one transaction:
// fn stores the page's items and tombstones through p, then the rollups of
// every store and time range the page touched are refreshed and the
// collection's cursor becomes next (and, when complete, the collection is
// marked read to its end). If fn or anything after it fails, nothing of the
// page is kept. It returns the number of rows written.
func (db *DB) ApplyFeedPage(ctx context.Context, feed, collection, next string, complete bool, fn func(p *FeedPage) error) (int, error) {
	var rows int
	var remove []string
	err := db.write(ctx, func(tx *sql.Tx) error {
		// Pages are large and touch B-tree pages all over the count and
		// receipt tables; a bigger page cache on the writer saves rewriting
		// the same pages many times per transaction.
		if _, err := tx.ExecContext(ctx, `PRAGMA cache_size = -196608`); err != nil {
			return err
		}
		p := &FeedPage{ctx: ctx, tx: tx, stmts: map[string]*sql.Stmt{}, touched: map[int64]*span{},
			zones: map[int64]*time.Location{}, camStore: map[int64]int64{}}
		defer p.close()
		if err := fn(p); err != nil {
			return err
		}
		if err := p.finish(); err != nil {
			return err
		}
		var done any
		if complete {
			done = time.Now().Unix()
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sync_cursors(feed, collection, cursor, complete_at) VALUES (?, ?, ?, ?)
			ON CONFLICT(feed, collection) DO UPDATE SET cursor = excluded.cursor, complete_at = COALESCE(excluded.complete_at, complete_at)`,
			feed, collection, next, done); err != nil {
			return err
		}
		rows, remove = p.rows, p.removeFiles
		return nil
	})
	if err != nil {
		return 0, err
	}
	for _, f := range remove {
		os.Remove(f)
	}
	return rows, nil
}

// FeedPage writes the rows of one page inside ApplyFeedPage's transaction.
// Bulk rows (counts, POS hours, receipts) are batched into multi-row
// statements; they are all flushed before the page commits. A FeedPage is
// not safe for concurrent use.
type FeedPage struct {
	ctx         context.Context
	tx          *sql.Tx
	stmts       map[string]*sql.Stmt
	touched     map[int64]*span
	zones       map[int64]*time.Location
	camStore    map[int64]int64
	countDays   map[[2]int64]bool // camera-days replaced by this page
	parents     map[parentKey]bool
	skipped     int
	skipNotes   []string
	rows        int
	removeFiles []string
	deferRollup bool
	counts      *batcher
	posHours    *batcher
	receipts    *batcher
	lines       *batcher
}

type span struct{ from, to int64 }

func (p *FeedPage) close() {
	for _, s := range p.stmts {
		s.Close()
	}
}

// Rows is the number of rows written so far.
func (p *FeedPage) Rows() int { return p.rows }

func (p *FeedPage) stmt(query string) (*sql.Stmt, error) {
	if s, ok := p.stmts[query]; ok {
		return s, nil
	}
	s, err := p.tx.PrepareContext(p.ctx, query)
	if err != nil {
		return nil, err
	}
	p.stmts[query] = s
	return s, nil
}

func (p *FeedPage) exec(query string, args ...any) (sql.Result, error) {
	s, err := p.stmt(query)
	if err != nil {
		return nil, err
	}
	return s.ExecContext(p.ctx, args...)
}

// touch records that a store's rollups over [from, to) need refreshing.
func (p *FeedPage) touch(storeID, from, to int64) {
	if s, ok := p.touched[storeID]; ok {
		s.from, s.to = min(s.from, from), max(s.to, to)
		return
	}
	p.touched[storeID] = &span{from, to}
}

func (p *FeedPage) finish() error {
	for _, b := range []*batcher{p.counts, p.posHours, p.receipts, p.lines} {
		if b != nil {
			if err := b.flush(); err != nil {
				return err
			}
		}
	}
	for id, s := range p.touched {
		if p.deferRollup {
			if _, err := p.exec(`INSERT INTO rollup_backlog(store_id, from_t, to_t, seq) VALUES (?, ?, ?, ?)
				ON CONFLICT(store_id) DO UPDATE SET from_t = min(from_t, excluded.from_t), to_t = max(to_t, excluded.to_t), seq = excluded.seq`,
				id, s.from, s.to, nextBacklogSeq()); err != nil {
				return err
			}
			continue
		}
		if err := refreshRollups(p.ctx, p.tx, id, time.Unix(s.from, 0), time.Unix(s.to, 0)); err != nil {
			return err
		}
	}
	return nil
}

// DeferRollups makes the page record the stores and spans it touched in the
// rollup backlog (same transaction) instead of refreshing their rollups
// now; RefreshRollupBacklog settles them later. A sync reading many pages
// of several collections over the same days computes each day once.
func (p *FeedPage) DeferRollups() { p.deferRollup = true }

// batcher accumulates rows of one bulk INSERT and executes it every max
// rows, so a page of a million values costs a few hundred statements, not
// a million. The rows travel as one JSON array (see jsonrows.go).
type batcher struct {
	p     *FeedPage
	query string
	max   int
	buf   []byte
	n     int
	// before, when set, runs ahead of each flush with the batch's rows as
	// JSON (an array of arrays in the tuple's order).
	before func(rows string) error
}

// newBatcher prepares a bulk INSERT: head is "INSERT INTO t(cols) VALUES ",
// tuple the VALUES template of one row with a "?" per value, tail the
// ON CONFLICT clause.
func (p *FeedPage) newBatcher(head, tuple, tail string, max int) *batcher {
	head = strings.TrimSpace(head)
	head = strings.TrimSpace(strings.TrimSuffix(head, "VALUES"))
	q := head + ` SELECT ` + jsonSelect(tuple) + ` FROM jsonb_each(jsonb(?)) WHERE true ` + tail
	return &batcher{p: p, query: q, max: max}
}

func (b *batcher) add(args ...any) error {
	if b.n == 0 {
		b.buf = append(b.buf[:0], '[')
	} else {
		b.buf = append(b.buf, ',')
	}
	var err error
	if b.buf, err = appendJSONRow(b.buf, args); err != nil {
		return err
	}
	b.n++
	if b.n == b.max {
		return b.flush()
	}
	return nil
}

func (b *batcher) flush() error {
	if b.n == 0 {
		return nil
	}
	rows := string(append(b.buf, ']'))
	n := b.n
	b.buf, b.n = b.buf[:0], 0
	if b.before != nil {
		if err := b.before(rows); err != nil {
			return err
		}
	}
	if _, err := b.p.exec(b.query, rows); err != nil {
		return err
	}
	b.p.rows += n
	return nil
}

func (p *FeedPage) zone(storeID int64) (*time.Location, error) {
	if l, ok := p.zones[storeID]; ok {
		return l, nil
	}
	var name string
	if err := p.tx.QueryRowContext(p.ctx, `SELECT time_zone FROM stores WHERE id = ?`, storeID).Scan(&name); err != nil {
		return nil, fmt.Errorf("store %d: %w", storeID, MapError(err))
	}
	l, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("store %d: time zone %q is unknown: %v", storeID, name, err)
	}
	p.zones[storeID] = l
	return l, nil
}

func (p *FeedPage) cameraStore(cameraID int64) (int64, error) {
	if s, ok := p.camStore[cameraID]; ok {
		return s, nil
	}
	var s int64
	if err := p.tx.QueryRowContext(p.ctx, `SELECT store_id FROM cameras WHERE id = ?`, cameraID).Scan(&s); err != nil {
		return 0, fmt.Errorf("camera %d: %w", cameraID, MapError(err))
	}
	p.camStore[cameraID] = s
	return s, nil
}

// localDay is the UTC span of the local day 'YYYY-MM-DD' of a store.
func (p *FeedPage) localDay(storeID int64, day string) (from, to int64, err error) {
	loc, err := p.zone(storeID)
	if err != nil {
		return 0, 0, err
	}
	d, err := time.ParseInLocation("2006-01-02", day, loc)
	if err != nil {
		return 0, 0, fmt.Errorf("day %q is not YYYY-MM-DD", day)
	}
	return d.Unix(), d.AddDate(0, 0, 1).Unix(), nil
}

// parentKey names a row items point at: a region, store or camera.
type parentKey struct {
	table string
	id    int64
	key   string // for string keys (regions)
}

func newParentKey(table string, id any) parentKey {
	switch v := id.(type) {
	case int64:
		return parentKey{table: table, id: v}
	case string:
		return parentKey{table: table, key: v}
	}
	return parentKey{table: table, key: fmt.Sprint(id)}
}

// hasParent reports whether the page's database holds the row items of
// the page point at; answers are cached for the page.
func (p *FeedPage) hasParent(table, col string, id any) (bool, error) {
	k := newParentKey(table, id)
	if ok, seen := p.parents[k]; seen {
		return ok, nil
	}
	var one int
	err := p.tx.QueryRowContext(p.ctx, `SELECT 1 FROM `+table+` WHERE `+col+` = ?`, id).Scan(&one)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	if p.parents == nil {
		p.parents = map[parentKey]bool{}
	}
	p.parents[k] = err == nil
	return err == nil, nil
}

// setParent records that the page stored (or removed) a parent row.
func (p *FeedPage) setParent(table string, id any, ok bool) {
	if p.parents == nil {
		p.parents = map[parentKey]bool{}
	}
	p.parents[newParentKey(table, id)] = ok
}

// orphan reports whether an item points at a store (and camera, when
// cameraID is not 0) this machine does not hold; such an item is left out
// and counted (Skipped) instead of failing the page, which would stop the
// collection at this page on every run.
func (p *FeedPage) orphan(what string, storeID, cameraID int64) (bool, error) {
	if storeID != 0 {
		ok, err := p.hasParent("stores", "id", storeID)
		if err != nil || !ok {
			if err == nil {
				p.skip(fmt.Sprintf("%s (store %d is not known)", what, storeID))
			}
			return !ok, err
		}
	}
	if cameraID != 0 {
		ok, err := p.hasParent("cameras", "id", cameraID)
		if err != nil || !ok {
			if err == nil {
				p.skip(fmt.Sprintf("%s (camera %d is not known)", what, cameraID))
			}
			return !ok, err
		}
	}
	return false, nil
}

func (p *FeedPage) skip(note string) {
	p.skipped++
	if len(p.skipNotes) < 3 {
		p.skipNotes = append(p.skipNotes, note)
	}
}

// Skipped is the number of items the page left out because they point at
// a region, store or camera this machine does not hold (HQ removed it, or
// lists the item before its parent), and a few of them in words.
func (p *FeedPage) Skipped() (int, []string) { return p.skipped, p.skipNotes }

// ParseKeyInt reads a decimal feed key; tombstones of id-keyed collections
// carry them.
func ParseKeyInt(key string) (int64, error) {
	v, err := strconv.ParseInt(key, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("key %q is not a number", key)
	}
	return v, nil
}

// SweepTable names a synced table whose rows a complete fresh read can sweep.
type SweepTable int

// Tables a fresh read of a whole collection in one page may sweep.
const (
	SweepStores SweepTable = iota
	SweepCameras
	SweepStaff
	SweepInspectionSchedules
	SweepRecordings
)

var sweeps = map[SweepTable]struct{ table, key string }{
	SweepStores:              {"stores", "id"},
	SweepCameras:             {"cameras", "id"},
	SweepStaff:               {"staff", "id"},
	SweepInspectionSchedules: {"inspection_schedules", "remote_id"},
	SweepRecordings:          {"recordings", "remote_id"},
}

// Sweep removes the rows of table whose feed key is not in keep (JSON
// array of the keys, numbers or strings as the table keys them). A fresh
// read after HQ expired the cursors carries no tombstones, so this is how
// an item HQ dropped meanwhile leaves the laptop. An empty keep removes
// nothing: an empty answer is more likely a fault at HQ than a closed chain.
// It returns the number of rows removed.
func (p *FeedPage) Sweep(table SweepTable, keep []byte) (int, error) {
	sw, ok := sweeps[table]
	if !ok {
		return 0, fmt.Errorf("sweep: unknown table %d", table)
	}
	var n int
	if err := p.tx.QueryRowContext(p.ctx, `SELECT json_array_length(?)`, keep).Scan(&n); err != nil || n == 0 {
		return 0, err
	}
	if table == SweepRecordings {
		rows, err := p.tx.QueryContext(p.ctx, `SELECT local_path FROM recordings WHERE local_path IS NOT NULL
			AND remote_id NOT IN (SELECT value FROM json_each(?))`, keep)
		if err != nil {
			return 0, err
		}
		for rows.Next() {
			var path string
			if rows.Scan(&path) == nil {
				p.removeFiles = append(p.removeFiles, path, path+".part")
			}
		}
		rows.Close()
	}
	res, err := p.tx.ExecContext(p.ctx, `DELETE FROM `+sw.table+` WHERE `+sw.key+` NOT IN (SELECT value FROM json_each(?))`, keep)
	if err != nil {
		return 0, err
	}
	gone, _ := res.RowsAffected()
	return int(gone), nil
}
