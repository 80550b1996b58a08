package engine

import (
	"context"
	"strings"
	"testing"

	"storelens/localdb/localdbtest"
	"storelens/sync/demofeed"
	"storelens/sync/feed"
)

// A store removed on this laptop while HQ still lists its cameras and
// staff: the next read leaves those items out with a warning instead
// of rejecting the page on every run, and stores everything else.
func TestItemsOfAMissingStoreAreSkippedNotBlocking(t *testing.T) {
	ctx := context.Background()
	h := newHarness(t, demofeed.Config{})
	colls := []string{feed.CollRegions, feed.CollStores, feed.CollCameras, feed.CollStaff}
	e := h.engine(func(c *Config) { c.Collections = colls })
	if _, err := e.Run(ctx); err != nil {
		t.Fatal(err)
	}
	var gone int64
	if err := localdbtest.Conn(t, h.db).QueryRow(`SELECT store_id FROM cameras ORDER BY id LIMIT 1`).Scan(&gone); err != nil {
		t.Fatal(err)
	}
	cams := count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM cameras`)
	goneCams := count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM cameras WHERE store_id = ?`, gone)
	staff := count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM staff`)
	goneStaff := count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM staff WHERE store_id = ?`, gone)
	if goneCams == 0 || goneStaff == 0 {
		t.Fatalf("store %d has %d cameras and %d staff; the test needs some", gone, goneCams, goneStaff)
	}
	// The store goes; the other collections are read afresh (as after HQ
	// expired the cursors), without the stores collection to bring it back.
	if _, err := localdbtest.Conn(t, h.db).Exec(`DELETE FROM stores WHERE id = ?`, gone); err != nil {
		t.Fatal(err)
	}
	if _, err := localdbtest.Conn(t, h.db).Exec(`UPDATE sync_cursors SET cursor = '' WHERE collection IN ('cameras', 'staff')`); err != nil {
		t.Fatal(err)
	}
	e = h.engine(func(c *Config) { c.Collections = colls[2:] })
	sum, err := e.Run(ctx)
	if err != nil {
		t.Fatalf("the sync stopped on items of a missing store: %v", err)
	}
	if got := count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM cameras`); got != cams-goneCams {
		t.Errorf("cameras: %d stored, want the %d of the stores still held", got, cams-goneCams)
	}
	if got := count(t, localdbtest.Conn(t, h.db), `SELECT count(*) FROM staff`); got != staff-goneStaff {
		t.Errorf("staff: %d stored, want %d", got, staff-goneStaff)
	}
	var skipped int64
	for _, c := range sum.Collections {
		skipped += c.Skipped
	}
	if skipped < goneCams+goneStaff {
		t.Errorf("%d items reported left out, want at least %d (cameras and staff of store %d)", skipped, goneCams+goneStaff, gone)
	}
	warn := strings.Join(sum.Warnings, "\n")
	if !strings.Contains(warn, "cameras: ") || !strings.Contains(warn, "store "+itoa(gone)+" is not known") {
		t.Errorf("no warning names the collection and the missing store:\n%s", warn)
	}
	// The next run reads on from the stored cursors: nothing is stuck.
	sum, err = e.Run(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != 0 {
		t.Errorf("the run after read %d rows again; the cursors did not move past the skipped items", sum.Rows)
	}
}
