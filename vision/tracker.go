package vision

import (
	"math"
)

// kalman1 is a constant-velocity Kalman filter on one coordinate (position
// and velocity). With diagonal noise, the filter on a box's centre, width and
// height splits exactly into four of these, which keeps the arithmetic in
// closed form and allocation-free.
type kalman1 struct {
	x, v          float64 // position (px), velocity (px per second)
	p00, p01, p11 float64 // covariance
}

func newKalman1(z, r float64) kalman1 {
	return kalman1{x: z, p00: r, p11: 1e4}
}

// predict advances dt seconds under white acceleration noise q (px²/s⁴).
func (k *kalman1) predict(dt, q float64) {
	k.x += k.v * dt
	dt2 := dt * dt
	p00 := k.p00 + 2*dt*k.p01 + dt2*k.p11 + q*dt2*dt2/4
	p01 := k.p01 + dt*k.p11 + q*dt2*dt/2
	p11 := k.p11 + q*dt2
	k.p00, k.p01, k.p11 = p00, p01, p11
}

// update folds in a measurement z with variance r.
func (k *kalman1) update(z, r float64) {
	s := k.p00 + r
	g0, g1 := k.p00/s, k.p01/s
	y := z - k.x
	k.x += g0 * y
	k.v += g1 * y
	p00 := (1 - g0) * k.p00
	p01 := (1 - g0) * k.p01
	p11 := k.p11 - g1*k.p01
	k.p00, k.p01, k.p11 = p00, p01, p11
}

// Track is one person followed across frames.
type Track struct {
	// ID is unique within one recount, starting at 1.
	ID           int
	cx, cy, w, h kalman1
	hits, misses int
	age          int // frames since birth
	confirmed    bool
	lastBox      Box     // last matched detection
	vx, vy       float64 // velocity (px/s) when last matched
	matched      bool
	first        Pt // foot where the track was born
	// counting state per line
	lines []lineState
	// foot points of the last second, a ring from pathAt
	path     []Pt
	pathSeen []bool
	pathAt   int
	// appearance
	sig      Signature
	sigN     int
	uniform  float64
	uniformN int
	zoneHits int
	// looks waiting to be counted (Counter.look), the next one at next
	hist []footLook
	next int
	// grouped counts the looks in a row the track was only seen inside a
	// blob of several people (partial).
	grouped int
}

// Box is the track's current (filtered or predicted) box.
func (t *Track) Box() Box {
	return Box{t.cx.x - t.w.x/2, t.cy.x - t.h.x/2, t.w.x, t.h.x}
}

// Confirmed reports whether the track has been seen often enough to count.
func (t *Track) Confirmed() bool { return t.confirmed }

// TrackerConfig tunes the tracker; the zero value is the default.
type TrackerConfig struct {
	// ConfirmHits is how many matched frames make a track real (default:
	// 0.3 s of frames, at least 2).
	ConfirmHits int
	// MaxCoastSeconds is how long a confirmed track survives without detections,
	// e.g. behind a pillar or another person (default 2 s).
	MaxCoastSeconds float64
	// CoastDamping multiplies a coasting track's velocity every frame
	// (default 1: people keep walking behind an obstacle).
	CoastDamping float64
	// StrongScore splits detections into strong (may start a track) and
	// weak (may only extend one). Default 0.5.
	StrongScore float64
}

// Tracker follows people from frame to frame: a constant-velocity Kalman
// filter per track, globally optimal assignment on a cost of IoU and centre
// distance for strong detections, then a second pass that lets weak
// detections keep unmatched tracks alive, tentative tracks confirmed after a
// few hits, and coasting through short occlusions.
type Tracker struct {
	cfg   TrackerConfig
	tun   tuning
	persp Perspective // nil when the detector learns none
	// frameW is the width of the analysed picture (0: unknown), to tell a
	// person walking out of the side of the picture.
	frameW  float64
	dt      float64
	tracks  []*Track
	nextID  int
	removed []*Track
	cost    [][]float64
}

// NewTracker returns a tracker for footage at fps frames per second.
func NewTracker(cfg TrackerConfig, fps float64) *Tracker {
	if fps <= 0 {
		fps = 10
	}
	if cfg.ConfirmHits <= 0 {
		cfg.ConfirmHits = max(2, int(math.Round(0.3*fps)))
	}
	if cfg.MaxCoastSeconds <= 0 {
		cfg.MaxCoastSeconds = 2
	}
	if cfg.CoastDamping <= 0 {
		cfg.CoastDamping = 1
	}
	if cfg.StrongScore <= 0 {
		cfg.StrongScore = 0.5
	}
	return &Tracker{cfg: cfg, tun: motionTuning, dt: 1 / fps, nextID: 1}
}

