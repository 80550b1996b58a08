// Package health checks that a camera still sees what it should. From the
// footage alone it finds a blocked lens (a banner hung in front of the
// camera), a moved camera, a defocused or blurred picture, and no signal
// (black, frozen or unreadable frames, a stream that stops), so that counts
// from a tampered camera are flagged before anyone trusts them.
//
// Each camera is judged against its own Reference, learnt from a stretch of
// normal footage. A condition must hold for Config.Sustain seconds of
// footage before it becomes an Alert, and must be clearly gone for
// Config.ClearAfter before the alert ends, so people walking past, lighting
// that changes through the day and sensor noise do not raise alerts.
//
// The package works on gocv frames and knows nothing of the local store.
package health

import (
	"errors"
	"fmt"
	"image"
	"math"
	"time"

	"gocv.io/x/gocv"

	"storelens/app/vocab"
)

// Kind is what is wrong with a camera; the values match the local store's
// camera_alerts.kind and the JSON of `storelens health`.
type Kind string

// The kinds of camera alert.
const (
	Occlusion Kind = vocab.AlertOcclusion // part of the view is blocked
	Moved     Kind = vocab.AlertMoved     // the view is shifted or rotated
	Defocus   Kind = vocab.AlertDefocus   // the picture is blurred
	NoSignal  Kind = vocab.AlertNoSignal  // black, frozen or unreadable frames, or the stream stopped
)

// Kinds lists every kind in a fixed order.
var Kinds = []Kind{Occlusion, Moved, Defocus, NoSignal}

// Alert is one stretch of footage during which a camera could not be
// trusted. Times are seconds from the start of the footage.
type Alert struct {
	Kind Kind
	// Start is when the condition began (the first bad frame of the
	// sustained stretch).
	Start float64
	// Raised is when the condition had lasted Config.Sustain and the alert
	// was raised; Raised − (time of the tampering) is the detection delay.
	Raised float64
	// End is when the picture became normal again; nil while the alert is
	// still open at the end of the footage.
	End *float64
	// Measure is the headline figure of the alert: share of the view
	// blocked (occlusion), shift in pixels (moved), sharpness against the
	// camera's own baseline (defocus), seconds without signal (no_signal).
	Measure float64
	// Detail holds the figures behind the alert for the JSON output and
	// the local store (shift and rotation, blocked region, reason…).
	Detail map[string]any
}

// Config tunes the checks. The zero value of every field means its default.
type Config struct {
	// ReferenceSpan is how much footage from the start is learnt as the
	// reference when no stored reference is given. Default 10 s.
	ReferenceSpan time.Duration
	// SampleEvery is the footage time between analysed frames; frames in
	// between are decoded but not analysed. Default 1 s.
	SampleEvery time.Duration
	// MoveEvery is the footage time between view-alignment estimates (the
	// costliest check). Default 3 s.
	MoveEvery time.Duration
	// Sustain is how long a condition must hold before it is an alert.
	// Default 15 s; the chain's rule is at most 30 s.
	Sustain time.Duration
	// ClearAfter is how long the picture must be clearly normal before an
	// alert ends. Default 10 s.
	ClearAfter time.Duration
	// WorkWidth is about the width frames are scaled to before analysis
	// (a whole-number reduction of the frame's width). Default 320.
	WorkWidth int
	// Cols and Rows are the grid for occlusion and focus. Default 8×6.
	Cols, Rows int
	// OcclusionShare is the share of the judgeable view that must be
	// blocked to raise an occlusion alert. Default 0.15 (a banner over a
	// third of the frame is about twice that).
	OcclusionShare float64
	// MoveShift and MoveRotation are the shift (pixels of the original
	// frame) and rotation (degrees) from which the view counts as moved.
	// Defaults 8 px and 1°.
	MoveShift, MoveRotation float64
	// SharpnessFloor is the focus measure, relative to the camera's own
	// baseline, below which the picture counts as defocused. Default 0.55.
	SharpnessFloor float64
	// OnSample, when set, receives the figures of every analysed frame
	// (for a health strip in the UI, or for tuning).
	OnSample func(Sample)
}

