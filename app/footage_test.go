package app

import (
	"context"
	"image"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"storelens/assets/assetstest"
	"storelens/sync/demofeed"
)

// TestSnapshotFromAnExportedSegment goes the whole way on the demo chain:
// the index lists on-request segments, the snapshot exports and downloads
// the one holding the moment, burns in store, camera and time, and blurs
// the heads: the blurred still differs from the plain one where people's
// heads are and barely anywhere else.
func TestSnapshotFromAnExportedSegment(t *testing.T) {
	footage := assetstest.Footage(t, "vtest.avi")
	fs, err := demofeed.New(demofeed.Config{Until: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), ClipDir: filepath.Join(t.TempDir(), "clips"),
		Footage: footage, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(fs)
	defer srv.Close()
	ctx := context.Background()
	a, err := New(ctx, Config{DataDir: t.TempDir(), FeedURL: srv.URL, Token: "demo",
		SyncCollections: []string{"regions", "stores", "cameras", "recordings"}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.SyncOnce(ctx, SyncOnceRequest{}); err != nil {
		t.Fatal(err)
	}
	// No footage at night: a clear error naming the store, camera and time.
	if _, err := a.TakeSnapshot(ctx, SnapshotRequest{StoreCode: "WH001", Local: "2026-11-19 03:00:00"}); err == nil ||
		!contains(err.Error(), "WH001", "WH001-ENT1", "2026-11-19 03:00:00") {
		t.Fatalf("a moment without footage: %v", err)
	}
	if _, err := a.TakeSnapshot(ctx, SnapshotRequest{StoreCode: "WH001", Local: "yesterday"}); err == nil || !contains(err.Error(), "YYYY-MM-DD HH:MM:SS") {
		t.Errorf("a moment that is not one: %v", err)
	}
	t0 := time.Now()
	blurred, err := a.TakeSnapshot(ctx, SnapshotRequest{StoreCode: "WH001", Local: "2026-11-19 10:41:30"})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first snapshot (export, download, blur): %v", time.Since(t0).Round(time.Millisecond))
	plain, err := a.TakeSnapshot(ctx, SnapshotRequest{StoreCode: "WH001", Local: "2026-11-19 10:41:30", NoBlur: true})
	if err != nil {
		t.Fatal(err)
	}
	later, err := a.TakeSnapshot(ctx, SnapshotRequest{StoreCode: "WH001", Local: "2026-11-19 10:41:31", NoBlur: true})
	if err != nil {
		t.Fatal(err)
	}
	if got := plain.At.Format(time.DateTime); got != "2026-11-19 10:41:30" {
		t.Errorf("the still is of %s", got)
	}
	// The burned-in band: the store line is the same a second later, the
	// time line is not.
	b := plain.Image.Bounds()
	storeLine := image.Rect(0, 0, b.Dx()/3, 19) // text lines are 17 px apart at 576 rows
	timeLine := image.Rect(0, 20, b.Dx()/3, 38)
	if d := changed(plain.Image, later.Image, storeLine); d > 0.25 {
		t.Errorf("the store line changed over a second (%.0f %% of its pixels)", 100*d)
	}
	if d := changed(plain.Image, later.Image, timeLine); d < 0.003 {
		t.Errorf("the burned-in time did not change over a second (%.1f %% of its pixels)", 100*d)
	}
	if bright(plain.Image, storeLine) < 0.03 {
		t.Error("no text in the burned-in band")
	}
	// Evidence is checked against the store, not the screen: the same
	// recording stamped as another store's, or at a moment it does not
	// hold, is refused; stamped as what it is, it is the frame of that moment.
	loc, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2026, 11, 19, 10, 41, 30, 0, loc)
	st, cams, err := a.StoreCameras(ctx, "WH001")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := a.RecordingAt(ctx, cams[0], st.Code, at, loc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.EvidenceStill(ctx, EvidenceRequest{RecordingID: rec.ID, StoreCode: "HF003", CameraID: cams[0].ID, At: at, Loc: loc}); err == nil ||
		!contains(err.Error(), "WH001", "HF003", "not from store") {
		t.Errorf("another store's picture as HF003's evidence: %v", err)
	}
	if _, err := a.EvidenceStill(ctx, EvidenceRequest{RecordingID: rec.ID, StoreCode: "WH001", CameraID: cams[0].ID, At: at.Add(2 * time.Hour), Loc: loc}); err == nil ||
		!contains(err.Error(), "no recording") {
		t.Errorf("a moment the recording does not hold: %v", err)
	}
	ev, err := a.EvidenceStill(ctx, EvidenceRequest{RecordingID: rec.ID, StoreCode: "WH001", CameraID: cams[0].ID, At: at, Loc: loc})
	if err != nil {
		t.Fatal(err)
	}
	if got := ev.At.Format(time.DateTime); got != "2026-11-19 10:41:30" || ev.StoreCode != "WH001" || ev.Camera.Code != cams[0].Code {
		t.Errorf("evidence stamped %s %s %s", ev.StoreCode, ev.Camera.Code, got)
	}
	if d := changed(ev.Image, plain.Image, b); d > 0.001 {
		t.Errorf("the evidence still differs from the frame of its moment in %.2f %% of its pixels", 100*d)
	}
	// The blur changes the heads and leaves the rest.
	whole := changed(blurred.Image, plain.Image, b)
	if whole < 0.002 || whole > 0.05 {
		t.Errorf("the blur changed %.2f %% of the frame; want a little (the heads) and no more", 100*whole)
	}
}

func contains(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

// changed is the share of r's pixels that differ by more than a trace.
func changed(a, b *image.RGBA, r image.Rectangle) float64 {
	n, d := 0, 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i := a.PixOffset(x, y)
			diff := 0
			for c := 0; c < 3; c++ {
				diff += absInt(int(a.Pix[i+c]) - int(b.Pix[i+c]))
			}
			if diff > 24 {
				d++
			}
			n++
		}
	}
	return float64(d) / float64(n)
}

func bright(a *image.RGBA, r image.Rectangle) float64 {
	n, w := 0, 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			i := a.PixOffset(x, y)
			if a.Pix[i] > 200 && a.Pix[i+1] > 200 && a.Pix[i+2] > 200 {
				w++
			}
			n++
		}
	}
	return float64(w) / float64(n)
}

func absInt(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