// Tracks are the live tracks after the last Update (tentative included).
func (tr *Tracker) Tracks() []*Track { return tr.tracks }

// Update advances every track one frame and assigns dets to them. Tracks that
// ended this frame are returned by Ended until the next Update.
func (tr *Tracker) Update(dets []Detection) {
	tr.removed = tr.removed[:0]
	for _, t := range tr.tracks {
		h := math.Max(t.h.x, 4)
		q := (tr.tun.accelNoise * h) * (tr.tun.accelNoise * h)
		t.cx.predict(tr.dt, q)
		t.cy.predict(tr.dt, q)
		t.w.predict(tr.dt, q/16)
		t.h.predict(tr.dt, q/16)
		// A coasting track may slow down (CoastDamping).
		if t.misses > 0 {
			t.cx.v *= tr.cfg.CoastDamping
			t.cy.v *= tr.cfg.CoastDamping
		}
		t.w.v, t.h.v = 0, 0
		t.age++
		t.matched = false
	}
	var strong, weak []int
	for i, d := range dets {
		if d.Score >= tr.cfg.StrongScore {
			strong = append(strong, i)
		} else {
			weak = append(weak, i)
		}
	}
	// Pass 1: strong detections against all tracks, confirmed ones first
	// in cost (a small bonus) so a newcomer does not steal a known person.
	all := make([]int, len(tr.tracks))
	for i := range all {
		all[i] = i
	}
	pairs, restT, restD := tr.assign(all, dets, strong, strongGate)
	// Pass 2: weak detections only for tracks still unmatched, stricter.
	p2, restT, _ := tr.assign(restT, dets, weak, weakGate)
	pairs = append(pairs, p2...)
	var members map[int][]int
	if tr.tun.groups {
		members = tr.groups(restT, dets, pairs)
	}
	for _, p := range pairs {
		t := tr.tracks[p[0]]
		if len(members[p[1]]) > 0 && t.confirmed {
			tr.partial(t, dets[p[1]].Box)
			continue
		}
		tr.correct(t, dets[p[1]])
	}
	for d, ts := range members {
		for _, ti := range ts {
			tr.partial(tr.tracks[ti], dets[d].Box)
		}
	}
	// New tentative tracks from unmatched strong detections that do not sit
	// on an existing track (a limb split off a matched body).
	for _, di := range restD {
		if len(members[di]) > 0 {
			continue // a group of people already followed
		}
		d := tr.settle(dets[di], nil)
		dup := false
		for _, t := range tr.tracks {
			if t.matched && (IoU(t.Box(), d) > tr.tun.dupIoU || insideShare(d, t.Box()) > tr.tun.dupInside) {
				dup = true
				break
			}
		}
		if dup {
			continue
		}
		t := &Track{ID: 0, age: 0, hits: 1, lastBox: d, matched: true}
		r := (0.1 * d.H) * (0.1 * d.H)
		t.cx, t.cy = newKalman1(d.X+d.W/2, r), newKalman1(d.Y+d.H/2, r)
		t.w, t.h = newKalman1(d.W, r), newKalman1(d.H, r)
		t.first = d.Foot()
		tr.tracks = append(tr.tracks, t)
	}
	// Confirm, age out.
	live := tr.tracks[:0]
	for _, t := range tr.tracks {
		if t.hits < 0 {
			continue // merged into the track it continues
		}
		if t.matched && float64(t.grouped)*tr.dt > groupAlone {
			t.matched = false // too long only inside a group: let it age out
		}
		if t.matched {
			t.misses = 0
		} else {
			t.misses++
		}
		if !t.confirmed && t.hits >= tr.cfg.ConfirmHits {
			if donor := tr.lostOwner(t); donor != nil {
				// The person a coasting track lost has reappeared: the old
				// track takes over the new detections and keeps its id,
				// its line sides and its appearance.
				donor.cx, donor.cy, donor.w, donor.h = t.cx, t.cy, t.w, t.h
				donor.lastBox, donor.matched, donor.misses = t.lastBox, true, 0
				donor.hits += t.hits
				t.hits = -1 // dropped below
				continue
			}
			t.confirmed = true
			t.ID = tr.nextID
			tr.nextID++
		}
		maxMiss := int(math.Ceil(tr.cfg.MaxCoastSeconds / tr.dt))
		if !t.confirmed {
			maxMiss = 1
		}
		if t.misses > maxMiss {
			if t.confirmed {
				tr.removed = append(tr.removed, t)
			}
			continue
		}
		live = append(live, t)
	}
	for i := len(live); i < len(tr.tracks); i++ {
		tr.tracks[i] = nil
	}
	tr.tracks = live
}

