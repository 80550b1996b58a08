package vision

import (
	"image"
	"math"
	"sort"

	"gocv.io/x/gocv"
)

// Detection is one person candidate in a frame, in the pixels of the frame
// the detector was given. Score is in [0,1]; detections below the tracker's
// strong threshold only extend existing tracks (they never start one).
type Detection struct {
	Box   Box
	Score float64
	// PersonHeight is the height a person standing at the box's foot would
	// have in this camera (0 when unknown); the tracker uses it to tell a
	// partial view from a real change of size.
	PersonHeight float64
}

// Detector finds people in a BGR frame. The counter gives every frame of a
// video, in order, to one Detector, so a detector may keep state (a
// background model). Implementations need not be safe for concurrent use.
type Detector interface {
	Detect(frame gocv.Mat) ([]Detection, error)
	Close() error
}

// Foregrounder is implemented by detectors that keep a foreground mask of
// the last frame (255 = moving person pixels); appearance signatures use it
// to leave the background out.
type Foregrounder interface {
	Foreground() gocv.Mat
}

// MotionConfig tunes MotionDetector. The zero value is the default.
type MotionConfig struct {
	// History is the background model's memory in frames (default 500).
	History int
	// VarThreshold is MOG2's squared Mahalanobis distance for a pixel to be
	// foreground (default 16).
	VarThreshold float64
	// MinPersistence is the share of a blob's foreground pixels that must
	// have been foreground in the previous frame too for the blob to start
	// a track (below 60% of it the blob is dropped). 0, the default, turns
	// the check off: at 5 fps walking people overlap their previous frame
	// too little, and MinFill already rejects flickering leaves.
	MinPersistence float64
	// Gray models the background in brightness only: about twice as fast,
	// at the cost of people whose clothes differ from the floor in colour
	// but not in brightness.
	Gray bool
	// MinFill is the share of its box a blob's pixels must cover to start
	// a track (default 0.25; below 60% of it the blob is dropped). People
	// in PETS09 cover 0.35–0.62 (5th–90th percentile), more when partly
	// hidden or merged with a neighbour; the swaying tree of tree.avi
	// 0.11–0.35, which the walking test keeps from counting. 0.25 made
	// 10 % fewer counting errors than 0.3 on PETS09's random lines.
	MinFill float64
	// MinArea is the smallest blob kept, as a share of the frame area
	// (default 0.0005).
	MinArea float64
}

// MotionDetector finds moving people without model weights: a MOG2
// background model with shadows detected and removed, morphology that closes
// a body broken into pieces, fragment merging and splitting of blobs where
// people walk side by side, using a person-size model it learns from the
// footage (height as a function of the foot's row, which captures the
// camera's perspective).
type MotionDetector struct {
	cfg                MotionConfig
	mog                gocv.BackgroundSubtractorMOG2
	fg, bin, raw, gray gocv.Mat
	prevRaw            gocv.Mat
	kOpen, kClose      gocv.Mat
	blobs              blobFinder
	kernelFor          int
	size               sizeModel
	frames             int
	cols               []int
}

// NewMotionDetector returns a MotionDetector; Close releases it.
func NewMotionDetector(cfg MotionConfig) *MotionDetector {
	if cfg.History <= 0 {
		cfg.History = 500
	}
	if cfg.VarThreshold <= 0 {
		cfg.VarThreshold = 16
	}
	if cfg.MinFill == 0 {
		cfg.MinFill = 0.25
	}
	if cfg.MinArea <= 0 {
		cfg.MinArea = 0.0005
	}
	d := &MotionDetector{
		cfg:     cfg,
		mog:     gocv.NewBackgroundSubtractorMOG2WithParams(cfg.History, cfg.VarThreshold, true),
		fg:      gocv.NewMat(),
		raw:     gocv.NewMat(),
		gray:    gocv.NewMat(),
		prevRaw: gocv.NewMat(),
		bin:     gocv.NewMat(),
	}
	return d
}

