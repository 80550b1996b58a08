package vision

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"net"
	"net/url"
	"os"
	"storelens/app/i18n"
	"strings"
	"time"

	"gocv.io/x/gocv"
)

// ErrSourceMissing is returned by OpenSource when a video file does not exist.
var ErrSourceMissing = errors.New("video not found")

// ErrSourceUnsupported is returned by OpenSource when the input exists but
// OpenCV cannot decode a single frame from it: a corrupt or truncated file, a
// file that is not video at all, a codec this machine lacks, or an address
// that answers with something other than video.
var ErrSourceUnsupported = errors.New("video cannot be decoded")

// ErrSourceTruncated is returned by Read when a file ends well before the
// frames its container declares: a copy cut short or a damaged recording,
// not a camera that lost its picture. What was read before is not a result.
var ErrSourceTruncated = errors.New("video is cut short")

// CheckComplete is the error for a file whose frames stopped at the time
// reached (seconds, the end of the last frame decoded, after frames
// frames) well before the length it declares (declared frames at fps; 0 or
// less when it declares none); nil when it ended where it said it would,
// give or take what containers miss. Time, not the frame count, is the
// measure: a recording that skips unchanged frames declares more frames
// than it holds and is still whole.
func CheckComplete(name string, reached float64, frames, declared int, fps float64) error {
	if declared <= 0 || fps <= 0 {
		return nil
	}
	length := float64(declared) / fps
	if reached >= length-max(2, length/50) {
		return nil
	}
	return sourceErr(ErrSourceTruncated, "truncated", "Video", name, "At", fmt.Sprintf("%.1f", reached), "Frame", frames, "Length", fmt.Sprintf("%.0f", length))
}

// ErrSourceUnreachable is returned by OpenSource when a camera's address
// does not answer at all: the host is down, off this network or refusing
// the port. Nothing was decoded because nothing came.
var ErrSourceUnreachable = errors.New("camera cannot be reached")

// SourceError is a video that cannot be used, said for a person: Kind is
// one of the ErrSource* values (errors.Is works), Text the sentence in the
// catalogue's words, Error() the same in English.
type SourceError struct {
	Kind error
	Say  i18n.Text
}

func (e *SourceError) Error() string   { return e.Say.In(i18n.English) }
func (e *SourceError) Unwrap() error   { return e.Kind }
func (e *SourceError) Text() i18n.Text { return e.Say }

func sourceErr(kind error, key string, kv ...any) error {
	return &SourceError{Kind: kind, Say: i18n.Say("vision."+key, kv...)}
}

// Backoff is how a live stream that drops is reconnected: the first retry
// waits Initial, each further one twice as long, never more than Max.
// Attempts caps the retries of one outage (0 means keep trying until the
// context passed to Read ends).
type Backoff struct {
	Initial  time.Duration
	Max      time.Duration
	Attempts int
}

// DefaultBackoff is the reconnect policy of a freshly opened stream.
var DefaultBackoff = Backoff{Initial: 250 * time.Millisecond, Max: 30 * time.Second}

// Source is one opened video: a file, or a live RTSP/HTTP stream that
// OpenCV's FFmpeg backend understands. Frames are read in order with Read.
// A Source is not safe for concurrent use; one goroutine reads it.
type Source struct {
	uri      string
	live     bool
	vc       *gocv.VideoCapture
	fps      float64
	size     image.Point
	frames   int // -1 when unknown (streams)
	pending  gocv.Mat
	havePend bool
	frame    int // index of the last frame handed out; -1 before the first
	posMs    float64
	started  time.Time // wall clock of the first frame of a live stream
	closed   bool
	// Reconnect governs how a dropped live stream comes back; files ignore it.
	Reconnect Backoff
	// Reconnects counts the successful reconnects of a live stream so far.
	Reconnects int
}

