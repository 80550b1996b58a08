package vision

import (
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"storelens/assets/assetstest"
)

func footage(t testing.TB, name string) string {
	t.Helper()
	return assetstest.Footage(t, name)
}

func TestOpenSourceBadInput(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.avi")
	os.WriteFile(text, []byte(strings.Repeat("this is not a video\n", 200)), 0o600)
	empty := filepath.Join(dir, "empty.avi")
	os.WriteFile(empty, nil, 0o600)
	// A real AVI cut after its header: opens, but holds no frame.
	whole, err := os.ReadFile(footage(t, "vtest.avi"))
	if err != nil {
		t.Fatal(err)
	}
	gtText := assetstest.Footage(t, "pets09_s2l1_gt.txt")
	cut := filepath.Join(dir, "cut.avi")
	os.WriteFile(cut, whole[:2048], 0o600)

	for _, tc := range []struct {
		name, path string
		want       error
		mention    string
	}{
		{"missing", filepath.Join(dir, "nope.avi"), ErrSourceMissing, "nope.avi"},
		{"text renamed .avi", text, ErrSourceUnsupported, "notes.avi"},
		{"annotation text file", gtText, ErrSourceUnsupported, "text file"},
		{"empty file", empty, ErrSourceUnsupported, "empty.avi"},
		{"header only", cut, ErrSourceUnsupported, "cut.avi"},
		{"folder", dir, ErrSourceUnsupported, "folder"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := OpenSource(tc.path)
			if err == nil {
				s.Close()
				t.Fatalf("OpenSource(%s) succeeded", tc.path)
			}
			if !errors.Is(err, tc.want) {
				t.Errorf("error %v is not %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("error %q does not name %q", err, tc.mention)
			}
		})
	}
}

func TestSourceReadsWholeFile(t *testing.T) {
	s := openFootage(t, "vtest.avi")
	if s.Size() != image.Pt(768, 576) || s.FPS() != 10 || s.Live() {
		t.Fatalf("size %v fps %v live %v, want 768x576 at 10 fps, a file", s.Size(), s.FPS(), s.Live())
	}
	m := gocv.NewMat()
	defer m.Close()
	n := 0
	for {
		err := s.Read(context.Background(), &m)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if s.Frame() != n {
			t.Fatalf("frame index %d, want %d", s.Frame(), n)
		}
		n++
	}
	if n != s.FrameCount() {
		t.Errorf("read %d frames, file declares %d", n, s.FrameCount())
	}
	if want := time.Duration(float64(n-1) / 10 * float64(time.Second)); s.Pos() != want {
		t.Errorf("last frame at %v, want %v", s.Pos(), want)
	}
	if err := s.Read(context.Background(), &m); err != io.EOF {
		t.Errorf("read after the end: %v, want io.EOF", err)
	}
}

// TestSourceSkipKeepsTimeline: skipping every other frame (what a recount
// at 5 looks a second does to 10 fps footage) keeps frame indexes and
// timestamps right, gives the same pictures as reading every frame, and
// leaves the last frame to Read, which reports the end.
func TestSourceSkipKeepsTimeline(t *testing.T) {
	all := openFootage(t, "vtest.avi")
	s := openFootage(t, "vtest.avi")
	a, m := gocv.NewMat(), gocv.NewMat()
	defer a.Close()
	defer m.Close()
	ctx := context.Background()
	n, skipped := 0, 0
	for {
		if err := all.Read(ctx, &a); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if n%2 == 1 && s.Skip() {
			skipped++
		} else {
			if err := s.Read(ctx, &m); err != nil {
				t.Fatalf("frame %d: %v", n, err)
			}
			diff := gocv.NewMat()
			gocv.AbsDiff(a, m, &diff)
			gray := gocv.NewMat()
			gocv.CvtColor(diff, &gray, gocv.ColorBGRToGray)
			if nz := gocv.CountNonZero(gray); nz != 0 {
				t.Fatalf("frame %d after skipping differs from reading every frame in %d pixels", n, nz)
			}
			diff.Close()
			gray.Close()
		}
		if s.Frame() != n || s.Pos() != all.Pos() {
			t.Fatalf("frame %d: index %d at %v, want %d at %v", n, s.Frame(), s.Pos(), n, all.Pos())
		}
		n++
	}
	if skipped < n/2-1 {
		t.Errorf("skipped %d of %d frames", skipped, n)
	}
	if s.Skip() {
		t.Error("Skip past the end reported a frame")
	}
	if err := s.Read(ctx, &m); err != io.EOF {
		t.Errorf("read after the end: %v, want io.EOF", err)
	}
}

