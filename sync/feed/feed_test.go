package feed

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestPageEnvelopeOnTheWire(t *testing.T) {
	p := Page[CountDay]{Collection: CollCounts, NextCursor: "c1", HasMore: true, Tombstones: []Tombstone{{ID: "11/2026-11-26", DeletedAt: 7}},
		Items: []CountDay{{CameraID: 11, StoreID: 1, Day: "2026-11-26", First: 1764122400, Buckets: []Bucket{{5, 3, 80, 1, 0, 3600, 3}, {7, 6, 95, 0, 1, 4200, 5}}}}}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"collection":"counts","items":[{"camera_id":11,"store_id":1,"day":"2026-11-26","first":1764122400,"buckets":[[5,3,80,1,0,3600,3],[7,6,95,0,1,4200,5]]}],"tombstones":[{"id":"11/2026-11-26","deleted_at":7}],"next_cursor":"c1","has_more":true}`
	if string(b) != want {
		t.Errorf("wire form\n got %s\nwant %s", b, want)
	}
	var back Page[CountDay]
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	cd := back.Items[0]
	if cd.Buckets[1][BucketPassersBy] != 95 || cd.Buckets[0][BucketDwellN] != 3 || cd.Start(1) != 1764122400+900 || cd.Key() != back.Tombstones[0].ID {
		t.Errorf("round trip: %+v", cd)
	}
}

func TestEveryCollectionListedOnce(t *testing.T) {
	seen := map[string]int{}
	for _, c := range Collections {
		seen[c]++
		if !strings.HasPrefix(CollectionPath(c), PathCollections) || strings.ContainsAny(c, "/ ") {
			t.Errorf("collection %q makes path %q", c, CollectionPath(c))
		}
	}
	for _, c := range []string{CollRegions, CollStores, CollCameras, CollStaff, CollShifts, CollWeather, CollCounts, CollPOSHourly,
		CollReceipts, CollAlerts, CollRecordings, CollInspectionSchedules, CollSnapshots, CollTaskStatus} {
		if seen[c] != 1 {
			t.Errorf("collection %s listed %d times", c, seen[c])
		}
	}
	// Stores before anything that refers to them.
	if Collections[0] != CollRegions || Collections[1] != CollStores {
		t.Errorf("order: %v", Collections)
	}
}

func TestErrorSaysWhatToDo(t *testing.T) {
	e := &Error{Code: CodeCursorExpired, Message: "the cursor for counts belongs to an earlier generation", Action: "read everything again"}
	if got := e.Error(); !strings.Contains(got, "cursor_expired") || !strings.Contains(got, "read everything again") {
		t.Errorf("Error() = %q", got)
	}
	if got := (&Error{Code: CodeNotFound, Message: "no such path"}).Error(); got != "not_found: no such path" {
		t.Errorf("Error() without action = %q", got)
	}
}
