package vision

import (
	"context"
	"image"
	"image/color"
	"testing"

	"gocv.io/x/gocv"
)

// TestBlobsMatchOpenCV checks the run-based labelling against OpenCV's
// connectedComponentsWithStats on the detector's real masks of the PETS09
// footage and on drawn shapes that stress 8-connectivity (diagonal touches,
// a U merging late, blobs on the picture's edges): the same components,
// boxes, areas and order.
func TestBlobsMatchOpenCV(t *testing.T) {
	var masks []gocv.Mat
	defer func() {
		for _, m := range masks {
			m.Close()
		}
	}()
	// Drawn shapes.
	m := gocv.NewMatWithSize(60, 80, gocv.MatTypeCV8U)
	for _, p := range []image.Point{{0, 0}, {1, 1}, {2, 2}, {79, 59}, {78, 58}, {40, 0}, {41, 1}} {
		m.SetUCharAt(p.Y, p.X, 255)
	}
	gocv.Rectangle(&m, image.Rect(10, 20, 14, 50), color.RGBA{255, 255, 255, 0}, -1)
	gocv.Rectangle(&m, image.Rect(30, 20, 34, 50), color.RGBA{255, 255, 255, 0}, -1)
	gocv.Rectangle(&m, image.Rect(10, 50, 34, 53), color.RGBA{255, 255, 255, 0}, -1) // joins the two bars into a U
	gocv.Circle(&m, image.Pt(60, 30), 8, color.RGBA{255, 255, 255, 0}, -1)
	masks = append(masks, m)
	// Real masks.
	src := openFootage(t, "vtest.avi")
	d := NewMotionDetector(MotionConfig{})
	defer d.Close()
	frame, work := gocv.NewMat(), gocv.NewMat()
	defer frame.Close()
	defer work.Close()
	for i := 0; i < 300 && src.Read(context.Background(), &frame) == nil; i++ {
		gocv.Resize(frame, &work, image.Pt(384, 288), 0, 0, gocv.InterpolationLinear)
		if _, err := d.Detect(work); err != nil {
			t.Fatal(err)
		}
		if i%10 == 0 {
			fg := d.Foreground()
			masks = append(masks, fg.Clone())
		}
	}
	labels, stats, cent := gocv.NewMat(), gocv.NewMat(), gocv.NewMat()
	defer labels.Close()
	defer stats.Close()
	defer cent.Close()
	var f blobFinder
	total := 0
	for mi, m := range masks {
		got, err := f.find(m)
		if err != nil {
			t.Fatal(err)
		}
		n := gocv.ConnectedComponentsWithStats(m, &labels, &stats, &cent)
		if len(got) != n-1 {
			t.Fatalf("mask %d: %d components, OpenCV finds %d", mi, len(got), n-1)
		}
		for i, b := range got {
			l := i + 1
			want := [5]int{int(stats.GetIntAt(l, 0)), int(stats.GetIntAt(l, 1)), int(stats.GetIntAt(l, 2)), int(stats.GetIntAt(l, 3)), int(stats.GetIntAt(l, 4))}
			have := [5]int{int(b.left), int(b.top), int(b.right - b.left + 1), int(b.bottom - b.top + 1), int(b.area)}
			if have != want {
				t.Fatalf("mask %d component %d: x,y,w,h,area %v, OpenCV %v", mi, i, have, want)
			}
		}
		total += len(got)
	}
	if total < 100 {
		t.Fatalf("only %d components in %d masks: the footage did not exercise the labelling", total, len(masks))
	}
}
