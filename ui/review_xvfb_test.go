package ui

import (
	"context"
	"fmt"
	"image"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"storelens/app"
	"storelens/assets/assetstest"
	"storelens/sync/demofeed"
)

// TestReviewWithOverlayUnderXvfb opens the real window where a manager
// left the review, with the counting overlay on, on footage already on
// the laptop (no network), and photographs it in both languages: the
// frame is on screen with the camera's yellow entrance line drawn over
// it. Set STORELENS_SHOTS to keep the PNGs.
func TestReviewWithOverlayUnderXvfb(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary under Xvfb")
	}
	footage := assetstest.Footage(t, "vtest.avi")
	fs, err := demofeed.New(demofeed.Config{Until: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), ClipDir: filepath.Join(t.TempDir(), "clips"),
		Footage: footage, Logf: func(string, ...any) {}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(fs)
	dataDir := t.TempDir()
	ctx := context.Background()
	core, err := app.New(ctx, app.Config{DataDir: dataDir, FeedURL: srv.URL, Token: "demo",
		SyncCollections: []string{"regions", "stores", "cameras", "recordings"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := core.SyncOnce(ctx, app.SyncOnceRequest{}); err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2026, 11, 19, 10, 41, 30, 0, loc)
	st, cams, err := core.StoreCameras(ctx, "WH001")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := core.RecordingAt(ctx, cams[0], st.Code, at, loc)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := core.FetchRecording(ctx, rec); err != nil {
		t.Fatal(err)
	}
	core.Close()
	srv.Close() // the window works from what is on the laptop

	display := startXvfb(t)
	bin := buildBinary(t)
	for _, c := range []struct{ lang, locale, title string }{{"zh", "zh_CN", "店镜"}, {"en", "en_US", "StoreLens"}} {
		t.Run(c.lang, func(t *testing.T) {
			home := t.TempDir()
			prefDir := filepath.Join(home, ".config", "fyne", AppID)
			os.MkdirAll(prefDir, 0o755)
			key := func(k string) string { return folderPrefKey(dataDir, k) }
			prefs := fmt.Sprintf(`{%q:%q,%q:"WH001",%q:%q,%q:true,"window_width":1366,"window_height":768}`,
				key(prefLastArea), AreaReview, key(prefReviewStore), key(prefReviewAt), at.Format(time.RFC3339), key(prefReviewOverlay))
			os.WriteFile(filepath.Join(prefDir, "preferences.json"), []byte(prefs), 0o644)
			cmd := exec.Command(bin, "--data-dir", dataDir)
			cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANGUAGE="+c.locale, "LC_ALL="+c.locale+".UTF-8", "HOME="+home)
			logs := &lockedLog{}
			cmd.Stdout, cmd.Stderr = logs, logs
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { cmd.Process.Kill(); cmd.Wait() }()
			waitForWindow(t, display, c.title, 60*time.Second)
			path := filepath.Join(shotDir(t), fmt.Sprintf("review-%s.png", c.lang))
			var line, footagePx int
			for deadline := time.Now().Add(60 * time.Second); ; {
				time.Sleep(time.Second)
				img := screenshot(t, display, path)
				line, footagePx = overlayPixels(img)
				if (line > 300 && footagePx > 30000) || time.Now().After(deadline) {
					break
				}
			}
			t.Logf("%s: %d pixels of the yellow entrance line, %d of green footage (%s)", c.lang, line, footagePx, path)
			// The people on screen get their boxes while the recount
			// behind the overlay is still on its way to this moment.
			boxes, since := 0, time.Now()
			for deadline := time.Now().Add(60 * time.Second); boxes < 150 && time.Now().Before(deadline); {
				time.Sleep(time.Second)
				boxes = boxPixels(screenshot(t, display, path))
			}
			t.Logf("%s: %d pixels of people's boxes %.0f s after the line showed", c.lang, boxes, time.Since(since).Seconds())
			if boxes < 150 {
				t.Errorf("no box around the people on screen a minute after the overlay was on; see %s", path)
			}
			if footagePx < 30000 {
				t.Errorf("no footage on screen; see %s\n%s", path, logs.String())
			}
			if line < 300 {
				t.Errorf("the counting line is not drawn over the footage (%d pixels); see %s", line, path)
			}
			for _, bad := range []string{"Error in Fyne call thread", "Translation failure", "panic:", "WARNING: DATA RACE"} {
				if strings.Contains(logs.String(), bad) {
					t.Errorf("the app logged %q:\n%s", bad, logs.String())
				}
			}
		})
	}
}

// boxPixels counts the pixels of the overlay's box green (a person not
// yet decided).
func boxPixels(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r>>8 >= 60 && r>>8 <= 100 && g>>8 >= 235 && bl>>8 >= 100 && bl>>8 <= 140 {
				n++
			}
		}
	}
	return n
}

// overlayPixels counts the pixels of the overlay's entrance yellow and of
// the footage's lawn green.
func overlayPixels(img image.Image) (yellow, green int) {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			switch {
			case r > 230 && g > 190 && g < 235 && bl < 50:
				yellow++
			case g > r+20 && g > bl+30 && g > 60:
				green++
			}
		}
	}
	return yellow, green
}
