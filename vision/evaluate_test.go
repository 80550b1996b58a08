package vision

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
)

// GroundTruth is a hand-annotated trajectory file in the MOT layout
// (frame,id,left,top,width,height,flag,x,y,z), such as the public PETS09-S2L1
// annotation. Its frame numbers start at 1 for the video's first frame (index
// 0); the evaluation test checks that against the footage.
type GroundTruth struct {
	// People maps a person's id to their foot points, one per frame,
	// in frame order (frame = 0-based video index).
	People map[int][]TruthPoint
	// Frames is the last annotated frame index + 1.
	Frames int
}

// TruthPoint is one annotated foot point.
type TruthPoint struct {
	Frame int
	Foot  Pt
	Box   Box
}

// LoadGroundTruth reads a MOT-layout annotation whose first frame is
// numbered firstFrame (1 for PETS09 and the MOT challenges).
func LoadGroundTruth(path string, firstFrame int) (*GroundTruth, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ground truth %s: %w", path, err)
	}
	defer f.Close()
	g := &GroundTruth{People: map[int][]TruthPoint{}}
	sc := bufio.NewScanner(f)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		p := strings.Split(line, ",")
		if len(p) < 6 {
			return nil, fmt.Errorf("ground truth %s line %d: want frame,id,left,top,width,height,…", path, n)
		}
		var v [6]float64
		for i := range v {
			if v[i], err = strconv.ParseFloat(strings.TrimSpace(p[i]), 64); err != nil {
				return nil, fmt.Errorf("ground truth %s line %d: %q is not a number", path, n, p[i])
			}
		}
		b := Box{v[2], v[3], v[4], v[5]}
		tp := TruthPoint{Frame: int(v[0]) - firstFrame, Foot: b.Foot(), Box: b}
		g.People[int(v[1])] = append(g.People[int(v[1])], tp)
		g.Frames = max(g.Frames, tp.Frame+1)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("ground truth %s: %w", path, err)
	}
	for _, pts := range g.People {
		sort.Slice(pts, func(i, j int) bool { return pts[i].Frame < pts[j].Frame })
	}
	return g, nil
}

// BoxesByFrame lists the annotated boxes of each frame.
func (g *GroundTruth) BoxesByFrame() map[int][]Box {
	by := map[int][]Box{}
	for _, pts := range g.People {
		for _, p := range pts {
			by[p.Frame] = append(by[p.Frame], p.Box)
		}
	}
	return by
}

// Crossings derives the true crossings of l from the annotated foot points,
// with the counter's own rule: a side change of the foot point from beyond
// a band on one side to beyond it on the other (the band is a tenth of the
// annotated person's height, at least 2 px, so stepping on the line and back
// is no crossing), placed in time where the path met the line, and within
// the line's ends.
func (g *GroundTruth) Crossings(l Line, fps float64) []Event {
	return g.crossings(l, fps, truthBand)
}

// truthBand is the hysteresis of a true crossing, as a share of the
// annotated person's height: the annotated foot point must go this far past
// the line on both sides.
const truthBand = 0.1

func (g *GroundTruth) crossings(l Line, fps, band float64) []Event {
	var out []Event
	ids := make([]int, 0, len(g.People))
	for id := range g.People {
		ids = append(ids, id)
	}
	sort.Ints(ids)
	for _, id := range ids {
		side := 0
		var last TruthPoint
		var lastD, crossF float64
		var crossAt Pt
		crossSet := false
		for i, tp := range g.People[id] {
			d := l.SignedDist(tp.Foot)
			if i > 0 && sign(d) != sign(lastD) {
				k := lastD / (lastD - d)
				crossF = float64(last.Frame) + k*float64(tp.Frame-last.Frame)
				crossAt = Pt{last.Foot.X + k*(tp.Foot.X-last.Foot.X), last.Foot.Y + k*(tp.Foot.Y-last.Foot.Y)}
				crossSet = true
			}
			s := 0
			m := math.Max(2, band*tp.Box.H)
			if d <= -m {
				s = -1
			} else if d >= m {
				s = 1
			}
			if s != 0 && side != 0 && s != side && crossSet {
				if a := l.Along(crossAt); a >= -0.02 && a <= 1.02 {
					dir := DirIn
					if s > 0 {
						dir = DirOut
					}
					out = append(out, Event{T: time.Duration(crossF / fps * float64(time.Second)), Frame: int(math.Round(crossF)), Line: LineEntrance, Dir: dir, Track: id})
				}
			}
			if s != 0 {
				side = s
			}
			last, lastD = tp, d
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].T < out[j].T })
	return out
}

