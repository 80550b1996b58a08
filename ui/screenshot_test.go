package ui

import (
	"bufio"
	"context"
	"fmt"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startXvfb starts a virtual X server of the laptop size managers use and
// returns its DISPLAY; it is stopped when the test ends.
func startXvfb(t *testing.T) string {
	t.Helper()
	return startXvfbSized(t, "1366x768x24")
}

// startXvfbSized starts Xvfb with one screen of the size given (WxHxD).
func startXvfbSized(t *testing.T, size string) string {
	t.Helper()
	if _, err := exec.LookPath("Xvfb"); err != nil {
		t.Fatal("Xvfb is not installed: run `make deps` (package xvfb)")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", size, "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case n := <-line:
		if n == "" {
			t.Fatal("Xvfb did not report a display number")
		}
		return ":" + n
	case <-time.After(20 * time.Second):
		t.Fatal("Xvfb did not start within 20 s")
	}
	return ""
}

// buildBinary builds storelens once per test binary run.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "storelens")
	// With the race detector: the window's real goroutine path (background
	// queries and chart renders handing back through fyne.Do) is checked
	// here, where headless tests run that work inline.
	cmd := exec.Command("go", "build", "-race", "-o", bin, "storelens")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// waitForWindow polls the X server until a top-level window whose name
// contains title is mapped.
func waitForWindow(t *testing.T, display, title string, timeout time.Duration) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		out, _ := exec.Command("xwininfo", "-display", display, "-root", "-tree").Output()
		if strings.Contains(string(out), title) {
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatalf("no window titled %q appeared on %s within %v", title, display, timeout)
}

// screenshot grabs the whole screen into path and decodes it.
func screenshot(t *testing.T, display, path string) image.Image {
	t.Helper()
	if out, err := exec.Command("import", "-display", display, "-window", "root", path).CombinedOutput(); err != nil {
		t.Fatalf("import (imagemagick): %v\n%s", err, out)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return img
}

// drawnShare is the share of pixels that differ from the most common colour,
// and the number of distinct colours: a blank frame scores (0, 1).
func drawnShare(img image.Image) (float64, int) {
	counts := map[uint32]int{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			counts[(r>>8)<<16|(g>>8)<<8|bl>>8]++
		}
	}
	top := 0
	for _, n := range counts {
		top = max(top, n)
	}
	total := b.Dx() * b.Dy()
	return float64(total-top) / float64(total), len(counts)
}

// shotDir is where screenshots are kept for a person to look at.
func shotDir(t *testing.T) string {
	if d := os.Getenv("STORELENS_SHOTS"); d != "" {
		os.MkdirAll(d, 0o755)
		return d
	}
	return t.TempDir()
}

func TestWindowDrawsUnderXvfb(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary under Xvfb")
	}
	display := startXvfb(t)
	bin := buildBinary(t)
	for _, c := range []struct{ lang, locale, title string }{
		{"zh", "zh_CN", "店镜"},
		{"en", "en_US", "StoreLens"},
	} {
		t.Run(c.lang, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			cmd := exec.CommandContext(ctx, bin, "--data-dir", t.TempDir())
			cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANGUAGE="+c.locale, "LC_ALL="+c.locale+".UTF-8", "HOME="+t.TempDir())
			logs := &lockedLog{}
			cmd.Stdout, cmd.Stderr = logs, logs
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { cancel(); cmd.Wait() }()
			waitForWindow(t, display, c.title, 60*time.Second)
			time.Sleep(2 * time.Second) // let the first frame paint
			path := filepath.Join(shotDir(t), fmt.Sprintf("window-%s.png", c.lang))
			img := screenshot(t, display, path)
			share, colours := drawnShare(img)
			t.Logf("%s: %.1f%% of pixels drawn, %d colours (%s)", c.lang, 100*share, colours, path)
			if share < 0.01 || colours < 16 {
				t.Errorf("the window looks blank: %.2f%% drawn, %d colours; see %s\n%s", 100*share, colours, path, logs.String())
			}
			if strings.Contains(logs.String(), "Error in Fyne call thread") || strings.Contains(logs.String(), "Translation failure") {
				t.Errorf("the app logged a UI error:\n%s", logs.String())
			}
		})
	}
}
