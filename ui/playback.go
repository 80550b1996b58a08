package ui

import (
	"image"
	"storelens/app"
	stdsync "sync"
	"time"
)

// playback plays one recording file off the UI goroutine: it owns the
// decoder, reads frames at the chosen speed, converts them into reused
// RGBA buffers and hands each to show (which must switch to the UI
// goroutine itself). Commands come from the UI through its methods.
type playback struct {
	mu      stdsync.Mutex
	cond    *stdsync.Cond
	p       *app.Player
	playing bool
	speed   float64
	seekTo  int // -1: none
	step    int // frames to step (±), applied when paused
	closed  bool
	// decorate, when set, draws over a frame before it is shown (the
	// counting overlay); frame is the frame's index.
	decorate func(dst *image.RGBA, frame int)
	show     func(img *image.RGBA, frame int, at time.Duration)
	ended    func()
	last     int // the frame on screen (mu)
	bufs     [3]*image.RGBA
	next     int
	done     chan struct{}
}

// maxShownFPS is how many frames a second are put on screen at most; at
// high speeds frames in between are decoded and skipped.
const maxShownFPS = 30

func newPlayback(p *app.Player, show func(*image.RGBA, int, time.Duration), ended func()) *playback {
	pb := &playback{p: p, speed: 1, seekTo: -1, show: show, ended: ended, done: make(chan struct{})}
	pb.cond = stdsync.NewCond(&pb.mu)
	go pb.loop()
	return pb
}

func (pb *playback) setPlaying(on bool) {
	pb.mu.Lock()
	pb.playing = on
	pb.mu.Unlock()
	pb.cond.Signal()
}

func (pb *playback) isPlaying() bool {
	pb.mu.Lock()
	defer pb.mu.Unlock()
	return pb.playing
}

func (pb *playback) setSpeed(s float64) {
	pb.mu.Lock()
	pb.speed = s
	pb.mu.Unlock()
}

// seek shows frame i next (and goes on playing if playing).
func (pb *playback) seek(i int) {
	pb.mu.Lock()
	pb.seekTo = i
	pb.mu.Unlock()
	pb.cond.Signal()
}

// stepBy pauses and moves n frames (±).
func (pb *playback) stepBy(n int) {
	pb.mu.Lock()
	pb.playing = false
	pb.step += n
	pb.mu.Unlock()
	pb.cond.Signal()
}

func (pb *playback) setDecorate(d func(*image.RGBA, int)) {
	pb.mu.Lock()
	pb.decorate = d
	// Redraw the frame on screen with the new overlay.
	if !pb.playing && pb.seekTo < 0 {
		pb.seekTo = pb.last
	}
	pb.mu.Unlock()
	pb.cond.Signal()
}

// redraw shows the paused frame again (its overlay grew); a playing one
// shows the next frame's anyway.
func (pb *playback) redraw() {
	if pb == nil {
		return
	}
	pb.mu.Lock()
	if !pb.playing && pb.seekTo < 0 {
		pb.seekTo = pb.last
	}
	pb.mu.Unlock()
	pb.cond.Signal()
}

// close stops the loop, which then releases the decoder. It does not wait:
// the loop may be handing a frame to the UI goroutine that calls close.
func (pb *playback) close() {
	pb.mu.Lock()
	pb.closed = true
	pb.mu.Unlock()
	pb.cond.Signal()
}

// isClosed reports whether close was called.
func (pb *playback) isClosed() bool {
	pb.mu.Lock()
	defer pb.mu.Unlock()
	return pb.closed
}

func (pb *playback) loop() {
	defer close(pb.done)
	defer pb.p.Close()
	last := time.Now()
	for {
		pb.mu.Lock()
		for !pb.closed && !pb.playing && pb.seekTo < 0 && pb.step == 0 {
			pb.cond.Wait()
		}
		if pb.closed {
			pb.mu.Unlock()
			return
		}
		seek, step, playing, speed, deco := pb.seekTo, pb.step, pb.playing, pb.speed, pb.decorate
		pb.seekTo, pb.step = -1, 0
		pb.mu.Unlock()

		switch {
		case seek >= 0:
			if pb.p.Seek(seek) != nil {
				continue
			}
		case step != 0:
			// The frame on screen is Next()-1.
			pb.p.Seek(max(0, pb.p.Next()-1+step))
		}
		if playing && seek < 0 && step == 0 {
			// Pace: one shown frame per interval; skip frames above the cap.
			interval := time.Duration(float64(time.Second) / (pb.p.FPS() * speed))
			skip := 0
			if interval < time.Second/maxShownFPS {
				skip = int(float64(time.Second/maxShownFPS)/float64(interval)) - 1
				interval *= time.Duration(skip + 1)
			}
			if wait := interval - time.Since(last); wait > 0 {
				time.Sleep(wait)
			}
			for ; skip > 0; skip-- {
				if _, err := pb.p.Read(); err != nil {
					break
				}
			}
		}
		last = time.Now()
		i := pb.p.Next()
		m, err := pb.p.Read()
		if err != nil {
			pb.mu.Lock()
			pb.playing = false
			pb.mu.Unlock()
			if pb.ended != nil {
				pb.ended()
			}
			continue
		}
		pb.mu.Lock()
		pb.last = i
		pb.mu.Unlock()
		buf := pb.p.ToRGBA(m, pb.bufs[pb.next])
		pb.bufs[pb.next] = buf
		pb.next = (pb.next + 1) % len(pb.bufs)
		if deco != nil {
			deco(buf, i)
		}
		pb.show(buf, i, pb.p.FrameTime(i))
	}
}
