package localdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
)

func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func seedStore(t *testing.T, db *DB) Store {
	t.Helper()
	ctx := context.Background()
	s := Store{ID: 101, Code: "WH001", Name: "武汉群光店", RegionID: "hubei", Address: "武汉市洪山区珞喻路6号群光广场", City: "武汉",
		TimeZone: "Asia/Shanghai", StaffCount: 8, Tags: []string{"商场店", "高业绩"},
		Hours: []OpeningHours{
			{ValidFrom: "2026-01-01", ValidTo: "2026-12-31", Weekdays: AllWeek, Opens: "10:00", Closes: "22:00"},
			{ValidFrom: "2026-07-01", ValidTo: "2026-08-31", Weekdays: 1<<5 | 1<<6, Opens: "09:30", Closes: "22:30", Priority: 1},
		}}
	err := db.write(ctx, func(tx *sql.Tx) error {
		if err := upsertRegion(ctx, tx, Region{ID: "hubei", Name: "湖北区", TimeZone: "Asia/Shanghai"}); err != nil {
			return err
		}
		return upsertStore(ctx, tx, s)
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestStoreRoundTrip(t *testing.T) {
	db := openTest(t)
	want := seedStore(t, db)
	got, err := db.StoreByCode(context.Background(), "WH001")
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != want.Name || got.Address != want.Address || got.StaffCount != 8 || got.TimeZone != "Asia/Shanghai" {
		t.Errorf("store came back as %+v", got)
	}
	if fmt.Sprint(got.Tags) != "[商场店 高业绩]" {
		t.Errorf("tags = %v", got.Tags)
	}
	if len(got.Hours) != 2 || got.Hours[1].Weekdays != 1<<5|1<<6 || got.Hours[1].Closes != "22:30" {
		t.Errorf("hours = %+v", got.Hours)
	}
	if _, err := db.StoreByCode(context.Background(), "NOPE"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing store: err = %v, want ErrNotFound", err)
	}
}

func TestForeignKeysRefuseOrphans(t *testing.T) {
	db := openTest(t)
	ctx := context.Background()
	cases := map[string]string{
		"store without region":  `INSERT INTO stores(id, code, name, region_id, time_zone) VALUES (1, 'X', 'x', 'nowhere', 'UTC')`,
		"camera without store":  `INSERT INTO cameras(code, store_id, role) VALUES ('C1', 999, 'entrance')`,
		"bucket without camera": `INSERT INTO count_buckets(camera_id, source, bucket_start, store_id) VALUES (5, 'device', 900, 1)`,
		"history without task":  `INSERT INTO task_status_history(task_id, status, at, source) VALUES ('nope', 'open', 1, 'local')`,
	}
	for name, q := range cases {
		err := db.write(ctx, func(tx *sql.Tx) error { _, err := tx.Exec(q); return err })
		if !errors.Is(err, ErrConstraint) {
			t.Errorf("%s: err = %v, want a constraint error", name, err)
		}
	}
	// Deleting a store takes its cameras and counts with it.
	seedStore(t, db)
	err := db.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO cameras(id, code, store_id, role) VALUES (7, 'WH001-E1', 101, 'entrance')`); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO count_buckets(camera_id, source, bucket_start, store_id, entries) VALUES (7, 'device', 1800, 101, 12)`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.write(ctx, func(tx *sql.Tx) error { return deleteStore(ctx, tx, 101) }); err != nil {
		t.Fatal(err)
	}
	var n int
	db.r.QueryRow(`SELECT count(*) FROM count_buckets`).Scan(&n)
	if n != 0 {
		t.Errorf("%d count rows outlived their store", n)
	}
}

func TestInterruptedMigrationIsRolledBackThenCompleted(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	good := fstest.MapFS{
		"0001_a.sql": {Data: []byte(`CREATE TABLE a (x INTEGER);`)},
	}
	broken := fstest.MapFS{
		"0001_a.sql": good["0001_a.sql"],
		// The second statement fails: the first must not survive.
		"0002_b.sql": {Data: []byte(`CREATE TABLE b (y INTEGER); INSERT INTO nosuchtable VALUES (1);`)},
	}
	fixed := fstest.MapFS{
		"0001_a.sql": good["0001_a.sql"],
		"0002_b.sql": {Data: []byte(`CREATE TABLE b (y INTEGER); INSERT INTO b VALUES (1);`)},
	}
	db, err := Open(ctx, Options{Dir: dir, Migrations: good})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := Open(ctx, Options{Dir: dir, Migrations: broken}); err == nil {
		t.Fatal("a failing migration opened without error")
	}
	db, err = Open(ctx, Options{Dir: dir, Migrations: good})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	db.r.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'b'`).Scan(&n)
	v, _ := db.SchemaVersion(ctx)
	db.Close()
	if n != 0 || v != 1 {
		t.Fatalf("after a failed step: table b exists=%d, version=%d; want the database as it was (0, 1)", n, v)
	}
	db, err = Open(ctx, Options{Dir: dir, Migrations: fixed})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	v, _ = db.SchemaVersion(ctx)
	db.r.QueryRow(`SELECT count(*) FROM b`).Scan(&n)
	if v != 2 || n != 1 {
		t.Fatalf("next start: version=%d rows=%d, want 2 and 1", v, n)
	}
}

func TestConcurrentWritersAndReaderNeverBusy(t *testing.T) {
	db := openTest(t)
	seedStore(t, db)
	ctx := context.Background()
	if _, err := db.w.Exec(`INSERT INTO cameras(id, code, store_id, role) VALUES (1, 'E1', 101, 'entrance'), (2, 'E2', 101, 'entrance')`); err != nil {
		t.Fatal(err)
	}
	const perWriter = 300
	var wg sync.WaitGroup
	errs := make(chan error, 3)
	for cam := 1; cam <= 2; cam++ {
		wg.Add(1)
		go func(cam int) {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				err := db.write(ctx, func(tx *sql.Tx) error {
					_, err := tx.Exec(`INSERT INTO count_buckets(camera_id, source, bucket_start, store_id, entries) VALUES (?, 'device', ?, 101, 1)`, cam, i*900)
					return err
				})
				if err != nil {
					errs <- fmt.Errorf("writer %d: %w", cam, err)
					return
				}
			}
		}(cam)
	}
	stop := make(chan struct{})
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		for {
			select {
			case <-stop:
				return
			default:
			}
			var n int
			if err := db.r.QueryRow(`SELECT count(*) FROM count_buckets`).Scan(&n); err != nil {
				errs <- fmt.Errorf("reader: %w", err)
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	wg.Wait()
	close(stop)
	<-readerDone
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var n int
	db.r.QueryRow(`SELECT sum(entries) FROM count_buckets`).Scan(&n)
	if n != 2*perWriter {
		t.Errorf("sum of entries = %d, want %d", n, 2*perWriter)
	}
}

func TestReadOnlyPoolRefusesWrites(t *testing.T) {
	db := openTest(t)
	_, err := db.r.Exec(`INSERT INTO settings(key, value) VALUES ('a', 'b')`)
	if err == nil {
		t.Fatal("the read-only pool accepted a write")
	}
}

func TestPragmas(t *testing.T) {
	db := openTest(t)
	var mode string
	var sync, fk int
	db.w.QueryRow(`PRAGMA journal_mode`).Scan(&mode)
	db.w.QueryRow(`PRAGMA synchronous`).Scan(&sync)
	db.r.QueryRow(`PRAGMA foreign_keys`).Scan(&fk)
	if mode != "wal" || sync != 2 || fk != 1 {
		t.Errorf("journal_mode=%s synchronous=%d foreign_keys=%d, want wal, 2 (FULL), 1", mode, sync, fk)
	}
}

// A full disk (here SQLite's own cap on the file's size) is ErrDiskFull,
// with the next step, and the rows already stored stay.
func TestFullDiskIsErrDiskFull(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.UpsertRegion(ctx, Region{ID: "kept", Name: "kept", TimeZone: "Asia/Shanghai"}); err != nil {
		t.Fatal(err)
	}
	var pages int64
	if err := db.w.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, pages+1)); err != nil {
		t.Fatal(err)
	}
	long := strings.Repeat("区", 4000)
	for i := 0; i < 50 && err == nil; i++ {
		err = db.UpsertRegion(ctx, Region{ID: fmt.Sprint("r", i), Name: long, TimeZone: "Asia/Shanghai"})
	}
	if !errors.Is(err, ErrDiskFull) || !strings.Contains(err.Error(), "--data-dir") {
		t.Fatalf("err = %v; want ErrDiskFull with the next step", err)
	}
	if n, _ := db.StoreCount(ctx); n != 0 {
		t.Errorf("stores %d", n)
	}
	var name string
	if err := db.r.QueryRow(`SELECT name FROM regions WHERE id = 'kept'`).Scan(&name); err != nil || name != "kept" {
		t.Errorf("the region stored before the disk filled up: %q, %v", name, err)
	}
}
