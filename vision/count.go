package vision

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"time"

	"gocv.io/x/gocv"
)

// Line names used in events.
const (
	LineEntrance = "entrance"
	LineOutside  = "outside"
	DirIn        = "in"
	DirOut       = "out"
)

// Config is what a recount counts. Entrance is required; the rest is
// optional. Lines, zones and boxes are in pixels of the video's own frame.
type Config struct {
	// Entrance is the directed in/out line (see Line for the direction).
	Entrance Line
	// Outside is the storefront line whose crossings, either way, are
	// passers-by; nil when the camera sees no storefront.
	Outside *Line
	// StaffZone is a staff-only area (behind the till, the stock room
	// door): a track that stands in it for StaffZoneSeconds is staff.
	StaffZone        []Pt
	StaffZoneSeconds float64
	// StaffUniform is the store's uniform colour; nil to not use colour.
	StaffUniform *UniformColour
	// StaffTracks are tracks a person marked as staff in review.
	StaffTracks []int
	// ReentryWindow: the same person entering again within it counts once
	// (default 30 min; negative turns de-duplication off).
	ReentryWindow time.Duration
	// ReentrySimilarity is the signature similarity above which two tracks
	// are the same person (default 0.95).
	ReentrySimilarity float64
	// Detector replaces the default MotionDetector (e.g. a DNNDetector).
	// The counter closes it.
	Detector Detector
	// Motion tunes the default detector.
	Motion MotionConfig
	// Tracker tunes the tracker.
	Tracker TrackerConfig
	// CoastCount is how long the predicted path of a person hidden from
	// the detector (behind another, a pillar) may still count a crossing
	// (0, the default: only seen positions count; on PETS09 it traded one
	// missed crossing for one extra).
	CoastCount time.Duration
	// MinPersonHeight is the smallest person that counts, as a share of
	// the frame height (default 0.075; the farthest annotated person in
	// PETS09 is 0.087).
	MinPersonHeight float64
	// Hysteresis is how far past a line, as a share of the person's
	// height, the foot point must be before the person counts as on the
	// other side (default 0.13): jitter and U-turns closer to the line than
	// that never count.
	Hysteresis float64
	// AnalysisFPS caps how many frames a second are analysed (every
	// frame is still decoded): 10 fps footage with AnalysisFPS 5 analyses
	// every second frame, twice as fast. 0 is the default, 5: a walking
	// person moves about a fifth of their height between two looks, well
	// inside what the tracker follows, and on PETS09 every second frame
	// counts with fewer errors than every frame (docs/counting.md).
	// Negative analyses every frame.
	AnalysisFPS float64
	// WorkWidth is the width frames are scaled down to before analysis
	// (default 384; frames already narrower are used as they are).
	WorkWidth int
	// WholeFrame makes the learnt detector look at the whole picture,
	// not only the part around the counting lines (the region learnt from
	// the people seen near them, docs/counting.md).
	WholeFrame bool
	// OnTracks, when set, hears the tracked people of every analysed
	// frame (boxes in frame pixels): what a review screen draws over the
	// footage to show why a count is what it is.
	OnTracks func(frame int, tracks []TrackBox)
}

// TrackBox is one tracked person in one frame.
type TrackBox struct {
	Track     int
	Box       Box // frame pixels
	Confirmed bool
}

// DefaultAnalysisFPS is how many frames a second a recount analyses unless
// told otherwise (Config.AnalysisFPS).
const DefaultAnalysisFPS = 5

// Event is one crossing of a counting line by a track.
type Event struct {
	// T is the time of the crossing from the start of the video.
	T time.Duration
	// Frame is the 0-based frame index of the crossing.
	Frame int
	// Line is LineEntrance or LineOutside; Dir is DirIn or DirOut.
	Line, Dir string
	// Track is the tracker's id of the person (1, 2, …).
	Track int
	// Staff marks a crossing by staff: recorded, never counted as an entry.
	Staff bool
	// Reentry marks an entrance "in" by someone who entered within the
	// re-entry window: recorded, counted once.
	Reentry bool
	// Dwell is set on an entrance "out" matched to an earlier "in" of the
	// same person: the time they spent inside (0 when unmatched).
	Dwell time.Duration

	sig  Signature
	sigN int
}

