package ui

import (
	"context"
	"image"
	"image/color"
	"net/http/httptest"
	"path/filepath"
	"strings"
	stdsync "sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"storelens/app"
	"storelens/assets/assetstest"
	"storelens/sync/demofeed"
)

// TestReviewShowsTheMomentAskedAndPlays opens a store's footage at a moment
// the way a chart click does: the segment is exported at HQ, fetched, and
// the frame on screen is the one of that moment (within a frame); the keys
// play, pause and step; the window shows the picture.
func TestReviewShowsTheMomentAskedAndPlays(t *testing.T) {
	SetLanguage(LangEnglish)
	r, ui, w := demoReview(t)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	want := time.Date(2026, 11, 19, 10, 41, 30, 0, loc)
	ui(func() { r.Open("WH001", want) })
	shown := func() time.Time {
		var s time.Time
		ui(func() { s = r.shown })
		return s
	}
	deadline := time.Now().Add(90 * time.Second)
	for shown().IsZero() {
		if time.Now().After(deadline) {
			t.Fatal("nothing on screen after 90 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if d := shown().Sub(want); d < 0 || d > 100*time.Millisecond {
		t.Errorf("asked for %s, the screen shows %s", want.Format("15:04:05.000"), shown().In(loc).Format("15:04:05.000"))
	}
	var got string
	ui(func() { got = r.title.Text })
	if !containsAll(got, "WH001", "WH001-ENT1", "2026-11-19") {
		t.Errorf("title %q", got)
	}
	// → steps one frame (100 ms at 10 fps), ← back again.
	ui(func() { r.TypedKey(&fyne.KeyEvent{Name: fyne.KeyRight}) })
	waitFor(t, func() bool { return shown().Sub(want) >= 100*time.Millisecond }, "→ did not step a frame")
	ui(func() { r.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft}) })
	waitFor(t, func() bool { return shown().Sub(want) < 100*time.Millisecond }, "← did not step back")
	// Space plays: the moment moves on; space again pauses.
	before := shown()
	ui(func() { r.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace}) })
	waitFor(t, func() bool { return shown().Sub(before) >= time.Second }, "space did not play")
	ui(func() { r.TypedKey(&fyne.KeyEvent{Name: fyne.KeySpace}) })
	time.Sleep(300 * time.Millisecond)
	paused := shown()
	time.Sleep(500 * time.Millisecond)
	if !shown().Equal(paused) {
		t.Error("space did not pause")
	}
	// The picture is in the window: most of its middle is footage.
	var img image.Image
	ui(func() { img = w.Canvas().Capture() })
	b := img.Bounds()
	mid := image.Rect(b.Dx()*3/8, b.Dy()/3, b.Dx()*5/8, b.Dy()/2)
	if share := nonBackground(img, mid); share < 0.9 {
		t.Errorf("only %.0f %% of the middle of the window is footage", 100*share)
	}
	// A moment without a recording says so instead of showing another.
	ui(func() { r.seekTo(time.Date(2026, 11, 19, 3, 0, 0, 0, loc)) })
	waitFor(t, func() bool { var s string; ui(func() { s = r.status.Text }); return containsAll(s, "No recording") }, "a night hour did not say it has no recording")
}

