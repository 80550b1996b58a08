package vision

import (
	"image"
	"math"

	"gocv.io/x/gocv"
)

// HeadRegions are the parts of a frame where the people detected show
// their heads, for blurring what leaves the laptop. In store footage faces
// are mostly too small to find on their own, so the head is taken from the
// person's box: the top of it, a little wider than a head, with a margin
// for the box's own error. Weak detections are included: a blur that
// misses a face is the mistake that matters.
func HeadRegions(dets []Detection, frame image.Point) []Box {
	var out []Box
	for _, d := range dets {
		b := d.Box
		if b.H < 4 || b.W < 2 {
			continue
		}
		h := 0.3 * b.H
		w := math.Max(0.9*b.W, 0.2*b.H)
		x := b.X + b.W/2 - w/2
		y := b.Y - 0.08*b.H
		x0, y0 := math.Max(0, x), math.Max(0, y)
		x1, y1 := math.Min(float64(frame.X), x+w), math.Min(float64(frame.Y), y+h)
		if x1 > x0 && y1 > y0 {
			out = append(out, Box{x0, y0, x1 - x0, y1 - y0})
		}
	}
	return out
}

// BlurRegions blurs each region of frame in place, strongly enough that a
// face in it cannot be recognised (a box blur of a third of its size, twice).
func BlurRegions(frame *gocv.Mat, regions []Box) {
	for _, r := range regions {
		rect := image.Rect(int(r.X), int(r.Y), int(math.Ceil(r.X+r.W)), int(math.Ceil(r.Y+r.H))).Intersect(image.Rect(0, 0, frame.Cols(), frame.Rows()))
		if rect.Empty() {
			continue
		}
		roi := frame.Region(rect)
		k := max(3, min(rect.Dx(), rect.Dy())/3) | 1
		gocv.Blur(roi, &roi, image.Pt(k, k))
		gocv.Blur(roi, &roi, image.Pt(k, k))
		roi.Close()
	}
}
