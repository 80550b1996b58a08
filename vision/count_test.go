package vision

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gocv.io/x/gocv"
)

var door = Line{Pt{384, 120}, Pt{384, 576}}

// countVideo runs a recount of a file with cfg (door line unless set).
func countVideo(t *testing.T, video string, cfg Config) *Result {
	t.Helper()
	src, err := OpenSource(video)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if cfg.Entrance.Len() == 0 {
		cfg.Entrance = door
	}
	res, err := Count(context.Background(), src, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

var (
	plainOnce sync.Once
	plainRes  *Result
)

// plainCount is the recount of vtest.avi on the door line with defaults,
// shared by the tests that compare against it.
func plainCount(t *testing.T) *Result {
	plainOnce.Do(func() { plainRes = countVideo(t, footage(t, "vtest.avi"), Config{}) })
	if plainRes == nil {
		t.Fatal("plain recount failed")
	}
	return plainRes
}

func TestLineDirection(t *testing.T) {
	// The example: for 384,120 → 384,576, x<384 → x>384 is "in".
	l := Line{Pt{384, 120}, Pt{384, 576}}
	if l.SignedDist(Pt{500, 300}) >= 0 || l.SignedDist(Pt{200, 300}) <= 0 {
		t.Fatalf("right of the line must be the in side (negative), left the out side")
	}
	// The same walk, left to right, on the real footage: person 19 of the
	// annotation walks from x≈450 to x≈290 between frames 45 and 72, out.
	res := plainCount(t)
	found := false
	for _, e := range res.Events {
		if e.Frame >= 52 && e.Frame <= 66 {
			found = true
			if e.Dir != DirOut {
				t.Errorf("a walk from right to left across x=384 counted %q at frame %d, want out", e.Dir, e.Frame)
			}
		}
	}
	if !found {
		t.Errorf("no crossing counted around frame 59 where person 19 walks across x=384")
	}
}

func TestCountTotalsMatchEvents(t *testing.T) {
	res := plainCount(t)
	in, out := 0, 0
	for i, e := range res.Events {
		if i > 0 && e.T < res.Events[i-1].T {
			t.Fatalf("events out of time order at %d", i)
		}
		if e.Track <= 0 || e.Line != LineEntrance {
			t.Fatalf("event %+v", e)
		}
		if e.Dir == DirIn {
			in++
		} else {
			out++
		}
	}
	if in != res.In || out != res.Out || res.Entries != res.In-res.StaffExcluded-res.Reentries {
		t.Errorf("totals %d in / %d out / %d entries do not add up from %d events", res.In, res.Out, res.Entries, len(res.Events))
	}
	if res.Frames != 795 || res.FPS != 10 {
		t.Errorf("frames %d at %v fps", res.Frames, res.FPS)
	}
}

// doubledClip writes the first n frames of vtest.avi twice in a row: the
// same people walk past the door again, as if they came back.
func doubledClip(t *testing.T, n int) string {
	src := openFootage(t, "vtest.avi")
	var frames []gocv.Mat
	defer func() {
		for _, f := range frames {
			f.Close()
		}
	}()
	m := gocv.NewMat()
	defer m.Close()
	for len(frames) < n && src.Read(context.Background(), &m) == nil {
		frames = append(frames, m.Clone())
	}
	path := filepath.Join(t.TempDir(), "twice.avi")
	vw, err := gocv.VideoWriterFile(path, "MJPG", 10, 768, 576, true)
	if err != nil {
		t.Fatal(err)
	}
	defer vw.Close()
	for pass := 0; pass < 2; pass++ {
		for _, f := range frames {
			if err := vw.Write(f); err != nil {
				t.Fatal(err)
			}
		}
	}
	return path
}

func TestReentryCountsOnce(t *testing.T) {
	video := doubledClip(t, 400)
	t.Run("motion", func(t *testing.T) { reentryCountsOnce(t, video, nil) })
	t.Run("learnt detector", func(t *testing.T) {
		reentryCountsOnce(t, video, func() Detector { return builtInNanoDet(t) })
	})
}

func reentryCountsOnce(t *testing.T, video string, det func() Detector) {
	cfgRaw, cfgDedup := Config{ReentryWindow: -1}, Config{}
	if det != nil {
		cfgRaw.Detector, cfgDedup.Detector = det(), det()
	}
	raw := countVideo(t, video, cfgRaw)
	dedup := countVideo(t, video, cfgDedup)
	if raw.Reentries != 0 || raw.Entries != raw.In {
		t.Fatalf("with de-duplication off: %d entries of %d in, %d re-entries", raw.Entries, raw.In, raw.Reentries)
	}
	if dedup.In != raw.In {
		t.Errorf("raw crossings changed with de-duplication: %d vs %d (re-entries must be recorded, not dropped)", dedup.In, raw.In)
	}
	var first, second, firstRe, secondRe int
	for _, e := range dedup.Events {
		if e.Dir != DirIn {
			continue
		}
		if e.Frame < 400 {
			first++
			if e.Reentry {
				firstRe++
			}
		} else {
			second++
			if e.Reentry {
				secondRe++
			}
		}
	}
	t.Logf("first pass: %d in, %d re-entries; replay: %d in, %d re-entries; entries %d (raw %d)", first, firstRe, second, secondRe, dedup.Entries, raw.Entries)
	if second == 0 || 2*secondRe < second {
		t.Errorf("the replay's %d inward crossings by people already seen: only %d recognised as re-entries", second, secondRe)
	}
	if secondRe <= firstRe {
		t.Errorf("re-entries in the replay (%d) do not exceed those of the first pass (%d)", secondRe, firstRe)
	}
	if dedup.Entries >= raw.Entries || dedup.Entries+dedup.Reentries != dedup.In {
		t.Errorf("entries %d (+%d re-entries) of %d in; without de-duplication %d", dedup.Entries, dedup.Reentries, dedup.In, raw.Entries)
	}
}

func TestStaffExclusion(t *testing.T) {
	video := footage(t, "vtest.avi")
	plain := plainCount(t)
	if plain.In == 0 {
		t.Fatal("no inward crossings to exclude")
	}
	whole := []Pt{{0, 0}, {768, 0}, {768, 576}, {0, 576}}
	grass := []Pt{{0, 520}, {120, 520}, {120, 576}, {0, 576}} // nobody walks there
	// The first person counted as an entry, marked as staff in review.
	var marked int
	for _, e := range plain.Events {
		if e.Dir == DirIn && !e.Reentry {
			marked = e.Track
			break
		}
	}
	for _, tc := range []struct {
		name  string
		cfg   Config
		check func(t *testing.T, r *Result)
	}{
		{"zone over the whole picture", Config{StaffZone: whole}, func(t *testing.T, r *Result) {
			if r.Entries != 0 || r.StaffExcluded != r.In || r.In != plain.In {
				t.Errorf("everyone in a staff zone: %d entries, %d staff of %d in (plain %d)", r.Entries, r.StaffExcluded, r.In, plain.In)
			}
		}},
		{"zone nobody enters", Config{StaffZone: grass}, func(t *testing.T, r *Result) {
			if r.StaffExcluded != 0 || r.Entries != plain.Entries {
				t.Errorf("an empty staff zone excluded %d; entries %d, plain %d", r.StaffExcluded, r.Entries, plain.Entries)
			}
		}},
		{"track marked in review", Config{StaffTracks: []int{marked}}, func(t *testing.T, r *Result) {
			for _, e := range r.Events {
				if (e.Track == marked) != e.Staff {
					t.Errorf("event of track %d staff=%v; only track %d is marked", e.Track, e.Staff, marked)
				}
			}
			if r.StaffExcluded == 0 || r.Entries >= plain.Entries || r.In != plain.In {
				t.Errorf("marking track %d: %d entries (plain %d), %d staff", marked, r.Entries, plain.Entries, r.StaffExcluded)
			}
		}},
		{"uniform colour nobody wears", Config{StaffUniform: &UniformColour{HMin: 140, HMax: 160, SMin: 200, SMax: 255, VMin: 200, VMax: 255}}, func(t *testing.T, r *Result) {
			if r.StaffExcluded != 0 {
				t.Errorf("a magenta uniform excluded %d crossings", r.StaffExcluded)
			}
		}},
		{"dark uniform", Config{StaffUniform: &UniformColour{HMin: 0, HMax: 180, SMin: 0, SMax: 255, VMin: 0, VMax: 70, MinShare: 0.5}}, func(t *testing.T, r *Result) {
			// Most people in the clip wear dark coats: many count as staff,
			// and the totals stay consistent.
			if r.StaffExcluded == 0 || r.Entries+r.StaffExcluded+r.Reentries != r.In {
				t.Errorf("dark coats as uniform: %d staff, %d entries, %d re-entries of %d in", r.StaffExcluded, r.Entries, r.Reentries, r.In)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.check(t, countVideo(t, video, tc.cfg))
		})
	}
}

func TestDwell(t *testing.T) {
	res := plainCount(t)
	if res.DwellN == 0 {
		t.Fatal("nobody who went in came back out on the door line; person 1 of the clip does, several times")
	}
	var sum time.Duration
	for _, e := range res.Events {
		if e.Dwell == 0 {
			continue
		}
		sum += e.Dwell
		if e.Dir != DirOut {
			t.Errorf("dwell on an inward crossing: %+v", e)
		}
		// The matched entry exists: an earlier inward crossing exactly
		// Dwell before.
		ok := false
		for _, f := range res.Events {
			if f.Dir == DirIn && f.T == e.T-e.Dwell {
				ok = true
			}
		}
		if !ok {
			t.Errorf("exit at %v with dwell %v has no entry at %v", e.T, e.Dwell, e.T-e.Dwell)
		}
	}
	if sum != res.DwellSum {
		t.Errorf("dwell sum %v, events add to %v", res.DwellSum, sum)
	}
}

func TestCounterRejectsBadLines(t *testing.T) {
	for _, tc := range []struct {
		cfg     Config
		mention string
	}{
		{Config{}, "no entrance line"},
		{Config{Entrance: Line{Pt{0, 0}, Pt{2000, 0}}}, "outside the 768x576 frame"},
		{Config{Entrance: door, Outside: &Line{Pt{-50, 0}, Pt{10, 10}}}, "outside line"},
	} {
		_, err := NewCounter(tc.cfg, 768, 576, 10)
		if err == nil || !strings.Contains(err.Error(), tc.mention) {
			t.Errorf("config %+v: error %v, want one mentioning %q", tc.cfg.Entrance, err, tc.mention)
		}
	}
	if _, err := ParseLine("1,2,3"); err == nil {
		t.Error("a line of three numbers parsed")
	}
	if l, err := ParseLine(" 384,120, 384,576"); err != nil || l != door {
		t.Errorf("ParseLine: %v %v", l, err)
	}
}

func TestCountLiveStreamStopsWithContext(t *testing.T) {
	srv, _ := mjpegCamera(t, 1000)
	src, err := OpenSource(srv.URL + "/live.mjpg")
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 800*time.Millisecond)
	defer cancel()
	res, err := Count(ctx, src, Config{Entrance: Line{Pt{80, 0}, Pt{80, 120}}}, nil)
	if err == nil || err == io.EOF {
		t.Fatalf("a live count ended by itself: %v", err)
	}
	if res == nil || res.Frames == 0 {
		t.Fatalf("a live count stopped by its context returns what it counted so far, got %+v", res)
	}
}