// DirScore is the accuracy of one direction of one line.
type DirScore struct {
	True, Counted, Matched, Missed, Extra int
	// Gross is the event accuracy 1 − (missed+extra)/true, a counted
	// crossing matching a true one of the same direction within the
	// tolerance; Net is 1 − |counted−true|/true. Both are NaN without true
	// crossings.
	Gross, Net float64
}

// Score compares counted crossings with true ones of direction dir. Matching
// is one-to-one, in time order, within tol (±1 s in the product's accuracy
// definition).
func Score(truth, counted []Event, dir string, tol time.Duration) DirScore {
	var tt, cc []time.Duration
	for _, e := range truth {
		if e.Dir == dir {
			tt = append(tt, e.T)
		}
	}
	for _, e := range counted {
		if e.Dir == dir {
			cc = append(cc, e.T)
		}
	}
	sort.Slice(tt, func(i, j int) bool { return tt[i] < tt[j] })
	sort.Slice(cc, func(i, j int) bool { return cc[i] < cc[j] })
	used := make([]bool, len(cc))
	s := DirScore{True: len(tt), Counted: len(cc)}
	for _, t := range tt {
		for j, c := range cc {
			if !used[j] && c >= t-tol && c <= t+tol {
				used[j] = true
				s.Matched++
				break
			}
		}
	}
	s.Missed = s.True - s.Matched
	s.Extra = s.Counted - s.Matched
	s.Gross, s.Net = math.NaN(), math.NaN()
	if s.True > 0 {
		s.Gross = 1 - float64(s.Missed+s.Extra)/float64(s.True)
		s.Net = 1 - math.Abs(float64(s.Counted-s.True))/float64(s.True)
	}
	return s
}

// LineScore is the evaluation of one line.
type LineScore struct {
	Name    string
	Line    Line
	In, Out DirScore
	// Truth and Counted are the line's crossings, for diagnosis.
	Truth, Counted []Event
}

// Evaluation is the outcome of Evaluate.
type Evaluation struct {
	Lines  []LineScore
	Frames int
	// Elapsed is the wall time of the analysis (decoding included).
	Elapsed time.Duration
	// Tracking scores the tracker's boxes against the annotated ones.
	Tracking TrackScore
}

// TrackScore is the CLEAR-MOT score of the tracker on annotated footage:
// per frame, confirmed tracks are matched one-to-one to annotated people
// with IoU ≥ 0.5 (keeping last frame's pairs where they still overlap).
// Tracks whose foot is above row 150 are not counted as false: the PETS09
// annotation leaves out the people on the far path.
type TrackScore struct {
	// Objects is the number of annotated person-frames; Misses, False and
	// Switches the unmatched annotations, unmatched tracks and identity
	// changes of an annotated person.
	Objects, Misses, False, Switches int
	// MOTA is 1 − (Misses+False+Switches)/Objects.
	MOTA float64
	// IDF1 is the identity F1 score (Ristani et al. 2016): person and track
	// paired once for the whole video so that they overlap (IoU ≥ 0.5) in
	// as many frames as possible; 2·IDTP / (annotated + tracked boxes).
	IDF1 float64
	// FootErr is the median distance, in pixels of the video, between a
	// matched track's foot point and the annotated one.
	FootErr float64
}

// trackScorer accumulates a TrackScore frame by frame.
type trackScorer struct {
	byFrame map[int][]truthRef
	last    map[int]int // person -> track matched last
	// first and lastFrame are the annotated span; frames outside it are
	// not scored.
	first, lastFrame int
	score            TrackScore
	errs             []float64
	overlap          map[[2]int]int // (person, track) → frames with IoU ≥ 0.5
	tracked          int            // scored track boxes
}

type truthRef struct {
	id  int
	box Box
}

func newTrackScorer(g *GroundTruth) *trackScorer {
	s := &trackScorer{byFrame: map[int][]truthRef{}, last: map[int]int{}, first: math.MaxInt, lastFrame: -1, overlap: map[[2]int]int{}}
	for id, pts := range g.People {
		for _, p := range pts {
			s.byFrame[p.Frame] = append(s.byFrame[p.Frame], truthRef{id, p.Box})
			s.first, s.lastFrame = min(s.first, p.Frame), max(s.lastFrame, p.Frame)
		}
	}
	return s
}

