package vision

import (
	"context"
	"fmt"
	"image"
	"io"
	"math"
	"os"
	"path/filepath"
	"storelens/assets/assetstest"
	"testing"
	"time"

	"gocv.io/x/gocv"
)

// evalLines are the lines the accuracy is measured on: the example
// entrance line, three more verticals, two horizontals and a diagonal
// across the PETS09 square. The annotation covers the square only (no foot
// point above y=140; people on the far path are not annotated), so the
// lines start at y=140. V470 and H300 were added after tuning, as a check.
var evalLines = []NamedLine{
	{"V384", Line{Pt{384, 120}, Pt{384, 576}}},
	{"V250", Line{Pt{250, 140}, Pt{250, 576}}},
	{"V560", Line{Pt{560, 140}, Pt{560, 576}}},
	{"H230", Line{Pt{0, 230}, Pt{768, 230}}},
	{"D", Line{Pt{223, 140}, Pt{700, 400}}},
	{"V470", Line{Pt{470, 140}, Pt{470, 576}}},
	{"H300", Line{Pt{0, 300}, Pt{768, 300}}},
}

func groundTruth(t testing.TB) *GroundTruth {
	p := assetstest.Footage(t, "pets09_s2l1_gt.txt")
	gt, err := LoadGroundTruth(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	return gt
}

// evalConfig lets a developer try settings from the environment
// (STORELENS_HYST=0.15 go test -run EvaluatePETS -v ./vision).
func evalConfig() Config {
	var cfg Config
	if os.Getenv("STORELENS_GRAY") != "" {
		cfg.Motion.Gray = true
	}
	if v := os.Getenv("STORELENS_AFPS"); v != "" {
		fmt.Sscan(v, &cfg.AnalysisFPS)
	}
	if v := os.Getenv("STORELENS_PERSIST"); v != "" {
		fmt.Sscan(v, &cfg.Motion.MinPersistence)
	}
	if v := os.Getenv("STORELENS_WORK"); v != "" {
		fmt.Sscan(v, &cfg.WorkWidth)
	}
	if v := os.Getenv("STORELENS_HYST"); v != "" {
		fmt.Sscan(v, &cfg.Hysteresis)
	}
	if v := os.Getenv("STORELENS_VAR"); v != "" {
		fmt.Sscan(v, &cfg.Motion.VarThreshold)
	}
	if v := os.Getenv("STORELENS_HISTORY"); v != "" {
		fmt.Sscan(v, &cfg.Motion.History)
	}
	if v := os.Getenv("STORELENS_FILL"); v != "" {
		fmt.Sscan(v, &cfg.Motion.MinFill)
	}
	if m := os.Getenv("STORELENS_NANODET"); m != "" {
		size := 320
		if v := os.Getenv("STORELENS_NANODET_SIZE"); v != "" {
			fmt.Sscan(v, &size)
		}
		dc := NanoDetConfig{Model: m, Size: size}
		if v := os.Getenv("STORELENS_NMS"); v != "" {
			fmt.Sscan(v, &dc.NMS)
		}
		if v := os.Getenv("STORELENS_MINSCORE"); v != "" {
			fmt.Sscan(v, &dc.MinScore)
		}
		d, err := NewNanoDetDetector(dc)
		if err != nil {
			panic(err)
		}
		cfg.Detector = d
	}
	return cfg
}

func checkFloor(t *testing.T, ev *Evaluation, what string, gross, net float64) {
	t.Helper()
	in, out := ev.Total()
	for _, d := range []struct {
		dir string
		s   DirScore
	}{{DirIn, in}, {DirOut, out}} {
		if d.s.Gross < gross || d.s.Net < net {
			t.Errorf("%s, all lines, %s: gross %.1f%% net %.1f%%, below the floor of %.0f%% / %.0f%%", what, d.dir, 100*d.s.Gross, 100*d.s.Net, 100*gross, 100*net)
		}
	}
}

// TestEvaluatePETS prints the accuracy table on the real PETS09-S2L1
// footage and holds the counter to the accuracy it has reached.
func TestEvaluatePETS(t *testing.T) {
	gt := groundTruth(t)
	ev, err := Evaluate(context.Background(), footage(t, "vtest.avi"), gt, evalLines, evalConfig(), EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ev.WriteTable(os.Stdout, "PETS09-S2L1 vtest.avi, match within ±1 s")
	// Reached: in 90.9% gross / 97.7% net, out 95.1% / 99.0%. (These
	// seven lines were chosen, and the counter once tuned on them; the
	// random lines below are the fairer measure.)
	checkFloor(t, ev, "vtest.avi", 0.88, 0.96)
	for _, l := range ev.Lines {
		for _, s := range []DirScore{l.In, l.Out} {
			if s.Gross < 0.5 {
				t.Errorf("line %s: gross accuracy %.0f%%, far below the others", l.Name, 100*s.Gross)
			}
		}
	}
}

// TestGroundTruthFrameBase checks the annotation's numbering against the
// footage: detected boxes overlap the annotated boxes best when annotation
// frame 1 is the video's first frame (index 0).
func TestGroundTruthFrameBase(t *testing.T) {
	gt := groundTruth(t)
	byFrame := gt.BoxesByFrame()
	src := openFootage(t, "vtest.avi")
	c, err := NewCounter(Config{Entrance: evalLines[0].Line, AnalysisFPS: -1}, 768, 576, src.FPS())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	frame := gocv.NewMat()
	defer frame.Close()
	var sum [3]float64 // annotation shifted by -1, 0, +1 frames
	for src.Read(context.Background(), &frame) == nil {
		if err := c.Process(frame); err != nil {
			t.Fatal(err)
		}
		f := c.frame - 1
		for _, tr := range c.tr.Tracks() {
			if !tr.confirmed || !tr.matched {
				continue
			}
			// The detection itself: the filtered box lags it a little.
			b := tr.lastBox
			b = Box{b.X / c.scale, b.Y / c.scale, b.W / c.scale, b.H / c.scale}
			for k := range sum {
				best := 0.0
				for _, g := range byFrame[f+k-1] {
					best = math.Max(best, IoU(g, b))
				}
				sum[k] += best
			}
		}
	}
	t.Logf("overlap with the annotation shifted by -1, 0, +1 frames: %.1f %.1f %.1f", sum[0], sum[1], sum[2])
	if !(sum[1] > sum[0] && sum[1] > sum[2]) {
		t.Errorf("annotation frame 1 is not the video's first frame: overlap %v", sum)
	}
}

// TestTreeNoCrossings: moving branches and no people must never count, on
// any line, whether every frame is analysed or the default 5 a second.
func TestTreeNoCrossings(t *testing.T) {
	for _, afps := range []float64{0, -1} {
		t.Run(fmt.Sprintf("analysis fps %v", afps), func(t *testing.T) { treeNoCrossings(t, afps, nil) })
	}
	t.Run("learnt detector", func(t *testing.T) { treeNoCrossings(t, 0, builtInNanoDet(t)) })
}

func treeNoCrossings(t *testing.T, afps float64, det Detector) {
	src := openFootage(t, "tree.avi")
	w, h := float64(src.Size().X), float64(src.Size().Y)
	c, err := NewCounter(Config{Entrance: Line{Pt{w / 2, 0}, Pt{w / 2, h}}, AnalysisFPS: afps, Detector: det}, src.Size().X, src.Size().Y, src.FPS())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// A grid of lines: verticals, horizontals and both diagonals.
	for i := 1; i < 8; i++ {
		x, y := w*float64(i)/8, h*float64(i)/8
		c.lines = append(c.lines, countLine{fmt.Sprintf("v%d", i), Line{Pt{x, 0}, Pt{x, h}}.Scale(c.scale, c.scale)},
			countLine{fmt.Sprintf("h%d", i), Line{Pt{0, y}, Pt{w, y}}.Scale(c.scale, c.scale)})
	}
	c.lines = append(c.lines, countLine{"d1", Line{Pt{0, 0}, Pt{w, h}}.Scale(c.scale, c.scale)}, countLine{"d2", Line{Pt{w, 0}, Pt{0, h}}.Scale(c.scale, c.scale)})
	if err := c.PrimeFrom(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if err := c.run(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	res := c.Finish()
	if res.Frames < 60 {
		t.Fatalf("read %d frames of tree.avi", res.Frames)
	}
	for _, e := range res.Events {
		t.Errorf("tree.avi: a crossing of %s (%s) at %.1f s by track %d, but nobody is there", e.Line, e.Dir, e.T.Seconds(), e.Track)
	}
}

// alteredCopy writes a changed copy of the footage with OpenCV's own MJPEG
// encoder (so every copy is also re-encoded): every keep-th frame, each
// passed through alter.
func alteredCopy(t *testing.T, name string, keep int, alter func(src gocv.Mat, dst *gocv.Mat)) string {
	t.Helper()
	src := openFootage(t, "vtest.avi")
	frame, out := gocv.NewMat(), gocv.NewMat()
	defer frame.Close()
	defer out.Close()
	path := filepath.Join(t.TempDir(), name+".avi")
	var vw *gocv.VideoWriter
	for i := 0; ; i++ {
		err := src.Read(context.Background(), &frame)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if i%keep != 0 {
			continue
		}
		alter(frame, &out)
		if vw == nil {
			vw, err = gocv.VideoWriterFile(path, "MJPG", src.FPS()/float64(keep), out.Cols(), out.Rows(), true)
			if err != nil {
				t.Fatal(err)
			}
		}
		if err := vw.Write(out); err != nil {
			t.Fatal(err)
		}
	}
	vw.Close()
	return path
}

// TestAlteredCopies measures the counter on copies it was not tuned on:
// mirrored, half resolution, half frame rate, and darker with noise; each
// copy is re-encoded. Motion detection is measured on the seven chosen
// lines and the 40 random lines of seed 1, the learnt detector on the 80
// random lines of seeds 4 and 5, which chose none of its settings.
func TestAlteredCopies(t *testing.T) {
	if testing.Short() {
		t.Skip("eight extra recounts of the footage; run without -short")
	}
	gt := groundTruth(t)
	mirror := func(p Pt) Pt { return Pt{767 - p.X, p.Y} }
	half := func(p Pt) Pt { return Pt{p.X / 2, p.Y / 2} }
	for _, tc := range []struct {
		name  string
		keep  int
		alter func(src gocv.Mat, dst *gocv.Mat)
		opt   EvalOptions
		lines func(Pt) Pt
		// floors of gross and net accuracy, motion then learnt
		motion, learnt [2]float64
	}{
		// Floors below what each copy reached (docs/counting.md): motion
		// gross 90.2–94.3%, net 97.7–99.8%; learnt gross 92.9–96.0%, net
		// 97.5–99.6%.
		{"mirrored", 1, func(s gocv.Mat, d *gocv.Mat) { gocv.Flip(s, d, 1) }, EvalOptions{MapPoint: mirror}, mirror, [2]float64{0.88, 0.96}, [2]float64{0.92, 0.96}},
		{"half resolution", 1, func(s gocv.Mat, d *gocv.Mat) {
			gocv.Resize(s, d, image.Pt(384, 288), 0, 0, gocv.InterpolationArea)
		}, EvalOptions{MapPoint: half}, half, [2]float64{0.88, 0.96}, [2]float64{0.92, 0.96}},
		{"5 fps", 2, func(s gocv.Mat, d *gocv.Mat) { s.CopyTo(d) }, EvalOptions{TruthFPS: 10}, nil, [2]float64{0.88, 0.96}, [2]float64{0.92, 0.96}},
		{"darker, noisy", 1, darkerNoisy, EvalOptions{}, nil, [2]float64{0.88, 0.96}, [2]float64{0.92, 0.96}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			video := alteredCopy(t, tc.name, tc.keep, tc.alter)
			for _, det := range []string{"motion", "learnt"} {
				var lines []NamedLine
				cfg := evalConfig()
				floor := tc.motion
				if det == "motion" {
					lines = append(append(lines, evalLines...), RandomLines(1, 40)...)
				} else {
					lines = append(RandomLines(4, 40), RandomLines(5, 40)...)
					cfg.Detector = builtInNanoDet(t)
					floor = tc.learnt
				}
				if tc.lines != nil {
					for i, l := range lines {
						lines[i] = NamedLine{l.Name, Line{tc.lines(l.Line.A), tc.lines(l.Line.B)}}
					}
				}
				start := time.Now()
				ev, err := Evaluate(context.Background(), video, gt, lines, cfg, tc.opt)
				if err != nil {
					t.Fatal(err)
				}
				ev.WriteTable(os.Stdout, fmt.Sprintf("PETS09-S2L1 %s copy, %s detector (%.1fs)", tc.name, det, time.Since(start).Seconds()))
				checkFloor(t, ev, tc.name+", "+det, floor[0], floor[1])
			}
		})
	}
}

// darkerNoisy is the picture at 45 % of its brightness with Gaussian noise
// (σ 6 grey levels) added: a shop at dusk on a cheap sensor.
func darkerNoisy(s gocv.Mat, d *gocv.Mat) {
	noise := gocv.NewMatWithSize(s.Rows(), s.Cols(), gocv.MatTypeCV8UC3)
	defer noise.Close()
	gocv.RandN(&noise, gocv.NewScalar(128, 128, 128, 0), gocv.NewScalar(6, 6, 6, 0))
	gocv.AddWeighted(s, 0.45, noise, 1, -128, d)
}

// TestEvaluateRandomLines measures the counter on 40 lines drawn at random
// across the scene (seed 1; seeds 4–10 are kept for checking, STORELENS_SEED
// picks another), so that no tuning to a handful of chosen lines hides
// how a line a user draws fares.
func TestEvaluateRandomLines(t *testing.T) {
	gt := groundTruth(t)
	seed := int64(1)
	if v := os.Getenv("STORELENS_SEED"); v != "" {
		fmt.Sscan(v, &seed)
	}
	ev, err := Evaluate(context.Background(), footage(t, "vtest.avi"), gt, RandomLines(seed, 40), evalConfig(), EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	ev.WriteTable(os.Stdout, fmt.Sprintf("PETS09-S2L1 vtest.avi, 40 random lines (seed %d)", seed))
	if seed == 1 {
		// Reached: in 94.6% gross / 98.7% net, out 95.5% / 98.9%.
		checkFloor(t, ev, "40 random lines", 0.93, 0.96)
	} else {
		// Any other seed: the worst of the ten seeds measured in
		// docs/counting.md (seed 6 in: 89.1% gross; seed 5 in: 96.7% net).
		checkFloor(t, ev, fmt.Sprintf("40 random lines, seed %d", seed), 0.88, 0.96)
	}
}

// TestEvaluateLearntDetector counts the random lines of seeds 1–10 with the
// built-in learnt detector (the default of storelens count) in one pass.
// Its settings were chosen on seeds 1–3; seeds 4–10 check them.
func TestEvaluateLearntDetector(t *testing.T) {
	gt := groundTruth(t)
	var lines []NamedLine
	for seed := int64(1); seed <= 10; seed++ {
		for _, l := range RandomLines(seed, 40) {
			lines = append(lines, NamedLine{fmt.Sprintf("s%d%s", seed, l.Name), l.Line})
		}
	}
	ev, err := Evaluate(context.Background(), footage(t, "vtest.avi"), gt, lines, Config{Detector: builtInNanoDet(t)}, EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	chosen, check := &Evaluation{Tracking: ev.Tracking}, &Evaluation{Tracking: ev.Tracking}
	for i, l := range ev.Lines {
		if i < 3*40 {
			chosen.Lines = append(chosen.Lines, l)
		} else {
			check.Lines = append(check.Lines, l)
		}
	}
	for seed := 1; seed <= 10; seed++ {
		one := &Evaluation{Lines: ev.Lines[(seed-1)*40 : seed*40]}
		in, out := one.Total()
		fmt.Printf("seed %2d: in %d/%d gross %.1f%% net %.1f%%, out %d/%d gross %.1f%% net %.1f%%\n", seed,
			in.True, in.Counted, 100*in.Gross, 100*in.Net, out.True, out.Counted, 100*out.Gross, 100*out.Net)
	}
	for _, e := range []struct {
		name string
		ev   *Evaluation
	}{{"seeds 1-3 (chosen on)", chosen}, {"seeds 4-10", check}} {
		in, out := e.ev.Total()
		n, ok, worst := e.ev.Reached(0.98, 20)
		fmt.Printf("%s: in %.1f%% / %.1f%%, out %.1f%% / %.1f%% gross / net; line directions with ≥ 20 true crossings at ≥ 98%%: %d of %d, worst %.1f%%\n",
			e.name, 100*in.Gross, 100*in.Net, 100*out.Gross, 100*out.Net, ok, n, 100*worst)
	}
	ts := ev.Tracking
	fmt.Printf("tracking: MOTA %.1f%%, IDF1 %.1f%%, %d identity switches\n", 100*ts.MOTA, 100*ts.IDF1, ts.Switches)
	// Reached: seeds 1–3 in 98.0% / out 96.9% gross; seeds 4–10 in 95.7%
	// / out 96.1% gross, net 99.7% / 99.2%.
	checkFloor(t, chosen, "seeds 1-3, learnt detector", 0.96, 0.98)
	checkFloor(t, check, "seeds 4-10, learnt detector", 0.95, 0.98)
	if ts.MOTA < 0.78 || ts.IDF1 < 0.80 {
		t.Errorf("tracking with the learnt detector: MOTA %.1f%%, IDF1 %.1f%%; it reached 79.6%% and 81.6%%", 100*ts.MOTA, 100*ts.IDF1)
	}
}

// annotatedDetector gives the counter the annotated boxes of each analysed
// frame as detections: a perfect detector, to tell the errors of the
// tracker and the counting rules from those of the detector.
type annotatedDetector struct {
	byFrame map[int][]Box
	looks   int
	stride  int
	scale   float64
}

func (d *annotatedDetector) Detect(gocv.Mat) ([]Detection, error) {
	f := d.looks * d.stride
	d.looks++
	var out []Detection
	for _, b := range d.byFrame[f] {
		s := Box{b.X * d.scale, b.Y * d.scale, b.W * d.scale, b.H * d.scale}
		out = append(out, Detection{Box: s, Score: 1, PersonHeight: s.H})
	}
	return out, nil
}

func (d *annotatedDetector) Close() error { return nil }

func (d *annotatedDetector) tuning() tuning { return exactTuning }

// TestCountingOnAnnotatedBoxes runs the tracker and the counting rules on
// the annotated boxes instead of detections, over the random lines of
// seeds 1–10: what remains wrong there is the price of the rules
// themselves, not of a detector. Annotated boxes are counted with the
// annotation's own margin and without the smoothing and settling that
// noisy detections need (exactTuning); docs/counting.md compares them.
func TestCountingOnAnnotatedBoxes(t *testing.T) {
	gt := groundTruth(t)
	cfg := evalConfig()
	stride := 10 / DefaultAnalysisFPS // vtest.avi is 10 fps
	if cfg.AnalysisFPS < 0 {
		stride = 1
	}
	cfg.Detector = &annotatedDetector{byFrame: gt.BoxesByFrame(), stride: stride, scale: 0.5}
	var lines []NamedLine
	for seed := int64(1); seed <= 10; seed++ {
		lines = append(lines, RandomLines(seed, 40)...)
	}
	ev, err := Evaluate(context.Background(), footage(t, "vtest.avi"), gt, lines, cfg, EvalOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for seed := 1; seed <= 10; seed++ {
		one := &Evaluation{Lines: ev.Lines[(seed-1)*40 : seed*40]}
		in, out := one.Total()
		fmt.Printf("annotated boxes, seed %2d: in %d/%d gross %.1f%%, out %d/%d gross %.1f%%\n", seed, in.True, in.Counted, 100*in.Gross, out.True, out.Counted, 100*out.Gross)
		// Reached: 98.4–100% gross on every seed.
		checkFloor(t, one, fmt.Sprintf("annotated boxes, seed %d", seed), 0.98, 0.98)
	}
	in, out := ev.Total()
	fmt.Printf("annotated boxes, seeds 1-10: in %.2f%% out %.2f%% gross\n", 100*in.Gross, 100*out.Gross)
	// Reached: in 99.5%, out 99.6%.
	checkFloor(t, ev, "annotated boxes, seeds 1-10", 0.99, 0.99)
}