// lostOwner finds the coasting confirmed track that a new track most
// likely continues: unmatched for a few frames, its constant-velocity
// prediction near the new track, and of a similar size.
func (tr *Tracker) lostOwner(n *Track) *Track {
	nb := n.Box()
	var best *Track
	bestD := math.Inf(1)
	for _, t := range tr.tracks {
		if !t.confirmed || t.misses < 2 || t.hits < 0 {
			continue
		}
		gap := float64(t.misses) * tr.dt
		lb := t.lastBox
		// Where the person would be now had they kept walking.
		px := lb.X + lb.W/2 + t.vx*gap
		py := lb.Y + lb.H + t.vy*gap
		if tr.frameW > 0 && (px < 0 || px > tr.frameW) {
			continue // walked out of the side of the picture
		}
		h := math.Max(lb.H, 4)
		d := math.Hypot(px-(nb.X+nb.W/2), (py-(nb.Y+nb.H))*0.7) / h
		r := nb.H / h
		if d < 0.5+0.6*gap && r > 0.75 && r < 1.33 && d < bestD {
			best, bestD = t, d
		}
	}
	return best
}

// Ended are the confirmed tracks that ended in the last Update.
func (tr *Tracker) Ended() []*Track { return tr.removed }

// assign matches tracks ti to detections di with the Hungarian method. It
// returns the matched (track, detection) pairs, which the caller updates,
// and the unmatched tracks and detections. gate is the largest acceptable
// cost.
func (tr *Tracker) assign(ti []int, dets []Detection, di []int, gate float64) (pairs [][2]int, restT, restD []int) {
	if len(ti) == 0 || len(di) == 0 {
		return nil, ti, di
	}
	n := max(len(ti), len(di))
	if cap(tr.cost) < n {
		tr.cost = make([][]float64, n)
		for i := range tr.cost {
			tr.cost[i] = make([]float64, n)
		}
	}
	cost := tr.cost[:n]
	const big = 1e6
	for i := 0; i < n; i++ {
		row := cost[i][:n]
		for j := range row {
			row[j] = big
		}
		if i >= len(ti) {
			continue
		}
		t := tr.tracks[ti[i]]
		pb := t.Box()
		for j, dj := range di {
			// A partial view is compared as the whole person it shows.
			db := dets[dj].Box
			if w, ok := tr.headed(dets[dj], t); ok {
				db = w
			}
			c := matchCost(pb, db, t.misses, tr.dt)
			if c <= gate {
				if !t.confirmed {
					c += 0.05
				}
				row[j] = c
			}
		}
	}
	match := hungarian(cost, n)
	usedD := make([]bool, len(di))
	for i, t := range ti {
		j := match[i]
		if j < 0 || j >= len(di) || cost[i][j] >= big {
			restT = append(restT, t)
			continue
		}
		usedD[j] = true
		pairs = append(pairs, [2]int{t, di[j]})
	}
	for j, d := range di {
		if !usedD[j] {
			restD = append(restD, d)
		}
	}
	return pairs, restT, restD
}

// matchCost is 1−IoU plus the centre distance in person heights; a coasting
// track's gate widens with the time it has been unseen.
func matchCost(p, d Box, misses int, dt float64) float64 {
	// Distances are in the track's own height: normalising by the larger
	// box would let a big newcomer (someone close to the camera entering
	// at the edge) capture a small, distant track.
	h := math.Max(p.H, 4)
	if r := d.H / h; r > 2 || r < 0.35 {
		return math.Inf(1) // not the same person
	}
	pc, dc := p.Center(), d.Center()
	dist := math.Hypot(pc.X-dc.X, (pc.Y-dc.Y)*0.7) / h
	// a person walks about 0.6 heights per second; allow for that while
	// coasting, plus a fixed slack.
	slack := matchSlack + matchGrow*float64(misses)*dt
	if dist > slack {
		return math.Inf(1)
	}
	sizeDiff := math.Abs(math.Log(math.Max(p.H, 1)/math.Max(d.H, 1))) + 0.5*math.Abs(math.Log(math.Max(p.W, 1)/math.Max(d.W, 1)))
	return 0.5*(1-IoU(p, d)) + 0.5*math.Max(0, dist-0.1*float64(misses)*dt) + 0.2*sizeDiff
}