// Sample is the figures of one analysed frame.
type Sample struct {
	T            float64 // seconds of footage
	BlockedShare float64 // share of the judgeable view blocked
	Sharpness    float64 // focus against the baseline, 1 = as usual
	ShiftPx      float64 // estimated shift of the view, original pixels (NaN when not estimated)
	RotationDeg  float64 // estimated rotation, degrees counter-clockwise (NaN when not estimated)
	Inliers      int     // features agreeing on the shift
	Black        bool    // frame black or flat
	Frozen       bool    // frame identical to the previous analysed one
	Unreadable   bool    // frame could not be decoded
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.ReferenceSpan, 10*time.Second)
	def(&c.SampleEvery, time.Second)
	def(&c.MoveEvery, 3*time.Second)
	def(&c.Sustain, 15*time.Second)
	def(&c.ClearAfter, 10*time.Second)
	if c.WorkWidth <= 0 {
		c.WorkWidth = 320
	}
	if c.Cols <= 0 || c.Rows <= 0 {
		c.Cols, c.Rows = 8, 6
	}
	if c.OcclusionShare <= 0 {
		c.OcclusionShare = 0.15
	}
	if c.MoveShift <= 0 {
		c.MoveShift = 8
	}
	if c.MoveRotation <= 0 {
		c.MoveRotation = 1
	}
	if c.SharpnessFloor <= 0 {
		c.SharpnessFloor = 0.55
	}
	return c
}

// Thresholds that are properties of the measures rather than of the shop.
const (
	minCellTexture  = 1.5  // mean gradient below which a cell is too flat to judge by texture
	minCellContrast = 8.0  // grey-level std below which a cell is too flat to judge by structure
	textureLost     = 0.30 // cell texture, relative to the view's own, that reads as blocked
	structureLost   = 0.20 // cell correlation with the reference below which it reads as replaced
	blockedHistory  = 5    // samples a cell's verdict is remembered
	blockedVotes    = 4    // of which must be "blocked" for the cell to count
	blackMean       = 18.0 // frame mean below which, with low contrast, the frame is black
	blackStd        = 6.0
	flatStd         = 2.5 // frame contrast below which the frame is a flat test card
	frozenChanged   = 0.0005
	minInliers      = 15
	maxGap          = 3.0 // seconds a sustained stretch may pause without restarting (at least 1.5 sampling intervals)
	badShare        = 0.7 // share of samples of a stretch that must be bad
)

// Learner builds a Reference from frames of normal footage.
type Learner struct {
	cfg         Config
	gray, small gocv.Mat
	views       []*view
	sourceWidth int
}

// NewLearner starts learning a reference with cfg's working size and grid.
// Close it when done.
func NewLearner(cfg Config) *Learner {
	return &Learner{cfg: cfg.withDefaults(), gray: gocv.NewMat(), small: gocv.NewMat()}
}

// Add learns from one frame (BGR or grey).
func (l *Learner) Add(frame gocv.Mat) error {
	if err := shrink(frame, workWidth(frame.Cols(), l.cfg.WorkWidth), &l.gray, &l.small); err != nil {
		return err
	}
	v, err := measure(l.small, l.cfg.Cols, l.cfg.Rows)
	if err != nil {
		return err
	}
	if len(l.views) > 0 && (v.w != l.views[0].w || v.h != l.views[0].h) {
		return fmt.Errorf("frame size changed from %dx%d to %dx%d while learning", l.views[0].w, l.views[0].h, v.w, v.h)
	}
	l.views = append(l.views, v)
	l.sourceWidth = frame.Cols()
	return nil
}

