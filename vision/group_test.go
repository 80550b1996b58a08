package vision

import (
	"math"
	"testing"

	"gocv.io/x/gocv"
)

// scriptedDetector returns boxes computed from the frame's time: people
// walking a known path, for tests of the tracker and the counting rules
// without footage.
type scriptedDetector struct {
	looks int
	dt    float64 // seconds between looks
	boxes func(t float64) []Box
}

func (d *scriptedDetector) Detect(gocv.Mat) ([]Detection, error) {
	t := float64(d.looks) * d.dt
	d.looks++
	var out []Detection
	for _, b := range d.boxes(t) {
		out = append(out, Detection{Box: b, Score: 0.9, PersonHeight: b.H})
	}
	return out, nil
}

func (d *scriptedDetector) Close() error { return nil }

// TestCoupleWalkingAsOneBlob: two people walk side by side so close that
// the detector sees one blob for over four seconds, crossing the entrance
// line in it, then part. Both crossings count: the one the blob is not
// given to stays followed inside it instead of coasting away and being
// lost (which used to count one shopper for the two).
func TestCoupleWalkingAsOneBlob(t *testing.T) {
	const w, h = 384, 288
	const speed = 28.0               // px/s
	gap := func(t float64) float64 { // centre to centre, px
		switch {
		case t < 1:
			return 60
		case t < 2:
			return 60 - 35*(t-1)
		case t < 6:
			return 25
		case t < 7:
			return 25 + 35*(t-6)
		}
		return 60
	}
	person := func(cx, foot float64) Box { return Box{cx - 14, foot - 80, 28, 80} }
	det := &scriptedDetector{dt: 0.2, boxes: func(t float64) []Box {
		a := person(30+speed*t, 200)
		b := person(30+speed*t+gap(t), 204)
		if gap(t) < 40 { // one blob
			return []Box{union(a, b)}
		}
		return []Box{a, b}
	}}
	line := Line{Pt{160, 0}, Pt{160, h}}
	c, err := NewCounter(Config{Entrance: line, Detector: det}, w, h, 10)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	frame := gocv.NewMatWithSize(h, w, gocv.MatTypeCV8UC3)
	defer frame.Close()
	for i := 0; i < 90; i++ { // 9 s at 10 fps
		if err := c.Process(frame); err != nil {
			t.Fatal(err)
		}
	}
	res := c.Finish()
	if res.In != 2 || res.Out != 0 {
		t.Errorf("a couple walking in as one blob: in %d, out %d; want in 2, out 0 (events %+v)", res.In, res.Out, res.Events)
	}
	// The two crossings are timed where each person crossed: B (ahead)
	// at (160-30-25)/28 = 3.75 s, A at (160-30)/28 = 4.6 s.
	for i, want := range []float64{3.75, 4.64} {
		if i < len(res.Events) {
			if got := res.Events[i].T.Seconds(); math.Abs(got-want) > 1 {
				t.Errorf("crossing %d at %.2f s, want %.2f s ± 1 s", i+1, got, want)
			}
		}
	}
}