// Result is the outcome of a recount.
type Result struct {
	// In and Out are raw crossings of the entrance line.
	In, Out int
	// Entries are In after staff exclusion and re-entry de-duplication.
	Entries int
	// PassersBy are crossings of the outside line by non-staff, either way.
	PassersBy int
	// StaffExcluded counts staff crossings of the entrance line inward;
	// Reentries the inward crossings that were re-entries.
	StaffExcluded, Reentries int
	// DwellSum and DwellN: total and number of matched dwell times.
	DwellSum time.Duration
	DwellN   int
	// Frames read and the video's frame rate.
	Frames int
	FPS    float64
	// Duration is the length of the footage read (by its timestamps).
	Duration time.Duration
	// Events in time order.
	Events []Event
}

// Counter turns frames into crossings. Feed it every frame in order with
// Process, then call Finish. Use Count to run it over a Source.
type Counter struct {
	cfg            Config
	fps            float64
	size           image2
	scale          float64 // work = frame * scale
	work           gocv.Mat
	det            Detector
	tr             *Tracker
	lines          []countLine
	events         []*Event
	frame          int
	staffMarked    map[int]bool
	zoneFrames     int
	tracksByID     map[int]*Track
	sigEvery       int
	minHeight      float64       // in work pixels
	stride         int           // analyse every stride-th frame
	now            time.Duration // time of the frame being analysed
	afps           float64       // frames analysed per second
	coastFrames    float64
	settleFrames   int
	tun            tuning
	roi            image.Rectangle // the part of the work frame looked at (empty: all)
	roiS           roiState
	gate           gate
	skipped        int // looks the gate spared the detector
	closed         bool
	detectionCount int
}

type image2 struct{ W, H int }

// NewCounter prepares a counter for video of the given size and fps.
func NewCounter(cfg Config, width, height int, fps float64) (*Counter, error) {
	if cfg.Entrance.Len() < 1 {
		return nil, errors.New("no entrance line: give the line as x1,y1,x2,y2 in the video's pixels")
	}
	if width <= 0 || height <= 0 {
		return nil, fmt.Errorf("frame size %dx%d is not a picture", width, height)
	}
	check := func(name string, l Line) error {
		for _, p := range []Pt{l.A, l.B} {
			if p.X < -1 || p.Y < -1 || p.X > float64(width)+1 || p.Y > float64(height)+1 {
				return fmt.Errorf("%s line %s lies outside the %dx%d frame; draw it on this camera's picture", name, l, width, height)
			}
		}
		return nil
	}
	if err := check(LineEntrance, cfg.Entrance); err != nil {
		return nil, err
	}
	if cfg.Outside != nil {
		if err := check(LineOutside, *cfg.Outside); err != nil {
			return nil, err
		}
	}
	if fps <= 0 {
		fps = 25
	}
	if cfg.WorkWidth <= 0 {
		cfg.WorkWidth = 384
	}
	if cfg.MinPersonHeight <= 0 {
		cfg.MinPersonHeight = 0.075
	}
	if cfg.ReentryWindow == 0 {
		cfg.ReentryWindow = 30 * time.Minute
	}
	if cfg.ReentrySimilarity <= 0 {
		cfg.ReentrySimilarity = 0.95
	}
	if cfg.StaffZoneSeconds <= 0 {
		cfg.StaffZoneSeconds = 1
	}
	if cfg.StaffUniform != nil && cfg.StaffUniform.MinShare <= 0 {
		cfg.StaffUniform.MinShare = 0.35
	}
	c := &Counter{cfg: cfg, fps: fps, size: image2{width, height}, scale: 1, work: gocv.NewMat()}
	if width > cfg.WorkWidth {
		c.scale = float64(cfg.WorkWidth) / float64(width)
	}
	c.det = cfg.Detector
	if c.det == nil {
		c.det = NewMotionDetector(cfg.Motion)
	}
	c.stride = 1
	if cfg.AnalysisFPS == 0 {
		cfg.AnalysisFPS = DefaultAnalysisFPS
	}
	if cfg.AnalysisFPS > 0 && fps > cfg.AnalysisFPS {
		c.stride = max(1, int(math.Floor(fps/cfg.AnalysisFPS+0.01)))
	}
	afps := fps / float64(c.stride) // frames analysed per second
	c.tun = tuningOf(c.det)
	if cfg.Hysteresis > 0 {
		c.tun.hysteresis = cfg.Hysteresis
	}
	c.tr = NewTracker(cfg.Tracker, afps)
	c.tr.tun = c.tun
	c.tr.frameW = math.Round(float64(width) * c.scale)
	if p, ok := c.det.(Perspective); ok {
		c.tr.persp = p
	}
	c.lines = append(c.lines, countLine{LineEntrance, cfg.Entrance.Scale(c.scale, c.scale)})
	if cfg.Outside != nil {
		c.lines = append(c.lines, countLine{LineOutside, cfg.Outside.Scale(c.scale, c.scale)})
	}
	c.staffMarked = map[int]bool{}
	for _, id := range cfg.StaffTracks {
		c.staffMarked[id] = true
	}
	c.zoneFrames = max(1, int(math.Round(cfg.StaffZoneSeconds*afps)))
	c.sigEvery = max(1, int(math.Round(afps/5))) // 5 looks a second
	c.coastFrames = max(0, cfg.CoastCount.Seconds()*afps)
	c.afps = afps
	c.settleFrames = max(1, int(math.Round(c.tun.settle*afps)))
	c.minHeight = cfg.MinPersonHeight * float64(height) * c.scale
	c.initROI()
	return c, nil
}