// Reference returns the learnt reference, or ErrBlankReference when the
// frames showed nothing usable.
func (l *Learner) Reference() (*Reference, error) {
	// Black or flat frames (a camera still starting) are not the view.
	var good []*view
	for _, v := range l.views {
		if !(v.mean < blackMean && v.std < blackStd) && v.std >= flatStd {
			good = append(good, v)
		}
	}
	if len(good) < max(1, len(l.views)/2) {
		return nil, fmt.Errorf("%w: %d of %d frames are black or flat", ErrBlankReference, len(l.views)-len(good), len(l.views))
	}
	return learn(good, l.sourceWidth)
}

// Close releases the learner's buffers.
func (l *Learner) Close() error {
	return errors.Join(l.gray.Close(), l.small.Close())
}

// Checker follows one camera's footage frame by frame and turns sustained
// conditions into alerts. It is not safe for concurrent use; Close it when
// done.
type Checker struct {
	cfg         Config
	ref         *Reference
	scale       float64 // original pixels per working pixel
	usable      []int
	gray, small gocv.Mat
	refMat      gocv.Mat
	orb         gocv.ORB
	matcher     gocv.BFMatcher
	refKP       []gocv.KeyPoint
	refDesc     gocv.Mat

	prev      []uint8
	lastMove  float64
	moveState moveEstimate
	history   []uint8 // per cell, bit i: blocked i samples ago
	trackers  map[Kind]*tracker
	alerts    []Alert
	lastT     float64
}

type moveEstimate struct {
	ok              bool
	shift, dx, dy   float64 // original pixels
	rotation, scale float64
	inliers         int
}

// NewChecker prepares a checker against ref.
func NewChecker(ref *Reference, cfg Config) (*Checker, error) {
	if ref == nil {
		return nil, errors.New("no camera reference")
	}
	cfg = cfg.withDefaults()
	cfg.Cols, cfg.Rows, cfg.WorkWidth = ref.Cols, ref.Rows, ref.Width
	c := &Checker{cfg: cfg, ref: ref, gray: gocv.NewMat(), small: gocv.NewMat(),
		orb:      gocv.NewORBWithParams(250, 1.2, 3, 15, 0, 2, gocv.ORBScoreTypeHarris, 15, 12),
		matcher:  gocv.NewBFMatcherWithParams(gocv.NormHamming, false),
		history:  make([]uint8, ref.Cols*ref.Rows),
		trackers: map[Kind]*tracker{},
		lastMove: math.Inf(-1),
	}
	c.scale = 1
	if ref.SourceWidth > 0 {
		c.scale = float64(ref.SourceWidth) / float64(ref.Width)
	}
	c.usable = ref.usableCells(minCellTexture, minCellContrast)
	m, err := gocv.NewMatFromBytes(ref.Height, ref.Width, gocv.MatTypeCV8U, ref.Median)
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("camera reference picture: %w", err)
	}
	c.refMat = m
	c.refKP, c.refDesc = c.orb.DetectAndCompute(c.refMat, gocv.NewMat())
	for _, k := range Kinds {
		gap := max(maxGap, 1.5*cfg.SampleEvery.Seconds())
		if k == Moved {
			gap = max(gap, 1.5*cfg.MoveEvery.Seconds())
		}
		c.trackers[k] = &tracker{kind: k, gap: gap}
	}
	return c, nil
}

// Close releases the checker's OpenCV objects.
func (c *Checker) Close() error {
	c.gray.Close()
	c.small.Close()
	c.refMat.Close()
	c.refDesc.Close()
	c.orb.Close()
	c.matcher.Close()
	return nil
}