// OpenSource opens uri — a path to a video file, or an rtsp://, rtsps://,
// rtmp://, http:// or https:// address — and reads its first frame to prove
// it decodes. A missing file yields ErrSourceMissing, input without a single
// decodable frame ErrSourceUnsupported; both name the input and what to do.
// Addresses in errors have their user and password removed.
func OpenSource(uri string) (*Source, error) {
	uri = strings.TrimSpace(uri)
	if uri == "" {
		return nil, fmt.Errorf("no video given: pass a file path or an rtsp:// or http:// address")
	}
	remote := isRemote(uri)
	if !remote {
		st, err := os.Stat(uri)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) {
				return nil, sourceErr(ErrSourceMissing, "missing", "Video", uri)
			}
			return nil, &SourceError{Kind: err, Say: i18n.Say("vision.unreadable_file", "Video", uri, "Err", err.Error())}
		}
		if st.IsDir() {
			return nil, sourceErr(ErrSourceUnsupported, "folder", "Video", uri)
		}
		if st.Size() == 0 {
			return nil, sourceErr(ErrSourceUnsupported, "empty", "Video", uri)
		}
		// FFmpeg renders plain text as a video (its "tty" reader), so a
		// text file would "count" as footage: refuse it here.
		if textFile(uri) {
			return nil, sourceErr(ErrSourceUnsupported, "text", "Video", uri)
		}
	}
	s := &Source{uri: uri, frame: -1, frames: -1, Reconnect: DefaultBackoff, pending: gocv.NewMat()}
	if err := s.open(); err != nil {
		s.pending.Close()
		return nil, err
	}
	// A stream is anything remote that does not know its own length; an
	// HTTP URL of a finished recording behaves like a file.
	s.live = remote && (s.frames <= 0 || strings.HasPrefix(strings.ToLower(uri), "rtsp"))
	if s.live {
		s.frames = -1
		s.started = time.Now()
	}
	return s, nil
}

// open (re)opens the capture and reads the first frame into s.pending.
func (s *Source) open() error {
	vc, err := gocv.VideoCaptureFileWithAPI(s.uri, gocv.VideoCaptureFFmpeg)
	if err != nil || !vc.IsOpened() {
		if vc != nil {
			vc.Close()
		}
		// Fall back on any backend (a GStreamer-only build, say).
		vc, err = gocv.VideoCaptureFile(s.uri)
		if err != nil || !vc.IsOpened() {
			if vc != nil {
				vc.Close()
			}
			if err := s.reachable(); err != nil {
				return err
			}
			return sourceErr(ErrSourceUnsupported, "unopenable", "Video", s.display())
		}
	}
	if !vc.Read(&s.pending) || s.pending.Empty() {
		vc.Close()
		return sourceErr(ErrSourceUnsupported, "noframe", "Video", s.display())
	}
	s.havePend = true
	s.vc = vc
	fps := vc.Get(gocv.VideoCaptureFPS)
	if fps <= 0 || fps > 1000 || math.IsNaN(fps) {
		fps = 25 // FFmpeg reports 0 for some live streams; 25 is the common camera rate
	}
	if s.fps == 0 {
		s.fps = fps
	}
	s.size = image.Pt(s.pending.Cols(), s.pending.Rows())
	if n := vc.Get(gocv.VideoCaptureFrameCount); n > 0 && !math.IsNaN(n) && n < 1e9 {
		s.frames = int(n)
	}
	return nil
}

// Read puts the next frame into dst (which it reallocates as needed) and
// returns io.EOF after the last frame of a file. A live stream that drops is
// reopened with back-off per s.Reconnect until ctx ends (then ctx.Err()) or
// the attempts run out (then an error naming the stream).
func (s *Source) Read(ctx context.Context, dst *gocv.Mat) error {
	if s.vc == nil && !s.live {
		return io.EOF
	}
	if s.havePend {
		s.pending.CopyTo(dst)
		s.havePend = false
		s.advance()
		return nil
	}
	if s.vc != nil && s.vc.Read(dst) && !dst.Empty() {
		s.advance()
		return nil
	}
	if !s.live {
		if s.vc != nil {
			s.vc.Close()
			s.vc = nil
			if err := CheckComplete(s.display(), s.posMs/1000+1/s.fps, s.frame+1, s.frames, s.fps); err != nil {
				return err
			}
		}
		return io.EOF
	}
	if err := s.reconnect(ctx); err != nil {
		return err
	}
	return s.Read(ctx, dst)
}

// Skip passes over the next frame of a recording without converting it to
// a picture (the counter does not analyse every frame). It reports false,
// doing nothing, where it cannot: a live stream, or the last frame, whose
// end only Read can tell.
func (s *Source) Skip() bool {
	if s.live || s.vc == nil || s.havePend || s.frames <= 0 || s.frame >= s.frames-1 {
		return false
	}
	before := s.vc.Get(gocv.VideoCapturePosFrames)
	s.vc.Grab(1)
	if after := s.vc.Get(gocv.VideoCapturePosFrames); after <= before {
		return false // the file ended early; the next Read says so
	}
	s.advance()
	return true
}

