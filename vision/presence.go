package vision

import (
	"context"
	"image"
	"time"

	"gocv.io/x/gocv"
)

// TillZones are a till camera's two sides of the counter, as polygons in
// the pixels of a Size frame: where customers stand (Customer) and where
// the staff work (Staff, may be empty). A person counts on the side their
// feet are in.
type TillZones struct {
	Customer, Staff []Pt
	Size            image.Point // the frame the polygons are drawn on; zero: the video's own
}

// PresenceSample is the people seen on each side of the counter at one
// moment of a recording. Waiting counts the customers standing where one
// stood at the sample before (their boxes overlap by half or more):
// someone waiting at the till rather than walking past it.
type PresenceSample struct {
	At        time.Duration // from the recording's start
	Customers int
	Waiting   int
	Staff     int
}

// PresenceOptions tune ZonePresence. The zero value is the default.
type PresenceOptions struct {
	// Step is the time between samples (default 2 s).
	Step time.Duration
	// MinScore is the detector score counted as a person (default 0.45).
	MinScore float64
	// Still is the mean absolute difference (0–255, on a small grey copy)
	// below which a sample is taken as unchanged from the last one the
	// detector looked at, and its answer reused (default 1.5): a counter
	// with nobody moving costs no network pass.
	Still float64
}

// ZonePresence samples the recording at path every opts.Step and counts
// the people det finds on each side of the counter. It reads the video in
// order, decoding only the sampled frames, and stops early when ctx ends.
func ZonePresence(ctx context.Context, path string, det Detector, zones TillZones, opts PresenceOptions) ([]PresenceSample, error) {
	if opts.Step <= 0 {
		opts.Step = 2 * time.Second
	}
	if opts.MinScore <= 0 {
		opts.MinScore = 0.45
	}
	if opts.Still <= 0 {
		opts.Still = 1.5
	}
	p, err := OpenPlayer(path)
	if err != nil {
		return nil, err
	}
	defer p.Close()
	sx, sy := 1.0, 1.0
	if zones.Size.X > 0 && zones.Size.Y > 0 {
		sx, sy = float64(zones.Size.X)/float64(p.Size().X), float64(zones.Size.Y)/float64(p.Size().Y)
	}
	small, last, diff := gocv.NewMat(), gocv.NewMat(), gocv.NewMat()
	defer small.Close()
	defer last.Close()
	defer diff.Close()
	var out []PresenceSample
	var prev PresenceSample
	var prevBoxes, boxes []Box // customer-side boxes of the last two looks
	for k := 0; ; k++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		at := time.Duration(k) * opts.Step
		i := p.FrameAt(at)
		if at > p.Duration() || (k > 0 && i <= p.Next()-1) {
			break
		}
		if n := i - p.Next(); n > 0 {
			p.cap.Grab(n) // decodes without converting
			p.next = i
		}
		m, err := p.Read()
		if err == ErrEndOfVideo {
			break
		}
		if err != nil {
			return nil, err
		}
		gocv.Resize(*m, &small, image.Pt(96, 72), 0, 0, gocv.InterpolationArea)
		gocv.CvtColor(small, &small, gocv.ColorBGRToGray)
		s := PresenceSample{At: p.FrameTime(i)}
		if !last.Empty() {
			gocv.AbsDiff(small, last, &diff)
			if diff.Mean().Val1 < opts.Still {
				// Nobody moved: whoever is there stands still.
				s.Customers, s.Waiting, s.Staff = prev.Customers, prev.Customers, prev.Staff
				out = append(out, s)
				continue
			}
		}
		dets, err := det.Detect(*m)
		if err != nil {
			return nil, err
		}
		boxes = boxes[:0]
		for _, d := range dets {
			if d.Score < opts.MinScore {
				continue
			}
			f := d.Box.Foot()
			f = Pt{f.X * sx, f.Y * sy}
			switch {
			case len(zones.Customer) > 2 && Inside(zones.Customer, f):
				s.Customers++
				boxes = append(boxes, d.Box)
				for _, b := range prevBoxes {
					if IoU(b, d.Box) >= 0.5 {
						s.Waiting++
						break
					}
				}
			case len(zones.Staff) > 2 && Inside(zones.Staff, f):
				s.Staff++
			}
		}
		prevBoxes = append(prevBoxes[:0], boxes...)
		small.CopyTo(&last)
		prev = s
		out = append(out, s)
	}
	return out, nil
}