// PrimeBackground teaches the background model a picture of the empty
// scene (several times, so it outweighs the first real frames).
func (d *MotionDetector) PrimeBackground(bg gocv.Mat) {
	in := bg
	if d.cfg.Gray && bg.Channels() == 3 {
		gocv.CvtColor(bg, &d.gray, gocv.ColorBGRToGray)
		in = d.gray
	}
	for i := 0; i < 30; i++ {
		d.mog.Apply(in, &d.fg)
	}
	d.frames = 3
}

// Foreground is the cleaned foreground mask of the last frame (shadows
// removed), owned by the detector and valid until the next Detect.
func (d *MotionDetector) Foreground() gocv.Mat { return d.bin }

// Close releases the OpenCV objects.
func (d *MotionDetector) Close() error {
	d.mog.Close()
	for _, m := range []*gocv.Mat{&d.fg, &d.bin, &d.raw, &d.gray, &d.prevRaw} {
		m.Close()
	}
	if d.kernelFor != 0 {
		d.kOpen.Close()
		d.kClose.Close()
	}
	return nil
}

// Detect updates the background model with frame and returns the blobs that
// look like people.
func (d *MotionDetector) Detect(frame gocv.Mat) ([]Detection, error) {
	d.frames++
	rows, cols := frame.Rows(), frame.Cols()
	if d.kernelFor != rows {
		if d.kernelFor != 0 {
			d.kOpen.Close()
			d.kClose.Close()
		}
		s := float64(rows) / 288
		d.kOpen = gocv.GetStructuringElement(gocv.MorphEllipse, image.Pt(3, 3))
		d.kClose = gocv.GetStructuringElement(gocv.MorphEllipse, image.Pt(odd(5*s), odd(11*s)))
		d.kernelFor = rows
	}
	in := frame
	if d.cfg.Gray && frame.Channels() == 3 {
		gocv.CvtColor(frame, &d.gray, gocv.ColorBGRToGray)
		in = d.gray
	}
	d.mog.Apply(in, &d.fg)
	// MOG2 marks shadows 127 and people 255: keep people only.
	gocv.Threshold(d.fg, &d.bin, 200, 255, gocv.ThresholdBinary)
	gocv.MorphologyEx(d.bin, &d.raw, gocv.MorphOpen, d.kOpen)
	gocv.MorphologyEx(d.raw, &d.bin, gocv.MorphClose, d.kClose)
	var prev []uint8
	if d.cfg.MinPersistence > 0 {
		defer d.raw.CopyTo(&d.prevRaw)
		if d.prevRaw.Rows() == rows && d.prevRaw.Cols() == cols {
			prev, _ = d.prevRaw.DataPtrUint8()
		}
	}
	if d.frames < 3 {
		return nil, nil // the model has not seen a background yet
	}
	raw, _ := d.raw.DataPtrUint8()
	comps, err := d.blobs.find(d.bin)
	if err != nil {
		return nil, err
	}
	minArea := d.cfg.MinArea * float64(rows*cols)
	var blobs []blob
	for _, c := range comps {
		area := float64(c.area)
		if area < minArea/3 {
			continue
		}
		b := blob{
			Box:  Box{float64(c.left), float64(c.top), float64(c.right - c.left + 1), float64(c.bottom - c.top + 1)},
			area: area,
		}
		blobs = append(blobs, b)
	}
	blobs = d.mergeFragments(blobs)
	mask, _ := d.bin.DataPtrUint8()
	var out []Detection
	for _, b := range blobs {
		if b.area < minArea {
			// A small piece: only useful to keep a track alive.
			if b.area >= minArea/2 {
				out = append(out, Detection{Box: b.Box, Score: 0.3})
			}
			continue
		}
		// Moving people cover much of the same pixels from one frame to
		// the next; flickering leaves, water and noise do not.
		pers := 1.0
		if prev != nil {
			pers = persistence(raw, prev, cols, b.Box)
		}
		// A person is a solid blob; swaying leaves are speckles that the
		// closing only joins into a sparse cloud.
		solid := fill(raw, cols, b.Box)
		if solid < 0.6*d.cfg.MinFill {
			continue
		}
		if pers < 0.6*d.cfg.MinPersistence {
			continue
		}
		touches := b.X <= 1 || b.Y <= 1 || b.X+b.W >= float64(cols-1) || b.Y+b.H >= float64(rows-1)
		aspect := b.H / b.W
		if !touches && aspect > 1.6 && aspect < 4.5 && b.area > 0.45*b.W*b.H {
			d.size.add(b.Foot().Y, b.H, b.W)
		}
		for _, p := range d.split(b, mask, cols) {
			score := 0.9
			if pers < d.cfg.MinPersistence || solid < d.cfg.MinFill {
				score = 0.4 // may keep a track alive, never start one
			}
			h, ok := d.size.height(p.Foot().Y)
			if ok && p.H < 0.45*h {
				score = 0.4 // a fragment or a child; extend tracks only
			}
			if ok && p.H > 1.45*h {
				// Two people one behind the other: the one in front stands
				// at the bottom of the blob, the one behind starts at its top.
				front := Box{p.X, p.Y + p.H - h, p.W, h}
				hb := h
				for i := 0; i < 3; i++ {
					hb, _ = d.size.height(p.Y + hb)
				}
				back := Box{p.X, p.Y, p.W, math.Min(hb, p.H-0.5*h)}
				out = append(out, Detection{Box: front, Score: 0.8, PersonHeight: h}, Detection{Box: back, Score: 0.6, PersonHeight: hb})
				continue
			}
			out = append(out, Detection{Box: p, Score: score, PersonHeight: h})
		}
	}
	return out, nil
}

