package vision

// tuning holds the tracker's and the counting rules' settings that depend
// on how a detector errs: a motion blob's box wobbles by a fifth of a
// person's height with limbs, shadows and neighbours, a learnt detector's
// by a few hundredths.
type tuning struct {
	// hysteresis is how far past a line the foot point must be, as a
	// share of the person's height (Config.Hysteresis overrides it).
	hysteresis float64
	// settle is how long (seconds) a foot point must stay past a line's
	// margin for its side to count.
	settle float64
	// walkDist is how far a track's foot must go in its last second, in
	// its height, for it to count as walking.
	walkDist float64
	// measNoise is a detection's error and accelNoise the filter's
	// acceleration noise, in person heights (per second squared).
	measNoise, accelNoise float64
	// groups follows people inside a blob of several (motion detection
	// merges people walking together; a learnt detector does not).
	groups bool
	// sideMargin is the margin, as a share of the person's width, within
	// which a foot point at the left or right side of the picture sets no
	// side.
	sideMargin float64
	// rawFoot counts on the detected box's bottom when the track was
	// detected, rather than on the filtered box.
	rawFoot bool
	// A new detection that overlaps a matched track by more than dupIoU,
	// or lies inside it by more than dupInside, starts no track.
	dupIoU, dupInside float64
	// smooth is how many looks on each side of a look the foot point is
	// fitted to before it is counted (0: counted as it comes).
	smooth int
	// gate spares the detector looks at which nothing changed, and
	// crops its picture to the counting lines' region (a stateless
	// detector only: a background model must see every look).
	gate bool
}

// motionTuning was chosen on 40 random counting lines of PETS09-S2L1
// (seeds 1–3) and checked on others (seeds 4–10) and on altered copies of
// the footage (docs/counting.md).
var motionTuning = tuning{
	hysteresis: 0.13,
	settle:     0.3,
	walkDist:   0.15,
	measNoise:  0.2,
	accelNoise: 2.0,
	groups:     true,
	sideMargin: 0.1,
	dupIoU:     0.3,
	dupInside:  0.6,
}

// learntTuning is for the learnt person detector, chosen on the random
// lines of seeds 1–3 and checked on seeds 4–10 (docs/counting.md). Its
// boxes are steadier than a blob's, but their foot point still wanders by
// about 0.03 of the height between looks: fitting each look to the two on
// either side (a straight walk through 0.8 s) cut the counting errors by
// a seventh, and takes the place of the settling, which only delayed the
// fitted foot. The margin is a little narrower than for motion. A person
// walking in at the side of the picture is seen by the network a step
// earlier than a blob is: no side is set within half a person's width of
// the side, where they are only partly in view.
var learntTuning = func() tuning {
	t := motionTuning
	t.hysteresis = 0.11
	t.settle = 0
	t.smooth = 2
	t.sideMargin = 0.5
	t.gate = true
	return t
}()

// exactTuning is for boxes that put the foot where it is (an annotation):
// the margin of the annotation's own definition of a crossing, no
// settling, smoothing or walking test, the box's own bottom as the foot,
// and a person who appears beside another followed at once. It measures
// what the counting rules themselves cost (docs/counting.md).
var exactTuning = func() tuning {
	t := motionTuning
	t.hysteresis = 0.1
	t.settle = 0
	t.walkDist = 0
	t.measNoise = 0.05
	t.rawFoot = true
	t.dupIoU, t.dupInside = 0.5, 0.8
	return t
}()

// tunedDetector is implemented by detectors whose errors call for other
// settings than motion detection's.
type tunedDetector interface {
	tuning() tuning
}

func (d *NanoDetDetector) tuning() tuning { return learntTuning }

// tuningHook, when set, adjusts the settings of every new counter.
var tuningHook func(*tuning)

func tuningOf(d Detector) tuning {
	t := motionTuning
	if td, ok := d.(tunedDetector); ok {
		t = td.tuning()
	}
	if tuningHook != nil {
		tuningHook(&t)
	}
	return t
}
