package vision

import (
	"image"
	"testing"

	"gocv.io/x/gocv"
)

// The blur for exported evidence covers the heads of the annotated people
// in sample frames of vtest.avi (the top of each annotated box, where the
// head is) and leaves most of the frame as it was.
func TestHeadBlurCoversTheAnnotatedHeads(t *testing.T) {
	byFrame := groundTruth(t).BoxesByFrame()
	heads, covered := 0, 0
	var blurredShare float64
	samples := 0
	eachFrame(t, "vtest.avi", 40, func(i int, frame gocv.Mat, dets []Detection) {
		size := image.Pt(frame.Cols(), frame.Rows())
		regions := HeadRegions(dets, size)
		mask := make([]bool, size.X*size.Y)
		for _, r := range regions {
			for y := int(r.Y); y < int(r.Y+r.H) && y < size.Y; y++ {
				for x := int(r.X); x < int(r.X+r.W) && x < size.X; x++ {
					mask[y*size.X+x] = true
				}
			}
		}
		n := 0
		for _, m := range mask {
			if m {
				n++
			}
		}
		blurredShare += float64(n) / float64(len(mask))
		samples++
		for _, g := range byFrame[i] {
			// The head: the top seventh of the annotated box, its middle half.
			hx0, hx1 := int(g.X+g.W/4), int(g.X+3*g.W/4)
			hy0, hy1 := int(g.Y), int(g.Y+g.H/7)
			in, all := 0, 0
			for y := max(0, hy0); y < min(size.Y, hy1); y++ {
				for x := max(0, hx0); x < min(size.X, hx1); x++ {
					all++
					if mask[y*size.X+x] {
						in++
					}
				}
			}
			if all == 0 {
				continue
			}
			heads++
			if float64(in) >= 0.8*float64(all) {
				covered++
			}
		}
		before := frame.Clone()
		BlurRegions(&frame, regions) // the caller's frame: the next one is read over it
		diff := gocv.NewMat()
		gocv.AbsDiff(before, frame, &diff)
		gray := gocv.NewMat()
		gocv.CvtColor(diff, &gray, gocv.ColorBGRToGray)
		if changed := float64(gocv.CountNonZero(gray)) / float64(size.X*size.Y); changed > 0.2 {
			t.Errorf("frame %d: the blur changed %.0f%% of the picture", i, 100*changed)
		}
		before.Close()
		diff.Close()
		gray.Close()
	})
	share := float64(covered) / float64(heads)
	t.Logf("%d of %d annotated heads covered (%.1f%%) in %d frames; %.1f%% of the frame blurred on average", covered, heads, 100*share, samples, 100*blurredShare/float64(samples))
	if share < 0.95 {
		t.Errorf("the blur covers %.1f%% of the annotated heads, want at least 95%%", 100*share)
	}
}
