package vision

import (
	"context"
	"encoding/gob"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"storelens/assets"
	"strconv"
	"strings"
	"testing"
	"time"

	"gocv.io/x/gocv"
)

// replayDetector gives the counter the learnt detector's candidates
// recorded on an earlier pass over the same footage, so that settings of
// the tracker and the counting rules can be compared in seconds.
type replayDetector struct {
	d     *NanoDetDetector
	looks [][]Detection
	at    int
}

func (r *replayDetector) Detect(gocv.Mat) ([]Detection, error) {
	if r.at >= len(r.looks) {
		return nil, fmt.Errorf("look %d was not recorded", r.at)
	}
	c := append([]Detection(nil), r.looks[r.at]...)
	r.at++
	if os.Getenv("STORELENS_FLIP") == "" {
		return r.d.pick(c), nil
	}
	// Both views: the boxes of the two, merged, each kept box the mean of
	// the best box of either view on it.
	var a, b []Detection
	for _, d := range c {
		if d.PersonHeight < 0 {
			d.PersonHeight = 0
			b = append(b, d)
		} else {
			a = append(a, d)
		}
	}
	mode := os.Getenv("STORELENS_FLIP")
	if mode == "mirror" {
		return r.d.pick(b), nil
	}
	all := append(append([]Detection(nil), a...), b...)
	kept := r.d.pick(append([]Detection(nil), all...))
	for i := range kept {
		best := func(v []Detection) (Box, float64, bool) {
			var bb Box
			bs := 0.0
			for _, d := range v {
				if IoU(d.Box, kept[i].Box) > 0.6 && d.Score > bs {
					bb, bs = d.Box, d.Score
				}
			}
			return bb, bs, bs > 0
		}
		ba, sa, oka := best(a)
		bb, sb, okb := best(b)
		if oka && okb {
			w := sa / (sa + sb)
			kept[i].Box = Box{w*ba.X + (1-w)*bb.X, w*ba.Y + (1-w)*bb.Y, w*ba.W + (1-w)*bb.W, w*ba.H + (1-w)*bb.H}
		}
	}
	return kept, nil
}

func (r *replayDetector) Close() error { return nil }

type recordingDetector struct {
	flip  bool
	d     *NanoDetDetector
	looks [][]Detection
}

func (r *recordingDetector) Detect(f gocv.Mat) ([]Detection, error) {
	c, err := r.d.candidates(f, 0.1)
	if err != nil {
		return nil, err
	}
	if r.flip {
		m := gocv.NewMat()
		gocv.Flip(f, &m, 1)
		fc, err := r.d.candidates(m, 0.1)
		m.Close()
		if err != nil {
			return nil, err
		}
		for _, d := range fc {
			d.Box.X = float64(f.Cols()) - d.Box.X - d.Box.W
			d.PersonHeight = -1 // marks the mirrored view
			c = append(c, d)
		}
	}
	r.looks = append(r.looks, append([]Detection(nil), c...))
	return r.d.pick(c), nil
}

func (r *recordingDetector) Close() error { return nil }

