package vision

import (
	"context"
	"image"
	"time"

	"gocv.io/x/gocv"
)

// StillOptions say how a still is made from a recording.
type StillOptions struct {
	// Blur, when set, finds the people whose heads are blurred (for
	// anything that leaves the laptop).
	Blur Detector
	// Lines are burned into the top-left corner (store, camera, time).
	Lines []string
}

// Still is the frame shown at offset into the recording at path, blurred
// and burned in as opts say, and the offset of the frame actually shown.
func Still(path string, offset time.Duration, opts StillOptions) (*image.RGBA, time.Duration, error) {
	p, err := OpenPlayer(path)
	if err != nil {
		return nil, 0, err
	}
	defer p.Close()
	i := p.FrameAt(offset)
	if err := p.Seek(i); err != nil {
		return nil, 0, err
	}
	m, err := p.Read()
	if err != nil {
		return nil, 0, err
	}
	if opts.Blur != nil {
		dets, err := opts.Blur.Detect(*m)
		if err != nil {
			return nil, 0, err
		}
		BlurRegions(m, HeadRegions(dets, p.Size()))
	}
	if len(opts.Lines) > 0 {
		BurnIn(m, opts.Lines...)
	}
	return p.ToRGBA(m, nil), p.FrameTime(i), nil
}

// LiveStill is the current frame of the camera stream at uri (rtsp:// or
// http://), blurred and burned in as opts say. It fails, naming the
// stream, when the camera cannot be reached or sends no frame.
func LiveStill(ctx context.Context, uri string, opts StillOptions) (*image.RGBA, error) {
	s, err := OpenSource(uri)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	m := gocv.NewMat()
	defer m.Close()
	if err := s.Read(ctx, &m); err != nil {
		return nil, err
	}
	if opts.Blur != nil {
		dets, err := opts.Blur.Detect(m)
		if err != nil {
			return nil, err
		}
		BlurRegions(&m, HeadRegions(dets, image.Pt(m.Cols(), m.Rows())))
	}
	if len(opts.Lines) > 0 {
		BurnIn(&m, opts.Lines...)
	}
	return matToRGBA(m)
}

// matToRGBA copies a BGR frame into a new RGBA picture.
func matToRGBA(m gocv.Mat) (*image.RGBA, error) {
	rgba := gocv.NewMat()
	defer rgba.Close()
	gocv.CvtColor(m, &rgba, gocv.ColorBGRToRGBA)
	data, err := rgba.DataPtrUint8()
	if err != nil {
		return nil, err
	}
	dst := image.NewRGBA(image.Rect(0, 0, rgba.Cols(), rgba.Rows()))
	copy(dst.Pix, data)
	return dst, nil
}

// PeopleInPicture counts the people det finds in the picture file at path
// (JPEG or PNG) with a score of at least minScore (a detector's weak boxes,
// kept for tracking, are left out): the pre-check of an inspection
// snapshot ("is anybody at the door?").
func PeopleInPicture(path string, det Detector, minScore float64) (int, error) {
	return PeopleInZone(path, det, minScore, nil, image.Point{})
}

// PeopleInZone is PeopleInPicture counting only the people whose feet are
// in zone, a polygon in the pixels of a size frame (zero size: the
// picture's own; no zone: the whole picture): "is anybody standing at the
// door?".
func PeopleInZone(path string, det Detector, minScore float64, zone []Pt, size image.Point) (int, error) {
	m := gocv.IMRead(path, gocv.IMReadColor)
	defer m.Close()
	if m.Empty() {
		return 0, sourceErr(ErrSourceUnsupported, "noframe", "Video", path)
	}
	dets, err := det.Detect(m)
	if err != nil {
		return 0, err
	}
	sx, sy := 1.0, 1.0
	if size.X > 0 && size.Y > 0 {
		sx, sy = float64(size.X)/float64(m.Cols()), float64(size.Y)/float64(m.Rows())
	}
	n := 0
	for _, d := range dets {
		f := d.Box.Foot()
		if d.Score >= minScore && (len(zone) < 3 || Inside(zone, Pt{f.X * sx, f.Y * sy})) {
			n++
		}
	}
	return n, nil
}