// demoReview serves the demo chain (to 2026-11-20) on loopback, syncs its
// stores, cameras and recordings index into a fresh App, and returns a
// review screen in a 1024×640 window with ui, one lock that stands for
// the window's UI goroutine: the player's frames and the test's keys take
// turns, as they do in the window.
func demoReview(t *testing.T) (*Review, func(func()), fyne.Window) {
	t.Helper()
	fs, err := demofeed.New(demofeed.Config{Until: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), ClipDir: filepath.Join(t.TempDir(), "clips"),
		Footage: assetstest.Footage(t, "vtest.avi"), Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(fs)
	t.Cleanup(srv.Close)
	ctx := context.Background()
	core, err := app.New(ctx, app.Config{DataDir: t.TempDir(), FeedURL: srv.URL, Token: "demo",
		SyncCollections: []string{"regions", "stores", "cameras", "recordings"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { core.Close() })
	if _, err := core.SyncOnce(ctx, app.SyncOnceRequest{}); err != nil {
		t.Fatal(err)
	}
	test.NewTempApp(t)
	w := test.NewTempWindow(t, nil)
	var mu stdsync.Mutex
	ui := func(fn func()) { mu.Lock(); defer mu.Unlock(); fn() }
	r := NewReview(Runner{UI: ui}, core, w)
	t.Cleanup(func() { ui(r.Close) })
	w.SetContent(r.Content())
	w.Resize(fyne.NewSize(1024, 640))
	return r, ui, w
}

func TestOverlayDrawsTheLineAndTheDecisions(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 768, 576))
	ov := &countOverlay{lines: map[string][]image.Point{"entrance": {{120, 300}, {650, 300}}},
		boxes: map[int][]app.TrackBox{10: {{Track: 7, Box: app.Box{X: 200, Y: 150, W: 60, H: 140}, Confirmed: true}}}, frames: []int{10},
		decisions: map[int]string{7: "in"}, stride: 2}
	ov.draw(img, 11)
	if c := img.RGBAAt(400, 300); c != overlayEntrance {
		t.Errorf("the entrance line is not drawn at y=300: %v", c)
	}
	if c := img.RGBAAt(200, 220); c != overlayIn {
		t.Errorf("the IN box's left edge is %v", c)
	}
	img2 := image.NewRGBA(img.Rect)
	ov.draw(img2, 40) // long after the analysed frame: no stale box
	if c := img2.RGBAAt(200, 220); c != (color.RGBA{}) {
		t.Errorf("a box from frame 10 is still drawn at frame 40: %v", c)
	}
}

func nonBackground(img image.Image, r image.Rectangle) float64 {
	bg := img.At(2, img.Bounds().Dy()/2)
	n, d := 0, 0
	for y := r.Min.Y; y < r.Max.Y; y += 2 {
		for x := r.Min.X; x < r.Max.X; x += 2 {
			if img.At(x, y) != bg {
				d++
			}
			n++
		}
	}
	return float64(d) / float64(n)
}

func waitFor(t *testing.T, ok func() bool, msg string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal(msg)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func containsAll(s string, subs ...string) bool {
	for _, x := range subs {
		if !strings.Contains(s, x) {
			return false
		}
	}
	return true
}

// While the recount runs, the boxes of the frames it has analysed show
// (without a decision); the decisions colour them when it ends. The
// recount adds from its goroutine while the player draws.
func TestOverlayShowsBoxesAsTheRecountGoes(t *testing.T) {
	ov := &countOverlay{lines: map[string][]image.Point{"entrance": {{120, 300}, {650, 300}}}}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for f := 0; f <= 100; f += 2 {
			ov.add(f, []app.TrackBox{{Track: 7, Box: app.Box{X: 200, Y: 150, W: 60, H: 140}, Confirmed: true}})
		}
	}()
	for range 50 {
		ov.draw(image.NewRGBA(image.Rect(0, 0, 768, 576)), 50)
	}
	<-done
	img := image.NewRGBA(image.Rect(0, 0, 768, 576))
	ov.draw(img, 51)
	if c := img.RGBAAt(200, 220); c != overlayBox {
		t.Errorf("before the recount ends, the box of track 7 at frame 51 is %v, want the plain box colour", c)
	}
	ov.finish(map[int]string{7: "out"})
	ov.draw(img, 51)
	if c := img.RGBAAt(200, 220); c != overlayOut {
		t.Errorf("after the recount, the OUT box is %v", c)
	}
	if n := len(ov.frames); n != 51 {
		t.Errorf("%d analysed frames, want 51", n)
	}
}

// The people found near the frame on screen show before the recount gets
// there (plain boxes, no track number), and the recount's boxes take
// their place once it has.
func TestOverlayShowsThePeopleAheadUntilTheRecountArrives(t *testing.T) {
	ov := &countOverlay{}
	person := app.Box{X: 400, Y: 150, W: 60, H: 140}
	ov.addAhead(300, []app.TrackBox{{Box: person, Confirmed: true}})
	ov.addAhead(302, []app.TrackBox{{Box: person, Confirmed: true}})
	img := image.NewRGBA(image.Rect(0, 0, 768, 576))
	ov.draw(img, 301)
	if c := img.RGBAAt(400, 220); c != overlayBox {
		t.Errorf("at frame 301, before the recount, the person ahead is %v, want a plain box", c)
	}
	ov.add(0, nil)
	ov.add(2, []app.TrackBox{{Track: 3, Box: app.Box{X: 100, Y: 150, W: 60, H: 140}, Confirmed: true}})
	img = image.NewRGBA(img.Rect)
	ov.draw(img, 301)
	if c := img.RGBAAt(400, 220); c != overlayBox {
		t.Errorf("the recount is at frame 2: the person ahead at 301 is gone (%v)", c)
	}
	ov.add(300, []app.TrackBox{{Track: 3, Box: app.Box{X: 100, Y: 150, W: 60, H: 140}, Confirmed: true}})
	img = image.NewRGBA(img.Rect)
	ov.draw(img, 301)
	if c := img.RGBAAt(400, 220); c == overlayBox {
		t.Error("the recount reached frame 300 and the box found ahead is still drawn")
	}
	if c := img.RGBAAt(100, 220); c != overlayBox {
		t.Errorf("the recount's box of track 3 at frame 301 is %v", c)
	}
}
