package vision

import (
	"image"
	"time"
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