// mjpegCamera serves an MJPEG stream (multipart/x-mixed-replace, what many IP
// cameras speak over HTTP) that hangs up after perConn frames, like a camera
// on a flaky network.
func mjpegCamera(t *testing.T, perConn int) (*httptest.Server, *atomic.Int32) {
	img := gocv.NewMatWithSize(120, 160, gocv.MatTypeCV8UC3)
	defer img.Close()
	buf, err := gocv.IMEncode(gocv.JPEGFileExt, img)
	if err != nil {
		t.Fatal(err)
	}
	jpeg := append([]byte(nil), buf.GetBytes()...)
	buf.Close()
	var conns atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conns.Add(1)
		w.Header().Set("Content-Type", "multipart/x-mixed-replace;boundary=frame")
		for i := 0; i < perConn; i++ {
			fmt.Fprintf(w, "--frame\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n", len(jpeg))
			w.Write(jpeg)
			io.WriteString(w, "\r\n")
			if f, ok := w.(http.Flusher); ok {
				f.Flush()
			}
			select {
			case <-r.Context().Done():
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &conns
}

func TestSourceReconnectsDroppedStream(t *testing.T) {
	srv, conns := mjpegCamera(t, 8)
	s, err := OpenSource(srv.URL + "/video.mjpg")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if !s.Live() || s.FrameCount() != -1 {
		t.Fatalf("live %v frames %d: an MJPEG stream must be live with unknown length", s.Live(), s.FrameCount())
	}
	s.Reconnect = Backoff{Initial: 10 * time.Millisecond, Max: 40 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	m := gocv.NewMat()
	defer m.Close()
	for i := 0; i < 20; i++ {
		if err := s.Read(ctx, &m); err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
	}
	if s.Reconnects < 1 || conns.Load() < 2 {
		t.Errorf("20 frames from a camera that hangs up every 8: %d reconnects over %d connections", s.Reconnects, conns.Load())
	}
	if s.Frame() != 19 {
		t.Errorf("frame index %d after 20 frames, want 19 (continuous across reconnects)", s.Frame())
	}

	// The camera goes away for good: Read gives up when the context ends.
	srv.Close()
	ctx2, cancel2 := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel2()
	var rerr error
	for i := 0; i < 100 && rerr == nil; i++ {
		rerr = s.Read(ctx2, &m)
	}
	if !errors.Is(rerr, context.DeadlineExceeded) {
		t.Errorf("read from a dead camera: %v, want the context's deadline", rerr)
	}
}

// openFootage opens a sample clip for a test and closes it when the test
// ends.
func openFootage(t testing.TB, name string) *Source {
	t.Helper()
	src, err := OpenSource(footage(t, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { src.Close() })
	return src
}

// TestSourceVariableFrameRate: a recording whose camera slowed to 5 fps
// after 40 s keeps its real timeline (frame 499 is at 59.8 s, not 49.9 s).
func TestSourceVariableFrameRate(t *testing.T) {
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Skip("ffmpeg is needed to write a variable-frame-rate file")
	}
	vfr := filepath.Join(t.TempDir(), "vfr.mkv")
	cmd := exec.Command(ffmpeg, "-loglevel", "error", "-y", "-i", footage(t, "vtest.avi"), "-frames:v", "520",
		"-vf", "setpts='if(lt(N,400),N/10,40+(N-400)/5)/TB'", "-fps_mode", "vfr", "-c:v", "mjpeg", "-q:v", "12", vfr)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("ffmpeg could not write the file: %v %s", err, out)
	}
	s, err := OpenSource(vfr)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m := gocv.NewMat()
	defer m.Close()
	for s.Frame() < 499 {
		if err := s.Read(context.Background(), &m); err != nil {
			t.Fatalf("frame %d: %v", s.Frame()+1, err)
		}
		if s.Frame() == 300 && (s.Pos()-30*time.Second).Abs() > 60*time.Millisecond {
			t.Errorf("frame 300 at %v, want 30 s", s.Pos())
		}
	}
	if got := s.Pos(); (got - 59800*time.Millisecond).Abs() > 200*time.Millisecond {
		t.Errorf("frame 499 at %v, want 59.8 s (the container's timestamp)", got)
	}
}