// frame scores one frame's tracks (boxes in the video's pixels, by id).
func (s *trackScorer) frame(f int, ids []int, boxes []Box) {
	if f < s.first || f > s.lastFrame {
		return // outside the annotated span
	}
	truth := s.byFrame[f]
	for ti, id := range ids {
		if boxes[ti].Foot().Y < 150 {
			continue // the far path, which the annotation leaves out
		}
		s.tracked++
		for _, g := range truth {
			if IoU(g.box, boxes[ti]) >= 0.5 {
				s.overlap[[2]int{g.id, id}]++
			}
		}
	}
	usedT := make([]bool, len(ids))
	matchedG := make([]bool, len(truth))
	// Keep last frame's pairs that still overlap.
	for gi, g := range truth {
		if tid, ok := s.last[g.id]; ok {
			for ti, id := range ids {
				if id == tid && !usedT[ti] && IoU(g.box, boxes[ti]) >= 0.5 {
					usedT[ti], matchedG[gi] = true, true
					s.errs = append(s.errs, dist(g.box.Foot(), boxes[ti].Foot()))
				}
			}
		}
	}
	// Then the best remaining overlaps, greedily.
	for {
		bg, bt, best := -1, -1, 0.5
		for gi, g := range truth {
			if matchedG[gi] {
				continue
			}
			for ti := range ids {
				if !usedT[ti] {
					if v := IoU(g.box, boxes[ti]); v >= best {
						bg, bt, best = gi, ti, v
					}
				}
			}
		}
		if bg < 0 {
			break
		}
		g := truth[bg]
		usedT[bt], matchedG[bg] = true, true
		if prev, ok := s.last[g.id]; ok && prev != ids[bt] {
			s.score.Switches++
		}
		s.last[g.id] = ids[bt]
		s.errs = append(s.errs, dist(g.box.Foot(), boxes[bt].Foot()))
	}
	s.score.Objects += len(truth)
	for _, m := range matchedG {
		if !m {
			s.score.Misses++
		}
	}
	for ti, u := range usedT {
		// The annotation leaves out people on the far path (foot above
		// row 150): a track there is not false.
		if !u && boxes[ti].Foot().Y >= 150 {
			s.score.False++
		}
	}
}

func (s *trackScorer) result() TrackScore {
	r := s.score
	if r.Objects > 0 {
		r.MOTA = 1 - float64(r.Misses+r.False+r.Switches)/float64(r.Objects)
	}
	if len(s.errs) > 0 {
		sort.Float64s(s.errs)
		r.FootErr = s.errs[len(s.errs)/2]
	}
	if total := r.Objects + s.tracked; total > 0 {
		r.IDF1 = 2 * float64(s.idtp()) / float64(total)
	}
	return r
}

// idtp pairs people with tracks one to one for the most overlapping frames
// in all (the Hungarian method on the overlap counts).
func (s *trackScorer) idtp() int {
	pIdx, tIdx := map[int]int{}, map[int]int{}
	for k := range s.overlap {
		if _, ok := pIdx[k[0]]; !ok {
			pIdx[k[0]] = len(pIdx)
		}
		if _, ok := tIdx[k[1]]; !ok {
			tIdx[k[1]] = len(tIdx)
		}
	}
	n := max(len(pIdx), len(tIdx))
	if n == 0 {
		return 0
	}
	// The tracker's assignment solver minimises: the cost of a pair is
	// the frames it does not overlap.
	cost := make([][]float64, n)
	for i := range cost {
		cost[i] = make([]float64, n)
	}
	for k, c := range s.overlap {
		cost[pIdx[k[0]]][tIdx[k[1]]] = -float64(c)
	}
	sum := 0
	for i, j := range hungarian(cost, n) {
		sum -= int(cost[i][j])
	}
	return sum
}

func dist(a, b Pt) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }

// RandomLines are n counting lines drawn at random (reproducibly, by seed)
// across the part of the PETS09 scene whose people are annotated (x 0–768,
// y 150–576): through two random points, extended to that region's edges,
// at least 150 px long — like an entrance line drawn across a doorway, end
// to end. Tuning on a few chosen lines over-fits them; a spread of lines
// measures what a user drawing their own line can expect.
func RandomLines(seed int64, n int) []NamedLine {
	r := rand.New(rand.NewSource(seed))
	const x0, y0, x1, y1 = 0.0, 150.0, 768.0, 576.0
	out := make([]NamedLine, 0, n)
	for len(out) < n {
		p := Pt{x0 + r.Float64()*(x1-x0), y0 + r.Float64()*(y1-y0)}
		q := Pt{x0 + r.Float64()*(x1-x0), y0 + r.Float64()*(y1-y0)}
		dx, dy := q.X-p.X, q.Y-p.Y
		if math.Hypot(dx, dy) < 1 {
			continue
		}
		// Clip the infinite line through p and q to the region.
		lo, hi := math.Inf(-1), math.Inf(1)
		for _, c := range [][3]float64{{dx, p.X, x0}, {-dx, -p.X, -x1}, {dy, p.Y, y0}, {-dy, -p.Y, -y1}} {
			// c[0]*t + c[1] >= c[2]
			if c[0] == 0 {
				continue
			}
			t := (c[2] - c[1]) / c[0]
			if c[0] > 0 {
				lo = math.Max(lo, t)
			} else {
				hi = math.Min(hi, t)
			}
		}
		a := Pt{math.Round(p.X + lo*dx), math.Round(p.Y + lo*dy)}
		b := Pt{math.Round(p.X + hi*dx), math.Round(p.Y + hi*dy)}
		if dist(a, b) < 150 {
			continue
		}
		out = append(out, NamedLine{fmt.Sprintf("R%d", len(out)+1), Line{a, b}})
	}
	return out
}

// NamedLine is a line with a name for reports.
type NamedLine struct {
	Name string
	Line Line
}

// EvalOptions adapts the ground truth to an altered copy of the footage.
type EvalOptions struct {
	// MapPoint maps an annotated point into the copy's pixels (nil: as is),
	// e.g. mirrored or scaled with the video.
	MapPoint func(Pt) Pt
	// TruthFPS is the frame rate the annotation's frame numbers count in
	// (0: the video's own). A copy at a lower frame rate keeps the
	// original's 10.
	TruthFPS float64
}

// Evaluate counts video once with every line in lines at the same time and
// scores each against the ground truth. cfg's lines are replaced; the other
// settings (detector, tracker) apply.
func Evaluate(ctx context.Context, video string, gt *GroundTruth, lines []NamedLine, cfg Config, opt EvalOptions) (*Evaluation, error) {
	if len(lines) == 0 {
		return nil, fmt.Errorf("no lines to evaluate")
	}
	src, err := OpenSource(video)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	cfg.Entrance = lines[0].Line
	cfg.Outside = nil
	cfg.ReentryWindow = -1
	size := src.Size()
	c, err := NewCounter(cfg, size.X, size.Y, src.FPS())
	if err != nil {
		return nil, err
	}
	defer c.Close()
	for i, nl := range lines {
		if i > 0 {
			c.lines = append(c.lines, countLine{fmt.Sprintf("eval%d", i), nl.Line.Scale(c.scale, c.scale)})
		}
	}
	c.initROI() // around every line
	start := time.Now()
	if err := c.PrimeFrom(ctx, src); err != nil {
		return nil, err
	}
	scorer := newTrackScorer(gt)
	var ids []int
	var boxes []Box
	perFrame := func(done, _ int) {
		if opt.MapPoint != nil || opt.TruthFPS > 0 || (c.frame-1)%c.stride != 0 {
			return // tracking is scored on the original footage only
		}
		ids, boxes = ids[:0], boxes[:0]
		for _, t := range c.tr.Tracks() {
			if t.confirmed {
				b := t.Box()
				ids = append(ids, t.ID)
				boxes = append(boxes, Box{b.X / c.scale, b.Y / c.scale, b.W / c.scale, b.H / c.scale})
			}
		}
		scorer.frame(done-1, ids, boxes)
	}
	if err := c.run(ctx, src, perFrame); err != nil {
		return nil, err
	}
	res := c.Finish()
	ev := &Evaluation{Frames: res.Frames, Elapsed: time.Since(start), Tracking: scorer.result()}
	truthFPS := src.FPS()
	if opt.TruthFPS > 0 {
		truthFPS = opt.TruthFPS
	}
	mapped := gt
	if mapTruth := opt.MapPoint; mapTruth != nil {
		mapped = &GroundTruth{People: map[int][]TruthPoint{}, Frames: gt.Frames}
		for id, pts := range gt.People {
			for _, p := range pts {
				f := mapTruth(p.Foot)
				h := math.Abs(mapTruth(Pt{p.Box.X, p.Box.Y + p.Box.H}).Y - mapTruth(Pt{p.Box.X, p.Box.Y}).Y)
				mapped.People[id] = append(mapped.People[id], TruthPoint{Frame: p.Frame, Foot: f, Box: Box{f.X, f.Y - h, 1, h}})
			}
		}
	}
	for i, nl := range lines {
		name := c.lines[i].name
		var counted []Event
		for _, e := range res.Events {
			if e.Line == name {
				counted = append(counted, e)
			}
		}
		truth := mapped.Crossings(nl.Line, truthFPS)
		ev.Lines = append(ev.Lines, LineScore{
			Name: nl.Name, Line: nl.Line,
			In:    Score(truth, counted, DirIn, time.Second),
			Out:   Score(truth, counted, DirOut, time.Second),
			Truth: truth, Counted: counted,
		})
	}
	return ev, nil
}