// headed restores a detection cut off at the knees (legs behind a sign, a
// bench, someone in front) to the whole person, judged by its head, which
// is rarely hidden: such a box's bottom is too high for the height the
// perspective gives its head. Only for a track already followed as a whole
// person, so that small moving things (leaves) are never blown up to people.
func (tr *Tracker) headed(det Detection, t *Track) (Box, bool) {
	if tr.persp == nil || t == nil || t.hits < 3 {
		return Box{}, false
	}
	d := det.Box
	ht, ok := tr.persp.HeightFromTop(d.Y)
	if !ok || d.H >= 0.75*ht {
		return Box{}, false
	}
	if p := t.Box(); p.H < 0.8*ht || p.H > 1.25*ht {
		return Box{}, false
	}
	return Box{d.X, d.Y, d.W, ht}, true
}

// inFrame widens a box cut by the left or right side of the picture to a
// whole person's width (the track's, or 0.4 of the height), keeping the
// edge inside the picture, which is the person's: the foot point of half a
// person would slide along the side of the picture as they walk out, and
// count crossings of a line near it that nobody made.
func (tr *Tracker) inFrame(d Box, t *Track) Box {
	if tr.frameW <= 0 {
		return d
	}
	w := 0.4 * d.H
	if t != nil && t.hits >= 3 {
		w = t.Box().W
	}
	if d.W >= w {
		return d
	}
	if d.X <= 1 {
		return Box{d.X + d.W - w, d.Y, w, d.H}
	}
	if d.X+d.W >= tr.frameW-1 {
		return Box{d.X, d.Y, w, d.H}
	}
	return d
}

// settle turns a detection into the box of the whole person. A blob much
// shorter than a person standing there is a partial view — legs hidden
// behind a sign or someone in front, which a camera looking down makes far
// more common than a hidden head — and a much taller one a merge with a
// shadow or someone behind. The edge that agrees with the track's
// prediction (or, for a new track, the head for a short blob and the feet
// for a tall one) is kept and the person's height restored, so the foot
// point does not jump across a line. A box cut by the side of the picture
// is widened first (inFrame), and one cut off at the knees of a track
// already followed is judged by its head (headed).
func (tr *Tracker) settle(det Detection, t *Track) Box {
	det.Box = tr.inFrame(det.Box, t)
	d := det.Box
	exp := det.PersonHeight
	if w, ok := tr.headed(det, t); ok {
		return w
	}
	if exp > 0 && d.H > 0.75*exp && d.H < 1.3*exp {
		return d // a whole person
	}
	var p Box
	known := t != nil && t.hits >= 3
	if known {
		p = t.Box()
	}
	h := exp
	if known && (exp <= 0 || (p.H > 0.7*exp && p.H < 1.4*exp)) {
		h = p.H
	}
	if h <= 0 || (d.H >= 0.8*h && d.H <= 1.25*h) {
		return d
	}
	keepTop := d.H < h
	if known {
		keepTop = math.Abs(d.Y-p.Y) <= math.Abs(d.Y+d.H-p.Y-p.H)
	}
	if keepTop {
		return Box{d.X, d.Y, d.W, h}
	}
	return Box{d.X, d.Y + d.H - h, d.W, h}
}

// groups finds, for each detection, the confirmed tracks left unmatched
// whose predicted box lies mostly inside it while it is clearly bigger than
// any one of them: people who have walked into one blob with others (side by
// side, one behind the other). Without this, the blob's box is given to
// one of them, whose foot point jumps to the group's edge, and the others
// coast away from it and are lost.
func (tr *Tracker) groups(restT []int, dets []Detection, pairs [][2]int) map[int][]int {
	if len(restT) == 0 {
		return nil
	}
	var members map[int][]int
	owner := map[int]int{}
	for _, p := range pairs {
		owner[p[1]] = p[0]
	}
	for _, ti := range restT {
		t := tr.tracks[ti]
		if !t.confirmed || float64(t.misses)*tr.dt > groupLost {
			continue
		}
		pb := t.Box()
		best, bestShare := -1, groupInside
		for j := range dets {
			d := dets[j].Box
			if d.W*d.H < groupArea*pb.W*pb.H {
				continue
			}
			if oi, ok := owner[j]; ok && IoU(tr.tracks[oi].Box(), pb) > 0.4 {
				continue // the same person twice, not a group
			}
			if sh := insideShare(pb, d); sh > bestShare {
				best, bestShare = j, sh
			}
		}
		if best >= 0 {
			if members == nil {
				members = map[int][]int{}
			}
			members[best] = append(members[best], ti)
		}
	}
	return members
}