func (s *Source) advance() {
	s.frame++
	if s.live {
		s.posMs = float64(time.Since(s.started).Milliseconds())
		return
	}
	// The container's timestamp keeps the real timeline of a recording
	// with a variable frame rate; where it is missing or goes backwards,
	// one frame interval after the last.
	next := float64(s.frame) * 1000 / s.fps
	if s.frame > 0 {
		next = s.posMs + 1000/s.fps
	}
	if s.vc != nil && s.frame > 0 {
		if t := s.vc.Get(gocv.VideoCapturePosMsec); !math.IsNaN(t) && t > s.posMs && t < s.posMs+60000 {
			next = t
		}
	}
	s.posMs = next
}

// reconnect reopens a dropped stream, waiting Initial, 2×Initial, … up to Max
// between attempts.
func (s *Source) reconnect(ctx context.Context) error {
	if s.vc != nil {
		s.vc.Close()
		s.vc = nil
	}
	b := s.Reconnect
	if b.Initial <= 0 {
		b.Initial = DefaultBackoff.Initial
	}
	if b.Max < b.Initial {
		b.Max = b.Initial
	}
	wait := b.Initial
	var last error
	for attempt := 1; b.Attempts == 0 || attempt <= b.Attempts; attempt++ {
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		if last = s.open(); last == nil {
			s.Reconnects++
			return nil
		}
		wait = min(wait*2, b.Max)
	}
	return fmt.Errorf("stream %s dropped and did not come back after %d attempts: %v; check the camera's power and network", s.display(), b.Attempts, last)
}

// FPS is the frame rate the video declares (25 when a stream declares none).
func (s *Source) FPS() float64 { return s.fps }

// Size is the frame size in pixels.
func (s *Source) Size() image.Point { return s.size }

// FrameCount is the number of frames a file declares, or -1 for a live
// stream whose length is unknown. Containers can be off by a frame or two;
// Read's io.EOF is the truth.
func (s *Source) FrameCount() int { return s.frames }

// Live reports whether the source is a live stream (reconnects, no length).
func (s *Source) Live() bool { return s.live }

// Frame is the 0-based index of the frame last returned by Read (-1 before
// the first).
func (s *Source) Frame() int { return s.frame }

// Pos is the time of the frame last returned by Read: from the start of a
// file by the container's timestamps (so variable-frame-rate recordings keep
// their real timeline; frame index / FPS where timestamps are missing), or
// wall time since opening for a live stream.
func (s *Source) Pos() time.Duration { return time.Duration(s.posMs * float64(time.Millisecond)) }

// URI is the input as given to OpenSource.
func (s *Source) URI() string { return s.uri }

// Close releases the decoder. It is safe to call more than once.
func (s *Source) Close() error {
	if s.vc != nil {
		s.vc.Close()
		s.vc = nil
	}
	s.live = false
	s.havePend = false
	if !s.closed {
		s.closed = true
		s.pending.Close()
	}
	return nil
}

// display is the input with any user:password removed, for messages.
func (s *Source) display() string {
	u, err := url.Parse(s.uri)
	if err != nil || u.Scheme == "" || u.User == nil {
		return s.uri
	}
	u.User = nil
	return u.String()
}

// reachable says whether a remote source's host answers on its port at
// all (nil for files, and for hosts that answer): a camera that is off or
// off the network is told apart from one that sends what cannot be decoded.
func (s *Source) reachable() error {
	u, err := url.Parse(s.uri)
	if err != nil || !isRemote(s.uri) || u.Hostname() == "" {
		return nil
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"rtsp": "554", "rtsps": "322", "rtmp": "1935", "http": "80", "https": "443"}[strings.ToLower(u.Scheme)]
	}
	if port == "" || strings.EqualFold(u.Scheme, "udp") {
		return nil
	}
	addr := net.JoinHostPort(u.Hostname(), port)
	c, err := net.DialTimeout("tcp", addr, 3*time.Second)
	if err != nil {
		why := err.Error()
		var oe *net.OpError
		if errors.As(err, &oe) && oe.Err != nil {
			why = oe.Err.Error()
		}
		return sourceErr(ErrSourceUnreachable, "unreachable", "Video", s.display(), "Addr", addr, "Why", why)
	}
	c.Close()
	return nil
}

func isRemote(uri string) bool {
	l := strings.ToLower(uri)
	for _, p := range []string{"rtsp://", "rtsps://", "rtmp://", "http://", "https://", "udp://", "tcp://"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// textFile reports whether the file starts with 512 bytes of printable text
// (every video container starts with binary headers).
func textFile(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	buf := make([]byte, 512)
	n, _ := io.ReadFull(f, buf)
	if n == 0 {
		return false
	}
	for _, c := range buf[:n] {
		if c < 0x09 || (c > 0x0d && c < 0x20) || c == 0x7f {
			return false
		}
	}
	return true
}
