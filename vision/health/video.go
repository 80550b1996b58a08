package health

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gocv.io/x/gocv"

	"storelens/vision"
)

// Report is the outcome of checking one video.
type Report struct {
	// Frames is the number of frames read; FPS the video's frame rate.
	Frames int
	FPS    float64
	// Duration is the footage time covered, seconds.
	Duration float64
	// Analysed is how many frames the checks looked at.
	Analysed int
	// Reference is the reference the video was judged against (learnt
	// from its first Config.ReferenceSpan when none was given).
	Reference *Reference
	// Learnt is true when Reference was learnt from this video.
	Learnt bool
	// Alerts are the alerts found, in the order they were raised.
	Alerts []Alert
}

// CheckVideo reads the video at uri (a file or a camera address) to its end
// and checks every Config.SampleEvery of footage against ref. With a nil
// ref, the first Config.ReferenceSpan of the video is learnt as the
// reference first (and checked too). A live camera is watched until ctx
// ends; the report then holds what was seen, alerts still open included.
// Bad input yields an error naming the video and what to do.
func CheckVideo(ctx context.Context, uri string, ref *Reference, cfg Config) (*Report, error) {
	cfg = cfg.withDefaults()
	src, err := openFootage(uri)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	rep := &Report{FPS: src.fps, Reference: ref}
	frame := gocv.NewMat()
	defer frame.Close()

	var chk *Checker
	var learner *Learner
	var held []heldFrame // frames of the reference span, checked once it is learnt
	defer func() {
		for _, h := range held {
			h.m.Close()
		}
	}()
	if ref == nil {
		learner = NewLearner(cfg)
		defer learner.Close()
		rep.Learnt = true
	} else if chk, err = NewChecker(ref, cfg); err != nil {
		return nil, err
	} else {
		defer chk.Close()
	}
	startChecking := func() error {
		r, err := learner.Reference()
		if err != nil {
			return fmt.Errorf("video %s: %w; pass --reference with footage of the camera's normal view", uri, err)
		}
		rep.Reference = r
		if chk, err = NewChecker(r, cfg); err != nil {
			return err
		}
		for _, h := range held {
			if err := chk.Observe(h.t, h.m); err != nil {
				return fmt.Errorf("video %s: %w", uri, err)
			}
		}
		return nil
	}

	step := cfg.SampleEvery.Seconds()
	next := 0.0
	t := 0.0
	var readErr error
	live := src.src != nil
	for {
		if err := ctx.Err(); err != nil {
			if live && chk != nil {
				break // watching a live camera ends when asked; report what was seen
			}
			return nil, err
		}
		ft, err := src.read(ctx, &frame)
		if err != nil {
			if live && ctx.Err() != nil && chk != nil {
				break
			}
			if errors.Is(err, vision.ErrSourceTruncated) {
				return nil, err // a broken file, not a camera that stopped
			}
			if !errors.Is(err, io.EOF) {
				readErr = err
			}
			break
		}
		rep.Frames++
		t = ft
		if t+1e-9 < next {
			continue
		}
		next = math.Floor(t/step+1e-9)*step + step
		rep.Analysed++
		if chk == nil {
			if t < cfg.ReferenceSpan.Seconds() {
				if err := learner.Add(frame); err != nil {
					return nil, fmt.Errorf("video %s at %.1f s: %w", uri, t, err)
				}
				held = append(held, heldFrame{t: t, m: frame.Clone()})
				continue
			}
			if err := startChecking(); err != nil {
				return nil, err
			}
			defer chk.Close()
		}
		if err := chk.Observe(t, frame); err != nil {
			return nil, fmt.Errorf("video %s: %w", uri, err)
		}
	}
	if chk == nil { // the video is shorter than the reference span
		if err := startChecking(); err != nil {
			return nil, err
		}
		defer chk.Close()
	}
	rep.Duration = t + 1/math.Max(rep.FPS, 1)
	// A live stream that dropped for good is a camera that stopped; a file
	// that ends before the length it declares was refused above.
	if readErr != nil {
		chk.StreamStopped(round(rep.Duration, 2), math.Inf(1))
	}
	rep.Alerts = chk.Alerts()
	return rep, nil
}

type heldFrame struct {
	t float64
	m gocv.Mat
}

