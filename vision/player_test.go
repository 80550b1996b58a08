package vision

import (
	"image"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"storelens/assets/assetstest"
)

// recordingFrom encodes seconds of vtest.avi (looped) as a recorder would:
// H.264 in MP4, a key frame every 2 s. The file is kept in dir.
func recordingFrom(tb testing.TB, dir string, seconds int) string {
	tb.Helper()
	src := assetstest.Footage(tb, "vtest.avi")
	out := filepath.Join(dir, "rec-"+strconv.Itoa(seconds)+".mp4")
	if st, err := os.Stat(out); err == nil && st.Size() > 0 {
		return out
	}
	ff, err := exec.LookPath("ffmpeg")
	if err != nil {
		tb.Fatal("ffmpeg is not installed (make deps installs it)")
	}
	b, err := exec.Command(ff, "-nostdin", "-loglevel", "error", "-y", "-stream_loop", "-1", "-i", src, "-t", strconv.Itoa(seconds),
		"-an", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "30", "-g", "20", "-pix_fmt", "yuv420p", "-f", "mp4", out+".tmp").CombinedOutput()
	if err != nil {
		tb.Fatalf("ffmpeg: %v %s", err, b)
	}
	os.Rename(out+".tmp", out)
	return out
}

// signature is a frame shrunk to 32×24 grey: enough to tell frames apart.
func signature(m *gocv.Mat) []float64 {
	g, s := gocv.NewMat(), gocv.NewMat()
	defer g.Close()
	defer s.Close()
	gocv.CvtColor(*m, &g, gocv.ColorBGRToGray)
	gocv.Resize(g, &s, image.Pt(32, 24), 0, 0, gocv.InterpolationArea)
	out := make([]float64, 0, 32*24)
	for y := 0; y < 24; y++ {
		for x := 0; x < 32; x++ {
			out = append(out, float64(s.GetUCharAt(y, x)))
		}
	}
	return out
}

func distance(a, b []float64) float64 {
	d := 0.0
	for i := range a {
		d += math.Abs(a[i] - b[i])
	}
	return d
}

// TestSeekShowsTheFrameAsked: after a seek to any moment of a real
// recording, the frame shown is the one a straight play reaches there
// (within one frame).
func TestSeekShowsTheFrameAsked(t *testing.T) {
	path := recordingFrom(t, t.TempDir(), 60)
	p, err := OpenPlayer(path)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Frames() < 590 || p.Frames() > 610 || p.FPS() != 10 {
		t.Fatalf("%d frames at %v fps, want 600 at 10", p.Frames(), p.FPS())
	}
	var seq [][]float64
	for {
		m, err := p.Read()
		if err != nil {
			break
		}
		seq = append(seq, signature(m))
	}
	if len(seq) < 590 {
		t.Fatalf("a straight play gave %d frames", len(seq))
	}
	rng := rand.New(rand.NewPCG(4, 2))
	for k := 0; k < 25; k++ {
		want := rng.IntN(len(seq))
		if err := p.Seek(want); err != nil {
			t.Fatal(err)
		}
		m, err := p.Read()
		if err != nil {
			t.Fatalf("read after seek to %d: %v", want, err)
		}
		sig := signature(m)
		best, bestD := -1, math.Inf(1)
		for i := max(0, want-40); i < min(len(seq), want+40); i++ {
			if d := distance(sig, seq[i]); d < bestD {
				best, bestD = i, d
			}
		}
		if best < want-1 || best > want+1 {
			t.Errorf("seek to frame %d showed frame %d", want, best)
		}
		if p.Next() != want+1 {
			t.Errorf("after reading frame %d the player says next is %d", want, p.Next())
		}
	}
	// A moment maps to its frame and back.
	if f := p.FrameAt(12*time.Second + 350*time.Millisecond); f != 123 {
		t.Errorf("frame at 12.35 s = %d, want 123", f)
	}
}

func TestPlayerNamesABrokenFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "broken.mp4")
	os.WriteFile(bad, []byte("not a video at all, just bytes"), 0o644)
	if _, err := OpenPlayer(bad); err == nil || !contains(err.Error(), "broken.mp4") {
		t.Errorf("broken file: %v", err)
	}
	if _, err := OpenPlayer(filepath.Join(dir, "missing.mp4")); err == nil || !contains(err.Error(), "missing.mp4") {
		t.Errorf("missing file: %v", err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// BenchmarkPlayback prints what review needs: frames per second from
// decode to an RGBA picture (the window's form) at 768×576, beside
// decode-only, and the time to show an arbitrary moment of a one-hour
// recording; and the heap after playing, which must not grow.
func BenchmarkPlayback(b *testing.B) {
	dir := filepath.Join("..", ".cache", "bench")
	os.MkdirAll(dir, 0o755)
	hour := recordingFrom(b, dir, 3600)
	p, err := OpenPlayer(hour)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	var dst *image.RGBA
	const n = 1500
	var ms runtime.MemStats
	t0 := time.Now()
	for i := 0; i < n; i++ {
		m, err := p.Read()
		if err != nil {
			b.Fatal(err)
		}
		dst = p.ToRGBA(m, dst)
	}
	toScreen := float64(n) / time.Since(t0).Seconds()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	heap1 := ms.HeapAlloc
	for i := 0; i < n; i++ {
		m, err := p.Read()
		if err != nil {
			b.Fatal(err)
		}
		dst = p.ToRGBA(m, dst)
	}
	runtime.GC()
	runtime.ReadMemStats(&ms)
	heap2 := ms.HeapAlloc
	t1 := time.Now()
	for i := 0; i < n; i++ {
		if _, err := p.Read(); err != nil {
			b.Fatal(err)
		}
	}
	decodeOnly := float64(n) / time.Since(t1).Seconds()
	rng := rand.New(rand.NewPCG(9, 9))
	var worst, total time.Duration
	const seeks = 30
	for k := 0; k < seeks; k++ {
		f := rng.IntN(p.Frames() - 1)
		ts := time.Now()
		if err := p.Seek(f); err != nil {
			b.Fatal(err)
		}
		m, err := p.Read()
		if err != nil {
			b.Fatal(err)
		}
		dst = p.ToRGBA(m, dst)
		d := time.Since(ts)
		total += d
		worst = max(worst, d)
	}
	b.ReportMetric(toScreen, "frames/s-to-screen")
	b.ReportMetric(decodeOnly, "frames/s-decode")
	b.ReportMetric(float64(total.Milliseconds())/seeks, "ms/seek-mean")
	b.ReportMetric(float64(worst.Milliseconds()), "ms/seek-worst")
	b.Logf("playback at 768×576: %.0f frames/s to screen (%.1f× the 10 fps of the recording; %.2f of decode-only %.0f frames/s); seek in a one-hour recording: mean %v, worst %v over %d; heap %d → %d bytes after %d more frames",
		toScreen, toScreen/10, toScreen/decodeOnly, decodeOnly, total/seeks, worst, seeks, heap1, heap2, n)
}
