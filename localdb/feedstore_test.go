package localdb

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"storelens/app/vocab"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func seedFeedCamera(t *testing.T, db *DB) Store {
	t.Helper()
	s := seedStore(t, db)
	_, err := db.ApplyFeedPage(context.Background(), "hq", "cameras", "c1", true, func(p *FeedPage) error {
		return p.UpsertCamera(Camera{ID: 1011, Code: "WH001-ENT1", StoreID: s.ID, Name: "门口客流", Role: "entrance",
			Lines: []CountingLine{{Kind: "entrance", Points: "120,300,650,300"}, {Kind: "outside", Points: "40,500,730,500"}}})
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func dayBuckets(day string, n int, entries int64) []CountBucket {
	d, _ := time.ParseInLocation("2006-01-02", day, shanghai)
	first := d.Add(10 * time.Hour).Unix()
	out := make([]CountBucket, n)
	for k := range out {
		out[k] = CountBucket{Start: first + int64(k)*900, Entries: entries, Exits: entries, PassersBy: 10 * entries, DwellSumS: 600, DwellN: 1}
	}
	return out
}

func TestFeedPageCommitsWithItsCursorOrNotAtAll(t *testing.T) {
	db := openTest(t)
	s := seedFeedCamera(t, db)
	ctx := context.Background()
	n, err := db.ApplyFeedPage(ctx, "hq", "counts", "after-day-1", false, func(p *FeedPage) error {
		return p.ReplaceCountDay(1011, s.ID, "2026-11-19", dayBuckets("2026-11-19", 48, 3))
	})
	if err != nil || n != 48 {
		t.Fatalf("rows %d, err %v", n, err)
	}
	cur, done, _ := db.FeedCursor(ctx, "hq", "counts")
	if cur != "after-day-1" || !done.IsZero() {
		t.Errorf("cursor %q complete %v", cur, done)
	}
	// A page that fails half-way keeps nothing, not even its first rows.
	_, err = db.ApplyFeedPage(ctx, "hq", "counts", "after-day-2", true, func(p *FeedPage) error {
		if err := p.ReplaceCountDay(1011, s.ID, "2026-11-20", dayBuckets("2026-11-20", 48, 3)); err != nil {
			return err
		}
		bad := dayBuckets("2026-11-21", 2, 1)
		bad[1].Start += 60 // not on a 15-minute boundary
		return p.ReplaceCountDay(1011, s.ID, "2026-11-21", bad)
	})
	if err == nil || !strings.Contains(err.Error(), "15-minute") {
		t.Fatalf("err = %v", err)
	}
	var rows int
	db.r.QueryRow(`SELECT count(*) FROM count_buckets`).Scan(&rows)
	if cur, _, _ := db.FeedCursor(ctx, "hq", "counts"); rows != 48 || cur != "after-day-1" {
		t.Errorf("after a failed page: %d buckets, cursor %q; want 48 and the old cursor", rows, cur)
	}
}

func TestRedeliveredCountDayReplacesTheWholeDay(t *testing.T) {
	db := openTest(t)
	s := seedFeedCamera(t, db)
	ctx := context.Background()
	for _, n := range []int{48, 40} {
		if _, err := db.ApplyFeedPage(ctx, "hq", "counts", "x", true, func(p *FeedPage) error {
			return p.ReplaceCountDay(1011, s.ID, "2026-11-19", dayBuckets("2026-11-19", n, int64(n)))
		}); err != nil {
			t.Fatal(err)
		}
	}
	var rows, entries int64
	db.r.QueryRow(`SELECT count(*), sum(entries) FROM count_buckets WHERE source = 'device'`).Scan(&rows, &entries)
	if rows != 40 || entries != 40*40 {
		t.Errorf("after re-delivery: %d buckets, %d entries; want 40 buckets of 40", rows, entries)
	}
	if _, err := db.ApplyFeedPage(ctx, "hq", "counts", "y", true, func(p *FeedPage) error { return p.DeleteCountDay(1011, "2026-11-19") }); err != nil {
		t.Fatal(err)
	}
	db.r.QueryRow(`SELECT count(*) FROM count_buckets`).Scan(&rows)
	if rows != 0 {
		t.Errorf("tombstone left %d buckets", rows)
	}
}

func TestReceiptUpsertReplacesItsLines(t *testing.T) {
	db := openTest(t)
	s := seedStore(t, db)
	ctx := context.Background()
	r := Receipt{ID: 9001, StoreID: s.ID, ReceiptNo: "WH001-0001", T: time.Date(2026, 11, 19, 12, 0, 0, 0, shanghai).Unix(), AmountFen: 45800,
		Lines: []ReceiptLine{{SKU: "A", Qty: 1, UnitPriceFen: 29900, AmountFen: 29900}, {SKU: "B", Qty: 1, UnitPriceFen: 15900, AmountFen: 15900}}}
	for _, lines := range [][]ReceiptLine{r.Lines, r.Lines[:1]} {
		r.Lines = lines
		if _, err := db.ApplyFeedPage(ctx, "hq", "receipts", "x", true, func(p *FeedPage) error { return p.UpsertReceipt(r) }); err != nil {
			t.Fatal(err)
		}
	}
	var receipts, lines int
	db.r.QueryRow(`SELECT (SELECT count(*) FROM pos_receipts), (SELECT count(*) FROM pos_receipt_lines)`).Scan(&receipts, &lines)
	if receipts != 1 || lines != 1 {
		t.Errorf("%d receipts, %d lines; want 1 and 1", receipts, lines)
	}
}

func TestDeferredRollupsAreSettledFromTheBacklog(t *testing.T) {
	db := openTest(t)
	s := seedFeedCamera(t, db)
	ctx := context.Background()
	if _, err := db.ApplyFeedPage(ctx, "hq", "counts", "x", true, func(p *FeedPage) error {
		p.DeferRollups()
		return p.ReplaceCountDay(1011, s.ID, "2026-11-19", dayBuckets("2026-11-19", 48, 2))
	}); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.RollupBacklog(ctx); n != 1 {
		t.Fatalf("backlog %d, want the one store", n)
	}
	var entries int64
	db.r.QueryRow(`SELECT COALESCE(sum(entries), 0) FROM store_hourly WHERE store_id = ?`, s.ID).Scan(&entries)
	if entries != 0 {
		t.Fatalf("rollups computed before the backlog was settled")
	}
	if err := db.RefreshRollupBacklog(ctx, nil); err != nil {
		t.Fatal(err)
	}
	db.r.QueryRow(`SELECT COALESCE(sum(entries), 0) FROM store_hourly WHERE store_id = ?`, s.ID).Scan(&entries)
	if n, _ := db.RollupBacklog(ctx); n != 0 || entries != 96 {
		t.Errorf("after settling: backlog %d, hourly entries %d; want 0 and 96", n, entries)
	}
}

func TestCorrectiveTaskAndItsPushCommitTogether(t *testing.T) {
	db := openTest(t)
	s := seedStore(t, db)
	ctx := context.Background()
	at := time.Date(2026, 11, 19, 10, 41, 0, 0, shanghai)
	task, err := db.CreateCorrectiveTask(ctx, CorrectiveTask{StoreID: s.ID, Title: "店员门口玩手机", Body: "10:41–11:15", KPI: "entry_rate",
		AtTime: at, DueOn: "2026-11-25", CreatedBy: "张经理", CreatedAt: at.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	items, err := db.PendingPushes(ctx, time.Now(), 0)
	if err != nil || len(items) != 1 {
		t.Fatalf("%d pending pushes, err %v", len(items), err)
	}
	var body map[string]any
	json.Unmarshal(items[0].Payload, &body)
	if items[0].Key != task.ID || body["id"] != task.ID || body["title"] != "店员门口玩手机" || body["at_time"] != float64(at.Unix()) {
		t.Errorf("push %s carries %v", items[0].Key, body)
	}
	hist, _ := db.TaskStatusHistory(ctx, task.ID)
	if len(hist) != 2 || hist[0].Status != vocab.TaskDraft || hist[1].Status != vocab.TaskSent || hist[1].Source != "local" {
		t.Errorf("history %+v", hist)
	}
	// A task for a store that does not exist leaves neither task nor push.
	if _, err := db.CreateCorrectiveTask(ctx, CorrectiveTask{StoreID: 999, Title: "x"}); !errors.Is(err, ErrConstraint) {
		t.Fatalf("err = %v", err)
	}
	if n, _ := db.PendingPushCount(ctx); n != 1 {
		t.Errorf("%d pushes after a failed task, want 1", n)
	}
	if err := db.MarkPushDelivered(ctx, task.ID, []byte(`{"status":"accepted"}`), time.Now()); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.PendingPushCount(ctx); n != 0 {
		t.Errorf("%d pending after delivery", n)
	}
}

func TestStatusChangesFromHQMoveTheTaskForward(t *testing.T) {
	db := openTest(t)
	s := seedStore(t, db)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 19, 9, 0, 0, 0, shanghai)
	task, err := db.CreateCorrectiveTask(ctx, CorrectiveTask{StoreID: s.ID, Title: "陈列整改", CreatedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	var stored []bool
	_, err = db.ApplyFeedPage(ctx, "hq", "task_status", "x", true, func(p *FeedPage) error {
		for _, c := range []TaskStatusChange{
			{RemoteID: task.ID + "/done", TaskID: task.ID, Status: vocab.TaskDone, At: t0.Add(3 * time.Hour), By: "店长"},
			{RemoteID: task.ID + "/acknowledged", TaskID: task.ID, Status: vocab.TaskAcknowledged, At: t0.Add(time.Hour)},
			{RemoteID: "other/acknowledged", TaskID: "not-here", Status: vocab.TaskAcknowledged, At: t0},
		} {
			ok, err := p.ApplyTaskStatusChange(c)
			if err != nil {
				return err
			}
			stored = append(stored, ok)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var status string
	var doneAt int64
	db.r.QueryRow(`SELECT status, COALESCE(done_at, 0) FROM corrective_tasks WHERE id = ?`, task.ID).Scan(&status, &doneAt)
	if status != vocab.TaskDone || doneAt != t0.Add(3*time.Hour).Unix() {
		t.Errorf("task is %s (done at %d); an older change must not move it back", status, doneAt)
	}
	hist, _ := db.TaskStatusHistory(ctx, task.ID)
	if len(hist) != 4 || !stored[0] || !stored[1] || stored[2] {
		t.Errorf("history %d rows, stored %v", len(hist), stored)
	}
	// The manager verifies: status, history and push in one go.
	if _, err := db.ChangeTaskStatus(ctx, task.ID, vocab.TaskVerified, "张经理", "复核通过", t0.Add(5*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if n, _ := db.PendingPushCount(ctx); n != 2 {
		t.Errorf("%d pushes pending, want the task and its verification", n)
	}
}

func TestSweepRemovesWhatAFreshReadNoLongerListsButNeverAll(t *testing.T) {
	db := openTest(t)
	seedFeedCamera(t, db)
	ctx := context.Background()
	_, err := db.ApplyFeedPage(ctx, "hq", "cameras", "c2", true, func(p *FeedPage) error {
		if err := p.UpsertCamera(Camera{ID: 1012, Code: "WH001-TIL2", StoreID: 101, Role: "till"}); err != nil {
			return err
		}
		if n, err := p.Sweep(SweepCameras, []byte(`[]`)); n != 0 || err != nil {
			t.Errorf("an empty list swept %d cameras (%v)", n, err)
		}
		n, err := p.Sweep(SweepCameras, []byte(`[1012]`))
		if n != 1 {
			t.Errorf("swept %d cameras, want the one no longer listed", n)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var left int64
	db.r.QueryRow(`SELECT count(*) FROM cameras WHERE id = 1012`).Scan(&left)
	if left != 1 {
		t.Error("the listed camera was swept")
	}
}

// An alert still open when it is synced marks the hours up to the last
// counts stored, not up to the wall clock: the rollups a sync leaves are
// the same whatever hour it runs at, before or after a store-local
// midnight (a run across one once left a store-day more than another).
func TestOpenAlertTouchesNoDayPastTheData(t *testing.T) {
	db := openTest(t)
	s := seedFeedCamera(t, db)
	ctx := context.Background()
	if _, err := db.ApplyFeedPage(ctx, "hq", "counts", "x", true, func(p *FeedPage) error {
		return p.ReplaceCountDay(1011, s.ID, "2026-11-19", dayBuckets("2026-11-19", 32, 2))
	}); err != nil {
		t.Fatal(err)
	}
	started, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-19 15:00", shanghai)
	if _, err := db.ApplyFeedPage(ctx, "hq", "alerts", "a", true, func(p *FeedPage) error {
		return p.UpsertCameraAlert(DeviceAlert{RemoteID: "open-1", CameraID: 1011, Kind: "moved", StartedAt: started.Unix()})
	}); err != nil {
		t.Fatal(err)
	}
	var days []string
	rows, err := db.r.Query(`SELECT DISTINCT local_day FROM store_daily WHERE store_id = ? ORDER BY local_day`, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var d string
		rows.Scan(&d)
		days = append(days, d)
	}
	rows.Close()
	if len(days) != 1 || days[0] != "2026-11-19" {
		t.Errorf("store days after an open alert: %v, want only 2026-11-19, the day of the counts", days)
	}
	var suspect int64
	db.r.QueryRow(`SELECT COALESCE(sum(suspect_hours), 0) FROM store_daily WHERE store_id = ?`, s.ID).Scan(&suspect)
	if suspect == 0 {
		t.Error("the open alert marked no hour of the day's counts suspect")
	}
}