// Close releases the detector and buffers.
func (c *Counter) Close() error {
	if c.closed {
		return nil
	}
	c.closed = true
	c.work.Close()
	c.gate.close()
	return c.det.Close()
}

// Process analyses the next frame (BGR, the video's full size), timed at
// its index over the frame rate.
func (c *Counter) Process(frame gocv.Mat) error {
	return c.ProcessAt(frame, time.Duration(float64(c.frame)/c.fps*float64(time.Second)))
}

// ProcessAt analyses the next frame shown at time at from the start of the
// video: recordings with a variable frame rate (cameras that skip unchanged
// frames) keep their real timeline in the events.
func (c *Counter) ProcessAt(frame gocv.Mat, at time.Duration) error {
	c.now = at
	if frame.Cols() != c.size.W || frame.Rows() != c.size.H {
		return fmt.Errorf("frame %d is %dx%d, the video started at %dx%d", c.frame, frame.Cols(), frame.Rows(), c.size.W, c.size.H)
	}
	if c.frame%c.stride != 0 {
		c.frame++ // decoded, not analysed
		return nil
	}
	work := frame
	if c.scale != 1 {
		c.toWork(frame, &c.work)
		work = c.work
	}
	dets, err := c.detect(work)
	if err != nil {
		return fmt.Errorf("frame %d: %w", c.frame, err)
	}
	c.detectionCount += len(dets)
	c.tr.Update(dets)
	var bgr, mask []uint8
	if c.frame%c.sigEvery == 0 {
		bgr, _ = work.DataPtrUint8()
		if fg, ok := c.det.(Foregrounder); ok {
			m := fg.Foreground()
			if m.Rows() == work.Rows() && m.Cols() == work.Cols() {
				mask, _ = m.DataPtrUint8()
			}
		}
	}
	tracks := c.tr.Tracks()
	if c.tun.gate && !c.cfg.WholeFrame {
		if _, ok := c.det.(regionDetector); ok {
			c.learnROI(tracks)
		}
	}
	if c.cfg.OnTracks != nil {
		boxes := make([]TrackBox, 0, len(tracks))
		for _, t := range tracks {
			if t.matched {
				b := t.Box()
				boxes = append(boxes, TrackBox{Track: t.ID, Box: Box{b.X / c.scale, b.Y / c.scale, b.W / c.scale, b.H / c.scale}, Confirmed: t.confirmed})
			}
		}
		c.cfg.OnTracks(c.frame, boxes)
	}
	for _, t := range tracks {
		c.remember(t, t.Box().Foot(), t.matched)
		if !t.matched {
			// A person hidden for a moment keeps walking: the prediction
			// of a confirmed track is trusted for CoastCount.
			if t.confirmed && t.misses > 0 && float64(t.misses) <= c.coastFrames {
				c.look(t, t.Box())
			}
			continue
		}
		b := t.Box()
		if c.tun.rawFoot && t.grouped == 0 {
			b = t.lastBox
		}
		if t.confirmed && bgr != nil && !c.overlapsOther(t, tracks) {
			share := measure(&t.sig, bgr, mask, work.Cols(), work.Rows(), t.lastBox, c.cfg.StaffUniform)
			t.sigN++
			if share >= 0 {
				t.uniform += share
				t.uniformN++
			}
		}
		if len(c.cfg.StaffZone) >= 3 && Inside(c.cfg.StaffZone, c.toFrame(b.Foot())) {
			t.zoneHits++
		}
		c.look(t, b)
	}
	for _, t := range c.tr.Ended() {
		c.flush(t)
	}
	c.frame++
	return nil
}