// TestSweep prints the accuracy over many seeds' random lines at once
// (STORELENS_SWEEP=dnn or gt; STORELENS_SEEDS=1-10).
func TestSweep(t *testing.T) {
	mode := os.Getenv("STORELENS_SWEEP")
	if mode == "" {
		t.Skip("set STORELENS_SWEEP=dnn|gt")
	}
	gt := groundTruth(t)
	lo, hi := 1, 10
	if v := os.Getenv("STORELENS_SEEDS"); v != "" {
		a, b, _ := strings.Cut(v, "-")
		lo, _ = strconv.Atoi(a)
		hi = lo
		if b != "" {
			hi, _ = strconv.Atoi(b)
		}
	}
	var lines []NamedLine
	for s := lo; s <= hi; s++ {
		for _, l := range RandomLines(int64(s), 40) {
			lines = append(lines, NamedLine{fmt.Sprintf("s%d%s", s, l.Name), l.Line})
		}
	}
	if v := os.Getenv("STORELENS_T"); v != "" {
		tuningHook = func(tu *tuning) {
			for _, kv := range strings.Split(v, ",") {
				k, val, _ := strings.Cut(kv, "=")
				f, _ := strconv.ParseFloat(val, 64)
				switch k {
				case "hyst":
					tu.hysteresis = f
				case "settle":
					tu.settle = f
				case "walk":
					tu.walkDist = f
				case "meas":
					tu.measNoise = f
				case "accel":
					tu.accelNoise = f
				case "groups":
					tu.groups = f != 0
				case "side":
					tu.sideMargin = f
				case "dup":
					tu.dupIoU = f
				case "inside":
					tu.dupInside = f
				case "smooth":
					tu.smooth = int(f)
				case "raw":
					tu.rawFoot = f != 0
				default:
					t.Fatalf("unknown knob %s", k)
				}
			}
		}
		defer func() { tuningHook = nil }()
	}
	cfg := evalConfig()
	video := footage(t, "vtest.avi")
	switch mode {
	case "motion":
	case "gt":
		by := gt.BoxesByFrame()
		if v := os.Getenv("STORELENS_GTNOISE"); v != "" {
			// white noise on each annotated box, as shares of its height:
			// foot x, foot y, and the recall of the boxes kept.
			var sx, sy, keep float64
			fmt.Sscanf(v, "%f,%f,%f", &sx, &sy, &keep)
			r := rand.New(rand.NewSource(7))
			noisy := map[int][]Box{}
			for f, bs := range by {
				for _, b := range bs {
					if keep > 0 && r.Float64() > keep {
						continue
					}
					b.X += r.NormFloat64() * sx * b.H
					b.Y += r.NormFloat64() * sy * b.H
					noisy[f] = append(noisy[f], b)
				}
			}
			by = noisy
		}
		cfg.Detector = &annotatedDetector{byFrame: by, stride: 2, scale: 0.5}
	case "dnn":
		d := builtInNanoDet(t)
		cacheTag := ""
		if m := os.Getenv("STORELENS_MODEL"); m != "" {
			size := 416
			fmt.Sscan(os.Getenv("STORELENS_MODEL_SIZE"), &size)
			var err error
			if d, err = NewNanoDetDetector(NanoDetConfig{Model: m, Size: size}); err != nil {
				t.Fatal(err)
			}
			cacheTag = fmt.Sprintf("-%d", size)
		}
		if v := os.Getenv("STORELENS_INPUT"); v != "" {
			var w, h int
			fmt.Sscanf(v, "%dx%d", &w, &h)
			model, _ := assets.PersonModel()
			var err error
			if d, err = NewNanoDetDetector(NanoDetConfig{ModelData: model, Size: w, Height: h}); err != nil {
				t.Fatal(err)
			}
			cacheTag = "-" + v
		}
		dc := d.cfg
		if v := os.Getenv("STORELENS_MINSCORE"); v != "" {
			fmt.Sscan(v, &dc.MinScore)
		}
		if v := os.Getenv("STORELENS_NMS"); v != "" {
			fmt.Sscan(v, &dc.NMS)
		}
		d.cfg = dc
		if v := os.Getenv("STORELENS_WEAK"); v != "" {
			fmt.Sscan(v, &d.weakScore)
		}
		if os.Getenv("STORELENS_FLIP") != "" {
			cacheTag += "-flip"
		}
		cache := looksCache(cacheTag)
		if cfg.AnalysisFPS != 0 {
			cache = looksCache(fmt.Sprintf("-%g%s", cfg.AnalysisFPS, cacheTag))
		}
		var looks [][]Detection
		if f, err := os.Open(cache); err == nil {
			if err := gob.NewDecoder(f).Decode(&looks); err != nil {
				t.Fatal(err)
			}
			f.Close()
			cfg.Detector = &replayDetector{d: d, looks: looks}
		} else {
			rec := &recordingDetector{d: d, flip: os.Getenv("STORELENS_FLIP") != ""}
			cfg.Detector = rec
			defer func() {
				f, err := os.Create(cache)
				if err != nil {
					t.Fatal(err)
				}
				gob.NewEncoder(f).Encode(rec.looks)
				f.Close()
			}()
		}
	}
	seen := map[int][]TrackBox{}
	if os.Getenv("STORELENS_WHY") != "" {
		cfg.OnTracks = func(f int, tbs []TrackBox) {
			seen[f] = append([]TrackBox(nil), tbs...)
		}
	}
	ev, err := Evaluate(context.Background(), video, gt, lines, cfg, EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	errs, errChosen := 0, 0
	for s := lo; s <= hi; s++ {
		sub := &Evaluation{}
		for _, l := range ev.Lines {
			if strings.HasPrefix(l.Name, fmt.Sprintf("s%dR", s)) {
				sub.Lines = append(sub.Lines, l)
			}
		}
		in, out := sub.Total()
		n, ok, worst := sub.Reached(0.98, 20)
		fmt.Printf("seed %2d: in %3d/%3d %5.1f%% (m%d x%d)  out %3d/%3d %5.1f%% (m%d x%d)  dirs≥20 at 98%%: %d/%d worst %.1f%%\n", s,
			in.True, in.Counted, 100*in.Gross, in.Missed, in.Extra, out.True, out.Counted, 100*out.Gross, out.Missed, out.Extra, ok, n, 100*worst)
		e := in.Missed + in.Extra + out.Missed + out.Extra
		errs += e
		if s <= 3 {
			errChosen += e
		}
	}
	in, out := ev.Total()
	n, ok, worst := ev.Reached(0.98, 20)
	fmt.Printf("all: in %.2f%% out %.2f%%, errors %d (1-3: %d, 4+: %d), dirs≥20 at 98%%: %d/%d worst %.1f%%; MOTA %.1f IDF1 %.1f sw %d\n",
		100*in.Gross, 100*out.Gross, errs, errChosen, errs-errChosen, ok, n, 100*worst, 100*ev.Tracking.MOTA, 100*ev.Tracking.IDF1, ev.Tracking.Switches)
	if os.Getenv("STORELENS_WHY") != "" {
		explain(gt, ev, seen, os.Getenv("STORELENS_WHY") == "2")
	}
	if os.Getenv("STORELENS_MISS") != "" {
		for _, l := range ev.Lines {
			missed, extra := unmatched(l)
			for _, tr := range missed {
				fmt.Printf("MISS %s %s %s frame %d person %d\n", l.Name, l.Line, tr.Dir, tr.Frame, tr.Track)
			}
			for _, c := range extra {
				fmt.Printf("XTRA %s %s %s frame %d track %d\n", l.Name, l.Line, c.Dir, c.Frame, c.Track)
			}
		}
	}
	if os.Getenv("STORELENS_SHOW") != "" {
		ev.WriteTable(os.Stdout, "all")
	}
}

// TestFootBias prints how the learnt detector's boxes differ from the
// annotated ones (recorded looks).
func TestFootBias(t *testing.T) {
	f, err := os.Open(looksCache(""))
	if err != nil || os.Getenv("STORELENS_BIAS") == "" {
		t.Skip("no recorded looks")
	}
	var looks [][]Detection
	if err := gob.NewDecoder(f).Decode(&looks); err != nil {
		t.Fatal(err)
	}
	d := builtInNanoDet(t)
	gt := groundTruth(t)
	by := gt.BoxesByFrame()
	var dx, dy, dh, top []float64
	for i, l := range looks {
		for _, dt := range d.pick(append([]Detection(nil), l...)) {
			if dt.Score < 0.5 {
				continue
			}
			b := Box{dt.Box.X * 2, dt.Box.Y * 2, dt.Box.W * 2, dt.Box.H * 2}
			best, bi := Box{}, 0.5
			for _, g := range by[2*i] {
				if IoU(g, b) > bi {
					best, bi = g, IoU(g, b)
				}
			}
			if bi <= 0.5 {
				continue
			}
			dx = append(dx, (b.Foot().X-best.Foot().X)/best.H)
			dy = append(dy, (b.Foot().Y-best.Foot().Y)/best.H)
			dh = append(dh, b.H/best.H)
			top = append(top, (b.Y-best.Y)/best.H)
		}
	}
	for _, s := range []struct {
		n string
		v []float64
	}{{"foot x", dx}, {"foot y", dy}, {"height ratio", dh}, {"top y", top}} {
		sort.Float64s(s.v)
		q := func(p float64) float64 { return s.v[int(p*float64(len(s.v)-1))] }
		var m float64
		for _, x := range s.v {
			m += x
		}
		fmt.Printf("%-12s n %d mean %.3f  p10 %.3f p25 %.3f p50 %.3f p75 %.3f p90 %.3f\n", s.n, len(s.v), m/float64(len(s.v)), q(0.1), q(0.25), q(0.5), q(0.75), q(0.9))
	}
}

func (r *replayDetector) tuning() tuning    { return noGate(r.d.tuning()) }
func (r *recordingDetector) tuning() tuning { return noGate(r.d.tuning()) }

// noGate: the recorded looks are replayed in order, so every look must
// reach them.
func noGate(t tuning) tuning {
	t.gate = false
	return t
}

// unmatched are a line's true crossings no counted one matched and the
// counted ones that matched none, as Score pairs them.
func unmatched(l LineScore) (missed, extra []Event) {
	used := make([]bool, len(l.Counted))
	for _, tr := range l.Truth {
		found := false
		for j, c := range l.Counted {
			if !used[j] && c.Dir == tr.Dir && (c.T-tr.T).Abs() <= time.Second {
				used[j], found = true, true
				break
			}
		}
		if !found {
			missed = append(missed, tr)
		}
	}
	for j, c := range l.Counted {
		if !used[j] {
			extra = append(extra, c)
		}
	}
	return missed, extra
}

// explain sorts every missed and extra crossing by its likely cause, from
// the confirmed tracks seen in each analysed frame, and prints the tally
// (and, with detail, each one).
func explain(gt *GroundTruth, ev *Evaluation, seen map[int][]TrackBox, detail bool) {
	truthBox := map[[2]int]Box{}
	for id, pts := range gt.People {
		for _, p := range pts {
			truthBox[[2]int{id, p.Frame}] = p.Box
		}
	}
	// trackOf is the confirmed track on person id in frame f (0: none, -1:
	// the person is not annotated then).
	trackOf := func(id, f int) int {
		b, ok := truthBox[[2]int{id, f}]
		if !ok {
			return -1
		}
		best, bi := 0, 0.3
		for _, tb := range seen[f] {
			if tb.Confirmed && IoU(tb.Box, b) > bi {
				best, bi = tb.Track, IoU(tb.Box, b)
			}
		}
		return best
	}
	// reach is how far past line l, in heights, the track's and the
	// person's foot went on either side within 1.4 s of frame f0, and
	// whether the track's foot was at the side of the picture.
	type reach struct {
		lo, hi, glo, ghi float64
		atEdge           bool
	}
	around := func(l Line, f0, track, person int) reach {
		r := reach{math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1), false}
		for f := f0 - 14; f <= f0+14; f += 2 {
			for _, tb := range seen[f] {
				if tb.Track == track {
					d := l.SignedDist(tb.Box.Foot()) / tb.Box.H
					r.lo, r.hi = math.Min(r.lo, d), math.Max(r.hi, d)
					if x := tb.Box.Foot().X; x < 0.1*tb.Box.W || x > 768-0.1*tb.Box.W {
						r.atEdge = true
					}
				}
			}
			if b, ok := truthBox[[2]int{person, f}]; ok {
				d := l.SignedDist(b.Foot()) / b.H
				r.glo, r.ghi = math.Min(r.glo, d), math.Max(r.ghi, d)
			}
		}
		return r
	}
	why := map[string]int{}
	for _, l := range ev.Lines {
		missed, extra := unmatched(l)
		for _, tr := range missed {
			f0 := tr.Frame - tr.Frame%2
			before, after := 0, 0
			for k := 2; k <= 6 && before <= 0; k += 2 {
				before = trackOf(tr.Track, f0-k)
			}
			for k := 2; k <= 6 && after <= 0; k += 2 {
				after = trackOf(tr.Track, f0+k)
			}
			var c string
			switch {
			case before == -1 || after == -1:
				c = "annotation starts or ends"
			case before <= 0 && after <= 0:
				c = "not tracked"
			case before <= 0:
				c = "tracked only after"
			case after <= 0:
				c = "tracked only before"
			case before != after:
				c = "two tracks"
			default:
				r := around(l.Line, f0, before, tr.Track)
				along := 0.5
				if b, ok := truthBox[[2]int{tr.Track, tr.Frame}]; ok {
					along = l.Line.Along(b.Foot())
				}
				switch {
				case along < 0.06 || along > 0.94:
					c = "one track, not counted (at an end of the line)"
				case f0 < 20 || f0 > 775:
					c = "one track, not counted (first or last 2 s)"
				case r.atEdge:
					c = "one track, not counted (at the side)"
				case r.lo > -0.13 || r.hi < 0.13:
					c = "one track, not counted (shallow)"
				default:
					c = "one track, not counted (deep)"
				}
				if detail {
					fmt.Printf("ONE %s %s f%d p%d t%d track %.2f..%.2f truth %.2f..%.2f %s\n", l.Name, tr.Dir, tr.Frame, tr.Track, before, r.lo, r.hi, r.glo, r.ghi, c)
				}
			}
			why["miss: "+c]++
		}
		for _, c := range extra {
			f0 := c.Frame - c.Frame%2
			person := 0
			for id := range gt.People {
				if trackOf(id, f0) == c.Track {
					person = id
				}
			}
			if person == 0 {
				why["extra: track on nobody annotated"]++
				continue
			}
			near := false
			for _, tr := range l.Truth {
				if tr.Track == person && (tr.T-c.T).Abs() <= 3*time.Second {
					near = true
				}
			}
			if near {
				why["extra: person crossed within 3 s"]++
				continue
			}
			why["extra: person did not cross"]++
			if detail {
				r := around(l.Line, f0, c.Track, person)
				fmt.Printf("XTR %s %s f%d p%d t%d track %.2f..%.2f truth %.2f..%.2f\n", l.Name, c.Dir, c.Frame, person, c.Track, r.lo, r.hi, r.glo, r.ghi)
			}
		}
	}
	for k, v := range why {
		fmt.Printf("WHY %4d %s\n", v, k)
	}
}

// looksCache is where the recorded candidates of one setting are kept,
// named after the built-in model's checksum so that a new model is
// recorded afresh (tag: the input size, frame rate and views).
func looksCache(tag string) string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("storelens-nanodet-looks-%s%s.gob", assets.PersonModelSHA256[:12], tag))
}