// Observe analyses the frame at footage time t (seconds). Frames must come
// in time order; the caller picks them every Config.SampleEvery.
func (c *Checker) Observe(t float64, frame gocv.Mat) error {
	if err := shrink(frame, c.cfg.WorkWidth, &c.gray, &c.small); err != nil {
		c.ObserveUnreadable(t)
		return nil
	}
	if c.small.Cols() != c.ref.Width || c.small.Rows() != c.ref.Height {
		return fmt.Errorf("frame at %.1f s is %dx%d, the camera reference was learnt on %dx%d pictures (learn the reference again)",
			t, frame.Cols(), frame.Rows(), c.ref.SourceWidth, int(math.Round(float64(c.ref.Height)*c.scale)))
	}
	v, err := measure(c.small, c.ref.Cols, c.ref.Rows)
	if err != nil {
		return err
	}
	s := Sample{T: t, ShiftPx: math.NaN(), RotationDeg: math.NaN(), Sharpness: math.NaN()}
	s.Black = (v.mean < blackMean && v.std < blackStd) || v.std < flatStd
	if c.prev != nil {
		s.Frozen = changedShare(c.prev, v.gray) < frozenChanged
	}
	c.prev = v.gray
	c.lastT = t

	noSignal := s.Black || s.Frozen
	c.observeNoSignal(t, noSignal, map[bool]string{true: "black", false: "frozen"}[s.Black])
	if s.Black {
		// A black frame tells nothing about the view; the other checks wait.
		c.emit(s)
		return nil
	}

	// Moved: align the frame with the reference picture now and then.
	if t-c.lastMove >= c.cfg.MoveEvery.Seconds()-1e-9 {
		c.lastMove = t
		c.moveState = c.estimateMove()
		mv := c.moveState
		if mv.ok {
			s.ShiftPx, s.RotationDeg, s.Inliers = mv.shift, mv.rotation, mv.inliers
			bad := mv.shift >= c.cfg.MoveShift || math.Abs(mv.rotation) >= c.cfg.MoveRotation
			good := mv.shift < c.cfg.MoveShift/2 && math.Abs(mv.rotation) < c.cfg.MoveRotation/2
			c.trackers[Moved].observe(t, bad, good, mv.shift, c.moveDetail(mv), c)
		} else {
			c.trackers[Moved].observe(t, false, false, 0, nil, c)
		}
	}
	moved := c.moveState.ok && (c.moveState.shift >= c.cfg.MoveShift/2 || math.Abs(c.moveState.rotation) >= c.cfg.MoveRotation/2)

	// Occlusion: cells that lost their texture, or whose picture was
	// replaced by something else, for most of the last few samples.
	ratios := make([]float64, 0, len(c.usable))
	for _, cell := range c.usable {
		if c.ref.CellGrad[cell] >= minCellTexture {
			ratios = append(ratios, v.cellGrad[cell]/c.ref.CellGrad[cell])
		}
	}
	norm := min(max(quantile(ratios, 0.75), 0.05), 20)
	blocked := 0
	var region image.Rectangle
	for _, cell := range c.usable {
		lost := c.ref.CellGrad[cell] >= minCellTexture && v.cellGrad[cell]/c.ref.CellGrad[cell]/norm < textureLost
		replaced := !moved && c.ref.CellStd[cell] >= minCellContrast &&
			cellNCC(v.gray, c.ref.Median, v.w, v.h, c.ref.Cols, c.ref.Rows, cell) < structureLost
		h := c.history[cell] << 1
		if lost || replaced {
			h |= 1
		}
		c.history[cell] = h & (1<<blockedHistory - 1)
		if popcount(c.history[cell]) >= blockedVotes {
			blocked++
			region = region.Union(cellRect(cell, c.ref.Cols, c.ref.Rows, v.w, v.h))
		}
	}
	if len(c.usable) > 0 {
		s.BlockedShare = float64(blocked) / float64(len(c.usable))
	}
	c.trackers[Occlusion].observe(t, s.BlockedShare >= c.cfg.OcclusionShare, s.BlockedShare < c.cfg.OcclusionShare/2,
		s.BlockedShare, map[string]any{"blocked_share": round(s.BlockedShare, 3), "region": c.origRect(region)}, c)

	// Defocus: the usual sharpness of the cells that are still visible.
	var sharp []float64
	for _, cell := range c.usable {
		if c.history[cell]&1 == 0 && c.ref.CellGrad[cell] >= minCellTexture && c.ref.CellSharp[cell] > 0 {
			sharp = append(sharp, v.cellSharp[cell]/c.ref.CellSharp[cell])
		}
	}
	if len(sharp) >= max(3, len(c.usable)/4) {
		s.Sharpness = median(sharp)
		c.trackers[Defocus].observe(t, s.Sharpness < c.cfg.SharpnessFloor, s.Sharpness > (1+c.cfg.SharpnessFloor)/2,
			s.Sharpness, map[string]any{"sharpness_ratio": round(s.Sharpness, 3)}, c)
	} else {
		c.trackers[Defocus].observe(t, false, false, 0, nil, c)
	}
	c.emit(s)
	return nil
}