// Progress is called by Count after each frame with the frames done and
// the total (-1 for a live stream).
type Progress func(done, total int)

// Count runs a recount of src with cfg until the end of the file (or, for a
// live stream, until ctx ends; then it returns what it counted with
// ctx.Err()).
func Count(ctx context.Context, src *Source, cfg Config, progress Progress) (*Result, error) {
	size := src.Size()
	c, err := NewCounter(cfg, size.X, size.Y, src.FPS())
	if err != nil {
		return nil, err
	}
	defer c.Close()
	if err := c.PrimeFrom(ctx, src); err != nil {
		return nil, err
	}
	if err := c.run(ctx, src, progress); err != nil {
		if ctx.Err() != nil && c.frame > 0 {
			return c.Finish(), err
		}
		return nil, err
	}
	if c.frame == 0 {
		return nil, fmt.Errorf("video %s: %w: no frame could be read", src.display(), ErrSourceUnsupported)
	}
	return c.Finish(), nil
}

// run feeds every frame of src to the counter.
func (c *Counter) run(ctx context.Context, src *Source, progress ...Progress) error {
	frame := gocv.NewMat()
	defer frame.Close()
	report := func() {
		for _, p := range progress {
			if p != nil {
				p(c.frame, src.FrameCount())
			}
		}
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		if c.frame%c.stride != 0 && src.Skip() {
			c.frame++ // decoded, not analysed
			report()
			continue
		}
		err := src.Read(ctx, &frame)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if err := c.ProcessAt(frame, src.Pos()); err != nil {
			return fmt.Errorf("video %s: %w", src.display(), err)
		}
		report()
	}
}

// Primer is implemented by detectors with a background model that can be
// seeded with a picture of the empty scene.
type Primer interface {
	PrimeBackground(bg gocv.Mat)
}

// PrimeFrom seeds the detector's background model with the per-pixel median
// of frames spread over the first 20 s of a file, read through a second
// decoder. Without it, people standing in the first frame are learnt as
// background and leave "ghosts" that count as crossings when they walk
// away. Live streams and detectors without a background are left alone.
func (c *Counter) PrimeFrom(ctx context.Context, src *Source) error {
	p, ok := c.det.(Primer)
	if !ok || src.Live() {
		return nil
	}
	s2, err := OpenSource(src.URI())
	if err != nil {
		return nil // the main decoder reports problems
	}
	defer s2.Close()
	total := src.FrameCount()
	span := int(20 * c.fps)
	if total > 0 {
		span = min(span, total)
	}
	const samples = 31
	step := max(1, span/samples)
	frame, work := gocv.NewMat(), gocv.NewMat()
	defer frame.Close()
	defer work.Close()
	var stack [][]uint8
	var rows, cols int
	for i := 0; i < span && len(stack) < samples; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		if s2.Read(ctx, &frame) != nil {
			break
		}
		if i%step != 0 {
			continue
		}
		c.toWork(frame, &work)
		rows, cols = work.Rows(), work.Cols()
		stack = append(stack, work.ToBytes())
	}
	if len(stack) < 5 {
		return nil
	}
	med := make([]uint8, len(stack[0]))
	col := make([]uint8, len(stack))
	for i := range med {
		for k, f := range stack {
			col[k] = f[i]
		}
		for a := 1; a < len(col); a++ { // insertion sort: 31 values
			v, b := col[a], a-1
			for ; b >= 0 && col[b] > v; b-- {
				col[b+1] = col[b]
			}
			col[b+1] = v
		}
		med[i] = col[len(col)/2]
	}
	bg, err := gocv.NewMatFromBytes(rows, cols, gocv.MatTypeCV8UC3, med)
	if err != nil {
		return nil
	}
	defer bg.Close()
	p.PrimeBackground(bg)
	return nil
}

// toWork scales a full frame to the analysis size.
func (c *Counter) toWork(frame gocv.Mat, dst *gocv.Mat) {
	if c.scale == 1 {
		frame.CopyTo(dst)
		return
	}
	gocv.Resize(frame, dst, image.Pt(int(math.Round(float64(c.size.W)*c.scale)), int(math.Round(float64(c.size.H)*c.scale))), 0, 0, workInterpolation(c.scale))
}
