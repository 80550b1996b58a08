package vision

// This file spends the learnt detector's time where counting needs it: on
// the part of the picture around the counting lines, and not at all on a
// look where nothing in that part has changed.

import (
	"image"
	"math"

	"gocv.io/x/gocv"
)

// regionDetector is a detector that can look at a part of the frame only,
// at the scale of the whole.
type regionDetector interface {
	DetectIn(frame gocv.Mat, r image.Rectangle) ([]Detection, error)
}

// The region of interest reaches, from the counting lines (and the staff
// zone), roiAbove of the tallest person seen near them above, roiBelow
// below and roiSide to each side: a person whose feet are a step beyond
// the line on the far side is in it head and all, and one coming is
// followed from a few steps before the line. Until roiLearn people have
// been seen near the lines the whole picture is looked at.
const (
	roiAbove = 2.2
	roiBelow = 1.3
	roiSide  = 1.3
	roiLearn = 10
	// roiWhole: a region covering more than this share of the picture is
	// not worth cropping.
	roiWhole = 0.85
)

// roiState learns the size of the people near the counting lines.
type roiState struct {
	x0, y0, x1, y1 float64 // the lines' bounds, work pixels
	w, h           float64 // the work frame
	tallest        float64 // the tallest person seen near the lines
	near           int     // sightings near the lines
	sized          float64 // tallest when the region was last set
}

func (c *Counter) initROI() {
	r := &c.roiS
	r.w = math.Round(float64(c.size.W) * c.scale)
	r.h = math.Round(float64(c.size.H) * c.scale)
	r.x0, r.y0, r.x1, r.y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	add := func(p Pt) {
		r.x0, r.y0 = math.Min(r.x0, p.X), math.Min(r.y0, p.Y)
		r.x1, r.y1 = math.Max(r.x1, p.X), math.Max(r.y1, p.Y)
	}
	for _, l := range c.lines {
		add(l.line.A)
		add(l.line.B)
	}
	for _, p := range c.cfg.StaffZone {
		add(Pt{p.X * c.scale, p.Y * c.scale})
	}
}

// learnROI notes the confirmed tracks near the lines and, once enough are
// seen or a taller one comes, sets the region of interest for the next
// look.
func (c *Counter) learnROI(tracks []*Track) {
	r := &c.roiS
	for _, t := range tracks {
		if !t.confirmed || !t.matched {
			continue
		}
		b := t.Box()
		f := b.Foot()
		m := 1.5 * b.H
		if f.X < r.x0-m || f.X > r.x1+m || f.Y < r.y0-m || f.Y > r.y1+m {
			continue
		}
		r.near++
		r.tallest = math.Max(r.tallest, b.H)
	}
	if r.near < roiLearn || r.tallest <= 1.05*r.sized {
		return
	}
	r.sized = r.tallest
	h := r.tallest
	roi := image.Rect(int(r.x0-roiSide*h), int(r.y0-roiAbove*h), int(math.Ceil(r.x1+roiSide*h)), int(math.Ceil(r.y1+roiBelow*h)))
	roi = roi.Intersect(image.Rect(0, 0, int(r.w), int(r.h)))
	if float64(roi.Dx()*roi.Dy()) > roiWhole*r.w*r.h {
		roi = image.Rectangle{}
	}
	c.roi = roi
}

// gate tells a look at which nothing in the region of interest changed
// since the last look the detector was run on.
type gate struct {
	small, last, diff gocv.Mat
	ready             bool
	dets              []Detection
}

// Gate settings: the region is compared on a grey copy a quarter of the
// work frame's size; a pixel of it has changed when it differs by more
// than gateLevel, and the look is new when more than gatePixels have. A
// person walking at the far end of a PETS09-like scene is about 25 pixels
// of the copy; compression noise rarely changes one.
const (
	gateLevel  = 12
	gatePixels = 3
)

func (g *gate) close() {
	if g.ready {
		g.small.Close()
		g.last.Close()
		g.diff.Close()
	}
}

// unchanged reports whether the region r of work looks as it did at the
// last look that was run through the detector; same is false for the
// first look.
func (g *gate) unchanged(work gocv.Mat, r image.Rectangle) bool {
	if !g.ready {
		g.small, g.last, g.diff = gocv.NewMat(), gocv.NewMat(), gocv.NewMat()
		g.ready = true
	}
	part := work
	if !r.Empty() {
		part = work.Region(r)
		defer part.Close()
	}
	gocv.Resize(part, &g.small, image.Pt(max(1, part.Cols()/4), max(1, part.Rows()/4)), 0, 0, gocv.InterpolationArea)
	gocv.CvtColor(g.small, &g.small, gocv.ColorBGRToGray)
	if g.last.Empty() || g.last.Cols() != g.small.Cols() || g.last.Rows() != g.small.Rows() {
		return false
	}
	gocv.AbsDiff(g.small, g.last, &g.diff)
	gocv.Threshold(g.diff, &g.diff, gateLevel, 255, gocv.ThresholdBinary)
	return gocv.CountNonZero(g.diff) <= gatePixels
}

// detect runs the detector on the work frame: on the region of interest
// only, and not at all when the region has not changed (the last look's
// people are still where they were).
func (c *Counter) detect(work gocv.Mat) ([]Detection, error) {
	if !c.tun.gate {
		return c.det.Detect(work)
	}
	if c.gate.unchanged(work, c.roi) {
		c.skipped++
		return append([]Detection(nil), c.gate.dets...), nil
	}
	var dets []Detection
	var err error
	if rd, ok := c.det.(regionDetector); ok && !c.roi.Empty() {
		dets, err = rd.DetectIn(work, c.roi)
	} else {
		dets, err = c.det.Detect(work)
	}
	if err != nil {
		return nil, err
	}
	c.gate.small.CopyTo(&c.gate.last)
	c.gate.dets = append(c.gate.dets[:0], dets...)
	return dets, nil
}