// WriteTable prints the evaluation as a table: per line and direction the
// true and counted crossings, gross and net accuracy.
func (ev *Evaluation) WriteTable(w io.Writer, title string) {
	fmt.Fprintf(w, "%s (%d frames, %.0f fps analysis)\n", title, ev.Frames, float64(ev.Frames)/ev.Elapsed.Seconds())
	fmt.Fprintf(w, "%-8s %-20s %4s %4s %4s %4s %7s %7s | %4s %4s %4s %4s %7s %7s\n", "line", "x1,y1,x2,y2", "in", "cnt", "miss", "xtra", "gross", "net", "out", "cnt", "miss", "xtra", "gross", "net")
	for _, l := range ev.Lines {
		fmt.Fprintf(w, "%-8s %-20s %4d %4d %4d %4d %6.1f%% %6.1f%% | %4d %4d %4d %4d %6.1f%% %6.1f%%\n", l.Name, l.Line,
			l.In.True, l.In.Counted, l.In.Missed, l.In.Extra, 100*l.In.Gross, 100*l.In.Net,
			l.Out.True, l.Out.Counted, l.Out.Missed, l.Out.Extra, 100*l.Out.Gross, 100*l.Out.Net)
	}
	in, out := ev.Total()
	fmt.Fprintf(w, "%-29s %4d %4d %4d %4d %6.1f%% %6.1f%% | %4d %4d %4d %4d %6.1f%% %6.1f%%\n", "all lines",
		in.True, in.Counted, in.Missed, in.Extra, 100*in.Gross, 100*in.Net,
		out.True, out.Counted, out.Missed, out.Extra, 100*out.Gross, 100*out.Net)
	if n, ok, worst := ev.Reached(0.95, 5); n > 0 {
		fmt.Fprintf(w, "line directions with ≥ 5 true crossings at ≥ 95%% gross: %d of %d; worst %.1f%%\n", ok, n, 100*worst)
	}
	if ts := ev.Tracking; ts.Objects > 0 {
		fmt.Fprintf(w, "tracking: MOTA %.1f%%, IDF1 %.1f%% (%d annotated person-frames, %d missed, %d false, %d identity switches), median foot error %.1f px\n",
			100*ts.MOTA, 100*ts.IDF1, ts.Objects, ts.Misses, ts.False, ts.Switches, ts.FootErr)
	}
}

// Reached counts the line directions with at least minTrue true crossings
// (n), those whose gross accuracy reaches floor (ok), and the lowest gross
// accuracy among them.
func (ev *Evaluation) Reached(floor float64, minTrue int) (n, ok int, worst float64) {
	worst = 1
	for _, l := range ev.Lines {
		for _, s := range []DirScore{l.In, l.Out} {
			if s.True < minTrue {
				continue
			}
			n++
			if s.Gross >= floor {
				ok++
			}
			worst = math.Min(worst, s.Gross)
		}
	}
	return n, ok, worst
}

// Total sums the lines per direction.
func (ev *Evaluation) Total() (in, out DirScore) {
	add := func(a *DirScore, b DirScore) {
		a.True += b.True
		a.Counted += b.Counted
		a.Matched += b.Matched
		a.Missed += b.Missed
		a.Extra += b.Extra
	}
	for _, l := range ev.Lines {
		add(&in, l.In)
		add(&out, l.Out)
	}
	for _, s := range []*DirScore{&in, &out} {
		s.Gross, s.Net = math.NaN(), math.NaN()
		if s.True > 0 {
			s.Gross = 1 - float64(s.Missed+s.Extra)/float64(s.True)
			s.Net = 1 - math.Abs(float64(s.Counted-s.True))/float64(s.True)
		}
	}
	return in, out
}