// LearnReference learns a camera's reference from path: the first
// cfg.ReferenceSpan of a video, or a single still picture (PNG or JPEG) of
// the normal view.
func LearnReference(ctx context.Context, path string, cfg Config) (*Reference, error) {
	cfg = cfg.withDefaults()
	l := NewLearner(cfg)
	defer l.Close()
	switch strings.ToLower(filepath.Ext(path)) {
	case ".png", ".jpg", ".jpeg", ".bmp":
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("reference picture %s: %w; check the path", path, err)
		}
		img := gocv.IMRead(path, gocv.IMReadColor)
		defer img.Close()
		if img.Empty() {
			return nil, fmt.Errorf("reference picture %s cannot be decoded; export it again as PNG or JPEG", path)
		}
		if err := l.Add(img); err != nil {
			return nil, fmt.Errorf("reference picture %s: %w", path, err)
		}
	default:
		src, err := openFootage(path)
		if err != nil {
			return nil, err
		}
		defer src.Close()
		frame := gocv.NewMat()
		defer frame.Close()
		step := cfg.SampleEvery.Seconds()
		next := 0.0
		for {
			t, err := src.read(ctx, &frame)
			if err != nil {
				if errors.Is(err, io.EOF) {
					break
				}
				return nil, err
			}
			if t >= cfg.ReferenceSpan.Seconds() {
				break
			}
			if t+1e-9 < next {
				continue
			}
			next = math.Floor(t/step+1e-9)*step + step
			if err := l.Add(frame); err != nil {
				return nil, fmt.Errorf("reference video %s at %.1f s: %w", path, t, err)
			}
		}
	}
	r, err := l.Reference()
	if err != nil {
		return nil, fmt.Errorf("reference %s: %w; choose footage of the camera's normal view", path, err)
	}
	return r, nil
}

// footage reads frames with their presentation time. Files are opened
// through vision.OpenSource (for its checks and messages) and then read
// with the frame's own timestamp, so variable-frame-rate recordings (a
// camera that skips unchanged frames) keep their real timeline; live
// streams are read through the Source, whose clock is the wall clock.
type footage struct {
	name  string
	src   *vision.Source
	vc    *gocv.VideoCapture
	fps   float64
	count int
	prevT float64
	n     int
}

func openFootage(uri string) (*footage, error) {
	src, err := vision.OpenSource(uri)
	if err != nil {
		return nil, err
	}
	f := &footage{name: uri, fps: src.FPS(), count: src.FrameCount(), prevT: -1}
	if src.Live() {
		f.src = src
		return f, nil
	}
	src.Close()
	vc, err := gocv.VideoCaptureFileWithAPI(uri, gocv.VideoCaptureFFmpeg)
	if err != nil || !vc.IsOpened() {
		if vc != nil {
			vc.Close()
		}
		if vc, err = gocv.VideoCaptureFile(uri); err != nil || !vc.IsOpened() {
			return nil, fmt.Errorf("video %s: %w: OpenCV could not open it again; check that the file is not being replaced", uri, vision.ErrSourceUnsupported)
		}
	}
	f.vc = vc
	return f, nil
}

// read decodes the next frame into dst and returns its time in seconds
// from the start, or io.EOF after the last frame.
func (f *footage) read(ctx context.Context, dst *gocv.Mat) (float64, error) {
	if f.src != nil {
		if err := f.src.Read(ctx, dst); err != nil {
			return 0, err
		}
		return f.src.Pos().Seconds(), nil
	}
	if !f.vc.Read(dst) || dst.Empty() {
		// A file that stops short is broken, not a camera that lost
		// its picture: it is not judged at all.
		if err := vision.CheckComplete(f.name, f.prevT+1/math.Max(f.fps, 1), f.n, f.count, f.fps); err != nil {
			return 0, err
		}
		return 0, io.EOF
	}
	f.n++
	t := f.vc.Get(gocv.VideoCapturePosMsec) / 1000
	if math.IsNaN(t) || t <= f.prevT || (t == 0 && f.n > 1) {
		t = f.prevT + 1/math.Max(f.fps, 1)
		if f.prevT < 0 {
			t = 0
		}
	}
	f.prevT = t
	return t, nil
}

// Close releases the decoder.
func (f *footage) Close() error {
	if f.src != nil {
		return f.src.Close()
	}
	return f.vc.Close()
}