// ObserveUnreadable records that the frame at t could not be decoded.
func (c *Checker) ObserveUnreadable(t float64) {
	c.lastT = t
	c.prev = nil
	c.observeNoSignal(t, true, "unreadable")
	c.emit(Sample{T: t, Unreadable: true, ShiftPx: math.NaN(), RotationDeg: math.NaN(), Sharpness: math.NaN()})
}

// StreamStopped records that the footage ended at t although more was
// expected (a stream that stops, a truncated recording). The no-signal
// alert it opens stays open.
func (c *Checker) StreamStopped(t float64, expected float64) {
	k := c.trackers[NoSignal]
	if k.active {
		return
	}
	c.alerts = append(c.alerts, Alert{Kind: NoSignal, Start: t, Raised: t, Measure: expected - t,
		Detail: map[string]any{"reason": "stream_stopped", "missing_s": round(expected-t, 1)}})
	k.active = true
	k.index = len(c.alerts) - 1
}

func (c *Checker) observeNoSignal(t float64, bad bool, reason string) {
	var detail map[string]any
	if bad {
		detail = map[string]any{"reason": reason}
	}
	k := c.trackers[NoSignal]
	measure := 0.0
	if k.inRun {
		measure = t - k.runStart
	}
	k.observe(t, bad, !bad, measure, detail, c)
}

// Alerts returns the alerts found so far, in the order they were raised;
// the open ones have End == nil.
func (c *Checker) Alerts() []Alert {
	out := make([]Alert, len(c.alerts))
	copy(out, c.alerts)
	return out
}

func (c *Checker) emit(s Sample) {
	if c.cfg.OnSample != nil {
		c.cfg.OnSample(s)
	}
}

func (c *Checker) origRect(r image.Rectangle) []int {
	if r.Empty() {
		return nil
	}
	return []int{int(float64(r.Min.X) * c.scale), int(float64(r.Min.Y) * c.scale), int(float64(r.Dx()) * c.scale), int(float64(r.Dy()) * c.scale)}
}

func (c *Checker) moveDetail(m moveEstimate) map[string]any {
	return map[string]any{"shift_px": round(m.shift, 1), "dx_px": round(m.dx, 1), "dy_px": round(m.dy, 1),
		"rotation_deg": round(m.rotation, 2), "inliers": m.inliers}
}