// insideShare is the share of a's area that lies inside b.
func insideShare(a, b Box) float64 {
	x1, y1 := math.Max(a.X, b.X), math.Max(a.Y, b.Y)
	x2, y2 := math.Min(a.X+a.W, b.X+b.W), math.Min(a.Y+a.H, b.Y+b.H)
	if x2 <= x1 || y2 <= y1 || a.W*a.H <= 0 {
		return 0
	}
	return (x2 - x1) * (y2 - y1) / (a.W * a.H)
}

// partial updates a track seen only as part of a group's blob: its
// prediction is moved the least needed to lie inside the blob, and taken as
// a loose measurement of its position (its size is left alone).
func (tr *Tracker) partial(t *Track, g Box) {
	p := t.Box()
	x, y := p.X, p.Y
	if p.W >= g.W {
		x = g.X + (g.W-p.W)/2
	} else {
		x = math.Min(math.Max(x, g.X), g.X+g.W-p.W)
	}
	if p.H >= g.H {
		y = g.Y + g.H - p.H
	} else {
		y = math.Min(math.Max(y, g.Y), g.Y+g.H-p.H)
	}
	r := (groupNoise * p.H) * (groupNoise * p.H)
	t.cx.update(x+p.W/2, r)
	t.cy.update(y+p.H/2, r)
	t.matched = true
	t.grouped++
}

func (tr *Tracker) correct(t *Track, det Detection) {
	t.grouped = 0
	d := tr.settle(det, t)
	if t.confirmed {
		t.vx, t.vy = t.cx.v, t.cy.v
	}
	r := (tr.tun.measNoise * d.H) * (tr.tun.measNoise * d.H)
	t.cx.update(d.X+d.W/2, r)
	t.cy.update(d.Y+d.H/2, r)
	t.w.update(d.W, 2*r)
	t.h.update(d.H, 2*r)
	t.hits++
	t.matched = true
	t.lastBox = d
}

// hungarian solves the n×n assignment problem on cost (minimum total) and
// returns for each row its column. O(n³), allocation per call is O(n).
func hungarian(cost [][]float64, n int) []int {
	inf := math.Inf(1)
	u := make([]float64, n+1)
	v := make([]float64, n+1)
	p := make([]int, n+1)
	way := make([]int, n+1)
	minv := make([]float64, n+1)
	used := make([]bool, n+1)
	for i := 1; i <= n; i++ {
		p[0] = i
		j0 := 0
		for j := range minv {
			minv[j] = inf
			used[j] = false
		}
		for {
			used[j0] = true
			i0, delta, j1 := p[j0], inf, 0
			for j := 1; j <= n; j++ {
				if used[j] {
					continue
				}
				cur := cost[i0-1][j-1] - u[i0] - v[j]
				if cur < minv[j] {
					minv[j], way[j] = cur, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			for j := 0; j <= n; j++ {
				if used[j] {
					u[p[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if p[j0] == 0 {
				break
			}
		}
		for {
			j1 := way[j0]
			p[j0] = p[j1]
			j0 = j1
			if j0 == 0 {
				break
			}
		}
	}
	match := make([]int, n)
	for j := 1; j <= n; j++ {
		if p[j] > 0 {
			match[p[j]-1] = j - 1
		}
	}
	return match
}

// Tracker constants, chosen on 40 random counting lines of PETS09-S2L1
// (seeds 1–3) and checked on others (seeds 4–10) and on altered copies of
// the footage (see docs/counting.md).
const (
	// strongGate and weakGate are the largest match costs a strong and a
	// weak detection may have with a track.
	strongGate = 1.0
	weakGate   = 0.5
	// matchSlack is how far (in person heights) a detection may lie from
	// a track's prediction; matchGrow widens it per second unseen.
	matchSlack = 0.6
	matchGrow  = 0.6
	// A track joins a group's blob when at least groupInside of its
	// predicted box lies inside it and the blob is groupArea times its
	// size or more, unless it has been lost for over groupLost seconds.
	// Inside the group its predicted position is a measurement with an
	// error of groupNoise person heights. After groupAlone seconds seen
	// only inside groups it coasts and ages out like any lost track.
	groupInside = 0.7
	groupArea   = 1.6
	groupLost   = 1.0 // seconds
	groupNoise  = 0.3
	groupAlone  = 3.0 // seconds
)
