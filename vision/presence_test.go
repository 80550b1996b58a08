package vision

import (
	"context"
	"image"
	"math"
	"os"
	"path/filepath"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"storelens/assets/assetstest"
)

// The demo chain's till camera: the customer side is the lower middle of
// the picture, the staff side the band behind it.
var testTill = TillZones{
	Customer: []Pt{{200, 250}, {560, 250}, {560, 560}, {200, 560}},
	Staff:    []Pt{{200, 120}, {560, 120}, {560, 250}, {200, 250}},
}

// countingDetector counts the network passes.
type countingDetector struct {
	Detector
	calls int
}

func (c *countingDetector) Detect(m gocv.Mat) ([]Detection, error) {
	c.calls++
	return c.Detector.Detect(m)
}

// The people counted on the customer side follow the annotation of
// vtest.avi sample by sample; people walking through are not waiting.
func TestZonePresenceFollowsTheAnnotatedPeople(t *testing.T) {
	d := builtInNanoDet(t)
	defer d.Close()
	byFrame := groundTruth(t).BoxesByFrame()
	got, err := ZonePresence(context.Background(), assetstest.Footage(t, "vtest.avi"), d, testTill, PresenceOptions{Step: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 38 {
		t.Fatalf("%d samples over 79.5 s at a 2 s step, want 40", len(got))
	}
	var absErr float64
	agree, waiting, customers := 0, 0, 0
	for _, s := range got {
		frame := int(math.Round(s.At.Seconds() * 10))
		truth := 0
		for _, b := range byFrame[frame] {
			if Inside(testTill.Customer, b.Foot()) {
				truth++
			}
		}
		absErr += math.Abs(float64(s.Customers - truth))
		if (s.Customers > 0) == (truth > 0) {
			agree++
		}
		waiting += s.Waiting
		customers += s.Customers
	}
	mae := absErr / float64(len(got))
	t.Logf("%d samples: mean absolute error %.2f people, presence agrees at %d; %d of %d customer sightings standing still",
		len(got), mae, agree, waiting, customers)
	if mae > 0.8 {
		t.Errorf("mean absolute error %.2f people on the customer side, want ≤ 0.8", mae)
	}
	if float64(agree) < 0.9*float64(len(got)) {
		t.Errorf("presence agrees with the annotation at %d of %d samples, want ≥ 90 %%", agree, len(got))
	}
	if customers == 0 || float64(waiting) > 0.35*float64(customers) {
		t.Errorf("%d of %d customer sightings taken as waiting in a crowd walking past", waiting, customers)
	}
}

// A frozen queue (one frame of five people in the till zone, repeated) is
// all waiting, and the detector looks once: unchanged samples reuse its
// answer. The empty scene of tree.avi has nobody at the till.
func TestZonePresenceWaitingAndStillGating(t *testing.T) {
	src, err := gocv.VideoCaptureFile(assetstest.Footage(t, "vtest.avi"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	src.Set(gocv.VideoCapturePosFrames, 760)
	frame := gocv.NewMat()
	defer frame.Close()
	if !src.Read(&frame) {
		t.Fatal("cannot read frame 760 of vtest.avi")
	}
	path := filepath.Join(t.TempDir(), "queue.avi")
	w, err := gocv.VideoWriterFile(path, "MJPG", 2, frame.Cols(), frame.Rows(), true)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 60; i++ { // 30 s at 2 fps
		if err := w.Write(frame); err != nil {
			t.Fatal(err)
		}
	}
	w.Close()
	d := &countingDetector{Detector: builtInNanoDet(t)}
	defer d.Close()
	got, err := ZonePresence(context.Background(), path, d, testTill, PresenceOptions{Step: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) < 14 {
		t.Fatalf("%d samples over 30 s, want 15", len(got))
	}
	if got[0].Customers < 3 {
		t.Fatalf("%d customers seen in a frame with five people in the till zone", got[0].Customers)
	}
	for _, s := range got[1:] {
		if s.Waiting != s.Customers || s.Customers != got[0].Customers {
			t.Fatalf("at %v: %d customers, %d waiting; the picture does not change", s.At, s.Customers, s.Waiting)
		}
	}
	if d.calls != 1 {
		t.Errorf("the detector looked %d times at an unchanging picture, want once", d.calls)
	}

	// tree.avi: its first 60 pictures (the file declares more than it holds).
	tc, err := gocv.VideoCaptureFile(assetstest.Footage(t, "tree.avi"))
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	treePath := filepath.Join(t.TempDir(), "tree.avi")
	tw, err := gocv.VideoWriterFile(treePath, "MJPG", 15, int(tc.Get(gocv.VideoCaptureFrameWidth)), int(tc.Get(gocv.VideoCaptureFrameHeight)), true)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 60 && tc.Read(&frame); i++ {
		tw.Write(frame)
	}
	tw.Close()
	tree, err := ZonePresence(context.Background(), treePath, d, TillZones{Customer: testTill.Customer, Staff: testTill.Staff,
		Size: image.Pt(768, 576)}, PresenceOptions{Step: time.Second / 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(tree) < 7 {
		t.Fatalf("%d samples of tree.avi, want 8", len(tree))
	}
	for _, s := range tree {
		if s.Customers+s.Staff > 0 {
			t.Fatalf("tree.avi at %v: %d customers, %d staff; it has nobody in it", s.At, s.Customers, s.Staff)
		}
	}
}

// A file that is not a video is refused with the source's error.
func TestZonePresenceRefusesABrokenFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "broken.mp4")
	if err := os.WriteFile(path, []byte("not a video"), 0o644); err != nil {
		t.Fatal(err)
	}
	d := builtInNanoDet(t)
	defer d.Close()
	if _, err := ZonePresence(context.Background(), path, d, testTill, PresenceOptions{}); err == nil {
		t.Fatal("a broken file was scanned without an error")
	}
}