type blob struct {
	Box
	area float64
}

// mergeFragments joins blobs that are pieces of one person: one above the
// other, overlapping horizontally, together no taller than a person there.
func (d *MotionDetector) mergeFragments(bs []blob) []blob {
	sort.Slice(bs, func(i, j int) bool { return bs[i].Y < bs[j].Y })
	for merged := true; merged; {
		merged = false
		for i := 0; i < len(bs) && !merged; i++ {
			for j := i + 1; j < len(bs) && !merged; j++ {
				a, b := bs[i].Box, bs[j].Box
				ox := math.Min(a.X+a.W, b.X+b.W) - math.Max(a.X, b.X)
				if ox < 0.5*math.Min(a.W, b.W) {
					continue
				}
				u := union(a, b)
				h, ok := d.size.height(u.Foot().Y)
				if !ok {
					h = 2.6 * math.Max(a.W, b.W)
				}
				gap := math.Max(a.Y, b.Y) - math.Min(a.Y+a.H, b.Y+b.H)
				if u.H <= 1.15*h && u.W <= 0.75*h && gap < 0.25*h {
					bs[i] = blob{Box: u, area: bs[i].area + bs[j].area}
					bs = append(bs[:j], bs[j+1:]...)
					merged = true
				}
			}
		}
	}
	return bs
}

func union(a, b Box) Box {
	x1, y1 := math.Min(a.X, b.X), math.Min(a.Y, b.Y)
	x2, y2 := math.Max(a.X+a.W, b.X+b.W), math.Max(a.Y+a.H, b.Y+b.H)
	return Box{x1, y1, x2 - x1, y2 - y1}
}

