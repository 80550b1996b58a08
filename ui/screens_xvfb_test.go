package ui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"storelens/localdb"
	"storelens/localdb/localdbtest/synthchain"
)

// TestDashboardAndStorePageUnderXvfb opens the real window on a small
// synthetic chain (with the scripted problem stores) and photographs the
// dashboard and the store page at 1366×768 in both languages. Set
// STORELENS_SHOTS to keep the PNGs and look at them.
func TestDashboardAndStorePageUnderXvfb(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary under Xvfb")
	}
	dataDir := t.TempDir()
	today := time.Now().UTC().Truncate(24 * time.Hour)
	db, err := localdb.Open(context.Background(), localdb.Options{Dir: dataDir})
	if err != nil {
		t.Fatal(err)
	}
	o := synthchain.Options{Stores: 30, Regions: 1, Days: 70, End: today, Seed: 3, Stories: true}
	if err := synthchain.Build(context.Background(), db, o, nil); err != nil {
		t.Fatalf("build the chain: %v", err)
	}
	db.Close()

	display := startXvfb(t)
	bin := buildBinary(t)
	for _, c := range []struct{ lang, locale, title, area string }{
		{"zh", "zh_CN", "店镜", AreaDashboard},
		{"zh", "zh_CN", "店镜", AreaStores},
		{"en", "en_US", "StoreLens", AreaDashboard},
		{"en", "en_US", "StoreLens", AreaStores},
	} {
		t.Run(c.lang+"-"+c.area, func(t *testing.T) {
			home := t.TempDir()
			prefDir := filepath.Join(home, ".config", "fyne", AppID)
			os.MkdirAll(prefDir, 0o755)
			// The last area is a preference of the data folder.
			os.WriteFile(filepath.Join(prefDir, "preferences.json"), []byte(fmt.Sprintf(`{%q:%q}`, folderPrefKey(dataDir, prefLastArea), c.area)), 0o644)
			cmd := exec.Command(bin, "--data-dir", dataDir)
			cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANGUAGE="+c.locale, "LC_ALL="+c.locale+".UTF-8", "HOME="+home)
			logs := &lockedLog{}
			cmd.Stdout, cmd.Stderr = logs, logs
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { cmd.Process.Kill(); cmd.Wait() }()
			waitForWindow(t, display, c.title, 60*time.Second)
			// Queries and charts render in the background (slower in the
			// race-detector build): look again each second until the
			// screen is drawn, for up to 45 s.
			path := filepath.Join(shotDir(t), fmt.Sprintf("%s-%s.png", c.area, c.lang))
			var share float64
			var colours int
			for deadline := time.Now().Add(45 * time.Second); ; {
				time.Sleep(time.Second)
				share, colours = drawnShare(screenshot(t, display, path))
				if (share >= 0.05 && colours >= 64) || time.Now().After(deadline) {
					break
				}
			}
			t.Logf("%s %s: %.1f%% of pixels drawn, %d colours (%s)", c.area, c.lang, 100*share, colours, path)
			// A dashboard full of rows or a page of charts draws far more than
			// an empty state does.
			if share < 0.05 || colours < 64 {
				t.Errorf("the %s looks empty: %.2f%% drawn, %d colours; see %s\n%s", c.area, 100*share, colours, path, logs.String())
			}
			for _, bad := range []string{"Error in Fyne call thread", "Translation failure", "panic:", "WARNING: DATA RACE"} {
				if strings.Contains(logs.String(), bad) {
					t.Errorf("the app logged %q:\n%s", bad, logs.String())
				}
			}
		})
	}
}

// lockedLog collects a child's output while the test reads it.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// A window last closed at 1366×768 opens whole on a 1024×640 screen: its
// right side and status bar are not off the screen.
func TestWindowFitsASmallerScreen(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the real binary under Xvfb")
	}
	display := startXvfbSized(t, "1024x640x24")
	bin := buildBinary(t)
	home := t.TempDir()
	prefDir := filepath.Join(home, ".config", "fyne", AppID)
	os.MkdirAll(prefDir, 0o755)
	os.WriteFile(filepath.Join(prefDir, "preferences.json"), []byte(`{"window_width":1366,"window_height":768}`), 0o644)
	cmd := exec.Command(bin, "--data-dir", t.TempDir())
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANGUAGE=en_US", "LC_ALL=en_US.UTF-8", "HOME="+home)
	logs := &lockedLog{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	waitForWindow(t, display, "StoreLens", 60*time.Second)
	var w, h, x, y int
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(300 * time.Millisecond) {
		out, _ := exec.Command("xwininfo", "-display", display, "-root", "-tree").Output()
		for _, l := range strings.Split(string(out), "\n") {
			if m := geometry.FindStringSubmatch(l); m != nil && strings.Contains(l, "StoreLens") {
				w, _ = strconv.Atoi(m[1])
				h, _ = strconv.Atoi(m[2])
				x, _ = strconv.Atoi(m[3])
				y, _ = strconv.Atoi(m[4])
			}
		}
		if w > 0 && w < 1366 {
			break
		}
	}
	t.Logf("window %d×%d at %d,%d on a 1024×640 screen", w, h, x, y)
	if w == 0 || x < 0 || y < 0 || x+w > 1024 || y+h > 640 {
		t.Errorf("the window (%d×%d at %d,%d) does not fit the 1024×640 screen\n%s", w, h, x, y, logs.String())
	}
}

// geometry is xwininfo's "1024x600+0+20" of a window in the tree.
var geometry = regexp.MustCompile(`\s(\d+)x(\d+)\+(-?\d+)\+(-?\d+)\s`)
