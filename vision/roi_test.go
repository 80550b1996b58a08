package vision

import (
	"context"
	"image"
	"io"
	"path/filepath"
	"testing"

	"gocv.io/x/gocv"
)

// countWith counts video with the built-in learnt detector on line and
// returns the counter's result and how many looks the gate spared.
func countWith(t *testing.T, video string, cfg Config) (*Result, int, image.Rectangle) {
	t.Helper()
	src, err := OpenSource(video)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	cfg.Detector = builtInNanoDet(t)
	c, err := NewCounter(cfg, src.Size().X, src.Size().Y, src.FPS())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.run(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	return c.Finish(), c.skipped, c.roi
}

// TestRegionOfInterestCountsAsTheWholePicture: with a line across the
// middle of vtest.avi the learnt detector soon looks only at the part of
// the picture around it, and counts the same crossings as when it looks
// at all of it.
func TestRegionOfInterestCountsAsTheWholePicture(t *testing.T) {
	if testing.Short() {
		t.Skip("two recounts with the learnt detector")
	}
	video := footage(t, "vtest.avi")
	line := Line{Pt{0, 300}, Pt{768, 300}}
	whole, _, _ := countWith(t, video, Config{Entrance: line, WholeFrame: true})
	part, _, roi := countWith(t, video, Config{Entrance: line})
	t.Logf("whole picture: in %d out %d; region %v of the work frame: in %d out %d", whole.In, whole.Out, roi, part.In, part.Out)
	if roi.Empty() || roi.Dy() >= 288 {
		t.Fatalf("region of interest %v: want a band of the 384x288 work frame around the line", roi)
	}
	if whole.In+whole.Out < 20 {
		t.Fatalf("whole picture counted %d crossings; vtest.avi has dozens on this line", whole.In+whole.Out)
	}
	if d := abs(part.In-whole.In) + abs(part.Out-whole.Out); d > 1 {
		t.Errorf("the region counted in %d out %d, the whole picture in %d out %d", part.In, part.Out, whole.In, whole.Out)
	}
}

// TestGateSparesStillLooks: in footage that stops moving for ten seconds
// (a frame held, as a camera does when nothing happens) the detector is
// run on none of the still looks, and the count is the same as when every
// look is run.
func TestGateSparesStillLooks(t *testing.T) {
	if testing.Short() {
		t.Skip("two recounts with the learnt detector")
	}
	src := openFootage(t, "vtest.avi")
	frame := gocv.NewMat()
	defer frame.Close()
	path := filepath.Join(t.TempDir(), "held.avi")
	var vw *gocv.VideoWriter
	for i := 0; i < 300; i++ {
		err := src.Read(context.Background(), &frame)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if vw == nil {
			if vw, err = gocv.VideoWriterFile(path, "MJPG", 10, frame.Cols(), frame.Rows(), true); err != nil {
				t.Fatal(err)
			}
		}
		n := 1
		if i == 150 {
			n = 100 // ten seconds of the same picture
		}
		for range n {
			if err := vw.Write(frame); err != nil {
				t.Fatal(err)
			}
		}
	}
	vw.Close()
	line := Line{Pt{384, 120}, Pt{384, 576}}
	gated, skipped, _ := countWith(t, path, Config{Entrance: line, WholeFrame: true})
	old := learntTuning
	learntTuning.gate = false
	every, _, _ := countWith(t, path, Config{Entrance: line, WholeFrame: true})
	learntTuning = old
	t.Logf("gated: in %d out %d, %d looks spared; every look: in %d out %d", gated.In, gated.Out, skipped, every.In, every.Out)
	if skipped < 45 || skipped > 60 {
		t.Errorf("the gate spared %d looks; the held picture is 50 looks", skipped)
	}
	if gated.In != every.In || gated.Out != every.Out {
		t.Errorf("gated count in %d out %d, every look in %d out %d", gated.In, gated.Out, every.In, every.Out)
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
