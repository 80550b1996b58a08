// Package localdb owns StoreLens's local store: one SQLite file in the
// user's data directory holding everything a regional manager reviews
// offline — stores, counts, POS, footage index, tasks — and what must still
// reach HQ (the outbox).
//
// A DB has exactly one writer connection (transactions start IMMEDIATE, so
// writers queue on the Go side instead of failing with SQLITE_BUSY) and a
// read-only pool for screens and reports. The file runs in WAL mode so
// readers never block the writer, with synchronous=FULL so a committed sync
// page survives a power cut. localdb knows nothing of HTTP or video.
package localdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/mattn/go-sqlite3"
)

// FileName is the name of the database file inside the data directory.
const FileName = "storelens.db"

// Options configures Open. The zero value of every field but Dir is usable.
type Options struct {
	// Dir is the data directory; it is created when missing.
	Dir string
	// BusyTimeout bounds how long a connection waits on another process's
	// lock (a headless `storelens sync` beside the app). Default 10 s.
	BusyTimeout time.Duration
	// Migrations replaces the embedded migrations; tests use it.
	Migrations fs.FS
	// ReadConns caps the read-only pool. Default: number of CPUs, at least 2.
	ReadConns int
}

// DB is an open local store. It is safe for concurrent use.
type DB struct {
	path string
	w    *sql.DB
	r    *sql.DB
}

// ErrNotFound is returned by lookups that match no row.
var ErrNotFound = errors.New("not found")

// ErrReadOnlyDir is returned when the data directory cannot be written.
var ErrReadOnlyDir = errors.New("data directory is not writable")

// ErrDiskFull is returned when SQLite reports that the disk is full.
var ErrDiskFull = errors.New("disk is full")

// ErrConstraint is returned when a write breaks a key, check or reference.
var ErrConstraint = errors.New("constraint violated")

// DefaultDir returns the per-user data directory: $XDG_DATA_HOME/storelens,
// ~/.local/share/storelens, or the OS equivalent.
func DefaultDir() (string, error) {
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "storelens"), nil
	}
	if runtime.GOOS == "linux" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, ".local", "share", "storelens"), nil
	}
	cfg, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(cfg, "StoreLens"), nil
}

// Open opens (creating when needed) the database in opts.Dir and brings its
// schema up to date. Each pending migration is applied in its own transaction
// together with its version row, so an interrupted start leaves the file at
// the last complete version and the next start finishes the job.
func Open(ctx context.Context, opts Options) (*DB, error) {
	if opts.Dir == "" {
		return nil, errors.New("localdb: no data directory given")
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory %s: %w (choose another with --data-dir)", opts.Dir, err)
	}
	if err := checkWritable(opts.Dir); err != nil {
		return nil, err
	}
	if opts.BusyTimeout == 0 {
		opts.BusyTimeout = 10 * time.Second
	}
	if opts.ReadConns == 0 {
		opts.ReadConns = max(2, runtime.NumCPU())
	}
	path := filepath.Join(opts.Dir, FileName)
	busy := int(opts.BusyTimeout / time.Millisecond)

	w, err := sql.Open("sqlite3", dsn(path, "rwc", busy, true))
	if err != nil {
		return nil, err
	}
	// One writer: SQLite serialises writers anyway; doing it in Go means a
	// second writer waits on a mutex instead of spinning on SQLITE_BUSY.
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, MapError(err))
	}
	if _, err := w.ExecContext(ctx, `PRAGMA journal_mode=WAL`); err != nil {
		w.Close()
		return nil, fmt.Errorf("switch %s to WAL: %w", path, MapError(err))
	}
	db := &DB{path: path, w: w}
	mig := opts.Migrations
	if mig == nil {
		mig = embedded()
	}
	if err := db.migrate(ctx, mig); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite3", dsn(path, "ro", busy, false))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(opts.ReadConns)
	r.SetMaxIdleConns(opts.ReadConns)
	db.r = r
	return db, nil
}

func dsn(path, mode string, busyMS int, writer bool) string {
	q := url.Values{}
	q.Set("mode", mode)
	q.Set("_busy_timeout", fmt.Sprint(busyMS))
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", "FULL")
	q.Set("_journal_mode", "WAL")
	if writer {
		q.Set("_txlock", "immediate")
	} else {
		q.Set("_query_only", "true")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

func checkWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".probe-*")
	if err != nil {
		return fmt.Errorf("%w: %s (%v); choose a writable folder with --data-dir", ErrReadOnlyDir, dir, err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return nil
}

// Path is the database file's path.
func (db *DB) Path() string { return db.path }

// Close closes both pools.
func (db *DB) Close() error {
	var errs []error
	if db.r != nil {
		errs = append(errs, db.r.Close())
	}
	if db.w != nil {
		errs = append(errs, db.w.Close())
	}
	return errors.Join(errs...)
}

// write runs fn in one IMMEDIATE transaction on the writer: it commits when
// fn returns nil and rolls back otherwise. Errors are mapped to the
// package's sentinel errors where one fits. Reads go to db.r, the read-only
// pool, so screens never wait behind a sync; writes go through db.w, the one
// writer connection. Neither pool leaves the package.
func (db *DB) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return MapError(err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return MapError(err)
	}
	return MapError(tx.Commit())
}

// MapError turns SQLite driver errors a person can act on into the package's
// sentinel errors (wrapping the original), and leaves others as they are.
func MapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: %v", ErrNotFound, err)
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		switch se.Code {
		case sqlite3.ErrFull:
			return fmt.Errorf("%w: free some space or move the data directory (--data-dir): %v", ErrDiskFull, err)
		case sqlite3.ErrReadonly, sqlite3.ErrCantOpen, sqlite3.ErrPerm:
			return fmt.Errorf("%w: %v", ErrReadOnlyDir, err)
		case sqlite3.ErrConstraint:
			return fmt.Errorf("%w: %v", ErrConstraint, err)
		}
	}
	return err
}

// Checkpoint folds the write-ahead log back into the database file, so a
// large sync does not leave hundreds of megabytes of WAL behind.
func (db *DB) Checkpoint(ctx context.Context) error {
	_, err := db.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`)
	return MapError(err)
}

// Analyze refreshes the query planner's statistics after a bulk load.
func (db *DB) Analyze(ctx context.Context) error {
	_, err := db.w.ExecContext(ctx, `ANALYZE`)
	return MapError(err)
}