// estimateMove matches features of the current picture to the reference
// picture and fits a rotation+shift; people walking are outliers to the fit.
func (c *Checker) estimateMove() moveEstimate {
	if len(c.refKP) < minInliers {
		return moveEstimate{}
	}
	kp, desc := c.orb.DetectAndCompute(c.small, gocv.NewMat())
	defer desc.Close()
	if len(kp) < minInliers || desc.Empty() {
		return moveEstimate{}
	}
	matches := c.matcher.KnnMatch(desc, c.refDesc, 2)
	var from, to []gocv.Point2f
	for _, m := range matches {
		if len(m) < 2 || m[0].Distance > 0.8*m[1].Distance {
			continue
		}
		r := c.refKP[m[0].TrainIdx]
		q := kp[m[0].QueryIdx]
		from = append(from, gocv.Point2f{X: float32(r.X), Y: float32(r.Y)})
		to = append(to, gocv.Point2f{X: float32(q.X), Y: float32(q.Y)})
	}
	if len(from) < minInliers {
		return moveEstimate{}
	}
	fv := gocv.NewPoint2fVectorFromPoints(from)
	defer fv.Close()
	tv := gocv.NewPoint2fVectorFromPoints(to)
	defer tv.Close()
	inl := gocv.NewMat()
	defer inl.Close()
	const ransac = 8
	m := gocv.EstimateAffine2DWithParams(fv, tv, inl, ransac, 2.0, 2000, 0.99, 10)
	defer m.Close()
	if m.Empty() || m.Rows() != 2 || m.Cols() != 3 {
		return moveEstimate{}
	}
	n := gocv.CountNonZero(inl)
	if n < minInliers {
		return moveEstimate{}
	}
	a, b, tx := m.GetDoubleAt(0, 0), m.GetDoubleAt(0, 1), m.GetDoubleAt(0, 2)
	cc, d, ty := m.GetDoubleAt(1, 0), m.GetDoubleAt(1, 1), m.GetDoubleAt(1, 2)
	cx, cy := float64(c.ref.Width)/2, float64(c.ref.Height)/2
	dx := (a*cx + b*cy + tx - cx) * c.scale
	dy := (cc*cx + d*cy + ty - cy) * c.scale
	// Positive is counter-clockwise on screen, as OpenCV's rotation angles.
	rot := math.Atan2(b-cc, a+d) * 180 / math.Pi
	return moveEstimate{ok: true, shift: math.Hypot(dx, dy), dx: dx, dy: dy, rotation: rot,
		scale: math.Sqrt(math.Abs(a*d - b*cc)), inliers: n}
}

// tracker turns per-sample verdicts of one kind into alerts: a stretch of
// bad samples (pauses shorter than maxGap allowed) that lasts Sustain opens
// an alert, and ClearAfter of clearly good samples closes it.
type tracker struct {
	kind             Kind
	gap              float64 // longest pause in a bad stretch, seconds
	active           bool
	index            int
	inRun            bool
	runStart, lastBd float64
	nBad, nAll       int
	inGood           bool
	goodSince        float64
	lastDetail       map[string]any
	lastMeasure      float64
}

func (k *tracker) observe(t float64, bad, good bool, measure float64, detail map[string]any, c *Checker) {
	if bad {
		if !k.inRun || t-k.lastBd > k.gap {
			k.inRun, k.runStart, k.nBad, k.nAll = true, t, 0, 0
		}
		k.lastBd = t
		k.lastDetail, k.lastMeasure = detail, measure
	} else if k.inRun && t-k.lastBd > k.gap {
		k.inRun = false
	}
	if k.inRun {
		k.nAll++
		if bad {
			k.nBad++
		}
	}
	if good {
		if !k.inGood {
			k.inGood, k.goodSince = true, t
		}
	} else {
		k.inGood = false
	}
	sustain := c.cfg.Sustain.Seconds()
	switch {
	case !k.active && k.inRun && t-k.runStart >= sustain-1e-9 && float64(k.nBad) >= badShare*float64(k.nAll):
		k.active = true
		d := map[string]any{"raised_s": round(t, 2)}
		for key, val := range k.lastDetail {
			d[key] = val
		}
		c.alerts = append(c.alerts, Alert{Kind: k.kind, Start: round(k.runStart, 2), Raised: round(t, 2), Measure: k.lastMeasure, Detail: d})
		k.index = len(c.alerts) - 1
	case k.active && bad:
		a := &c.alerts[k.index]
		if k.kind == NoSignal {
			a.Measure = t - a.Start
		}
	case k.active && k.inGood && t-k.goodSince >= c.cfg.ClearAfter.Seconds()-1e-9:
		k.active = false
		end := round(k.goodSince, 2)
		c.alerts[k.index].End = &end
		if k.kind == NoSignal {
			c.alerts[k.index].Measure = end - c.alerts[k.index].Start
		}
	}
}

func popcount(b uint8) int {
	n := 0
	for ; b != 0; b &= b - 1 {
		n++
	}
	return n
}

func round(x float64, places int) float64 {
	p := math.Pow(10, float64(places))
	return math.Round(x*p) / p
}