// split cuts a blob wider than one person into people side by side, at the
// emptiest columns of the mask.
func (d *MotionDetector) split(b blob, mask []uint8, cols int) []Box {
	h, ok := d.size.height(b.Foot().Y)
	if !ok {
		h = b.H
	}
	pw := 0.42 * h // a standing person's width for that height
	k := int(math.Round(b.W / pw))
	if b.W < 1.5*pw || k < 2 || mask == nil {
		return []Box{b.Box}
	}
	k = min(k, 6)
	x0, x1 := int(b.X), int(b.X+b.W)
	y0, y1 := int(b.Y), int(b.Y+b.H)
	if cap(d.cols) < x1-x0 {
		d.cols = make([]int, x1-x0)
	}
	c := d.cols[:x1-x0]
	for x := range c {
		c[x] = 0
	}
	for y := y0; y < y1; y++ {
		row := mask[y*cols : y*cols+cols]
		for x := x0; x < x1; x++ {
			if row[x] != 0 {
				c[x-x0]++
			}
		}
	}
	// Cut near each ideal boundary at the column with the least foreground.
	cuts := []int{0}
	for i := 1; i < k; i++ {
		ideal := int(float64(i) * b.W / float64(k))
		r := int(0.3 * b.W / float64(k))
		best, bestV := ideal, math.MaxInt
		for x := max(ideal-r, cuts[len(cuts)-1]+1); x <= min(ideal+r, len(c)-2); x++ {
			if c[x] < bestV {
				best, bestV = x, c[x]
			}
		}
		cuts = append(cuts, best)
	}
	cuts = append(cuts, len(c))
	out := make([]Box, 0, k)
	for i := 0; i+1 < len(cuts); i++ {
		lo, hi := cuts[i], cuts[i+1]
		// Tighten the top of each part to where its pixels start.
		top := y1
		for y := y0; y < y1 && top == y1; y++ {
			row := mask[y*cols : y*cols+cols]
			for x := x0 + lo; x < x0+hi; x++ {
				if row[x] != 0 {
					top = y
					break
				}
			}
		}
		if top >= y1-2 {
			continue
		}
		out = append(out, Box{float64(x0 + lo), float64(top), float64(hi - lo), float64(y1 - top)})
	}
	if len(out) == 0 {
		return []Box{b.Box}
	}
	return out
}

// sizeModel learns a person's height in pixels as a linear function of the
// foot's row (perspective), by least squares with exponential forgetting.
type sizeModel struct {
	n, sy, sh, syy, syh float64
	count               int
}

func (m *sizeModel) add(footY, h, w float64) {
	const keep = 0.995
	m.n = m.n*keep + 1
	m.sy = m.sy*keep + footY
	m.sh = m.sh*keep + h
	m.syy = m.syy*keep + footY*footY
	m.syh = m.syh*keep + footY*h
	m.count++
}

// height is the expected height of a person standing at footY, once at least
// 30 people-shaped blobs have been seen.
func (m *sizeModel) height(footY float64) (float64, bool) {
	a, b, mean, ok := m.fit()
	if !ok {
		return 0, false
	}
	h := a + b*footY
	// Never trust the extrapolation beyond half or twice the mean.
	return math.Min(math.Max(h, 0.5*mean), 2*mean), true
}

func odd(v float64) int {
	n := int(math.Round(v))
	if n < 1 {
		n = 1
	}
	if n%2 == 0 {
		n++
	}
	return n
}

// persistence is the share of the foreground pixels in box that were
// foreground in the previous frame as well.
func persistence(cur, prev []uint8, cols int, b Box) float64 {
	if cur == nil || prev == nil {
		return 1
	}
	x0, y0 := int(b.X), int(b.Y)
	x1, y1 := int(b.X+b.W), int(b.Y+b.H)
	rows := len(cur) / cols
	x1, y1 = min(x1, cols), min(y1, rows)
	now, both := 0, 0
	for y := max(y0, 0); y < y1; y++ {
		r := y * cols
		for x := max(x0, 0); x < x1; x++ {
			if cur[r+x] != 0 {
				now++
				if prev[r+x] != 0 {
					both++
				}
			}
		}
	}
	if now == 0 {
		return 0
	}
	return float64(both) / float64(now)
}

// fill is the share of the box covered by foreground pixels.
func fill(m []uint8, cols int, b Box) float64 {
	if m == nil {
		return 1
	}
	x0, y0 := max(int(b.X), 0), max(int(b.Y), 0)
	x1, y1 := min(int(b.X+b.W), cols), min(int(b.Y+b.H), len(m)/cols)
	n := 0
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			if m[y*cols+x] != 0 {
				n++
			}
		}
	}
	if a := (x1 - x0) * (y1 - y0); a > 0 {
		return float64(n) / float64(a)
	}
	return 0
}
