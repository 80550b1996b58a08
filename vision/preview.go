package vision

import (
	"context"
	"errors"
	"time"
)

// PeopleAhead looks for people in a recording from offset at for the span
// after it, at the rate a recount looks (DefaultAnalysisFPS), and hands
// each looked-at frame's strong detections to each as it goes. It is what
// the review shows near the frame on screen while a recount of the whole
// recording is still on its way there: boxes without tracks or decisions.
// It stops at the end of the span or the recording, or when ctx is done
// (returning ctx's error).
func PeopleAhead(ctx context.Context, path string, det Detector, at, span time.Duration, each func(frame int, people []Box)) error {
	p, err := OpenPlayer(path)
	if err != nil {
		return err
	}
	defer p.Close()
	stride := max(1, int(p.FPS()/DefaultAnalysisFPS+0.5))
	from, count := p.FrameAt(at), int(span.Seconds()*p.FPS())
	if err := p.Seek(from); err != nil {
		return err
	}
	for i := from; i < from+count; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		f, err := p.Read()
		if errors.Is(err, ErrEndOfVideo) {
			return nil
		}
		if err != nil {
			return err
		}
		if (i-from)%stride != 0 {
			continue
		}
		dets, err := det.Detect(*f)
		if err != nil {
			return err
		}
		var people []Box
		for _, d := range dets {
			if d.Score >= 0.5 {
				people = append(people, d.Box)
			}
		}
		each(i, people)
	}
	return nil
}
