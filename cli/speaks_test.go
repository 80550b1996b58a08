package cli_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"storelens/app/i18n"
	"storelens/assets/assetstest"
	"storelens/cli"
	"storelens/localdb/localdbtest/synthchain"
)

// main runs a command line as the binary does: its exit code, stdout and
// stderr.
func mainRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.Main(context.Background(), cli.Env{Stdout: &out, Stderr: &errb}, args)
	return code, out.String(), errb.String()
}

// cutShort is vtest.avi with its last 60 % cut off, as a copy that died.
func cutShort(t *testing.T) string {
	src, err := os.Open(assetstest.Footage(t, "vtest.avi"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	path := filepath.Join(t.TempDir(), "door-cam.avi")
	dst, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	st, _ := src.Stat()
	if _, err := io.CopyN(dst, src, st.Size()*4/10); err != nil {
		t.Fatal(err)
	}
	dst.Close()
	return path
}

// A recording cut short is an error, not a count: exit 1, the file named
// with how far it could be read, in the language asked for, and none of
// the decoder's own complaints on the terminal.
func TestCountRefusesACutShortRecording(t *testing.T) {
	video := cutShort(t)
	for _, c := range []struct{ lang, want string }{
		{"en", "its pictures stop at"},
		{"zh", "画面在第"},
	} {
		code, out, stderr := mainRun(t, "count", "--video", video, "--line", "0,300,768,300", "--lang", c.lang)
		if code != 1 || out != "" {
			t.Errorf("--lang %s: exit %d, stdout %q; want exit 1 and no result", c.lang, code, out)
		}
		if !strings.Contains(stderr, video) || !strings.Contains(stderr, c.want) || !regexp.MustCompile(`\d+(\.\d)? ?s|\d+(\.\d)?秒`).MatchString(stderr) {
			t.Errorf("--lang %s: stderr %q; want the file, where it stops and what to do", c.lang, stderr)
		}
		if strings.Contains(stderr, "@ 0x") || strings.Contains(stderr, "[msmpeg4") {
			t.Errorf("--lang %s: the decoder's own log reached the terminal without -v:\n%s", c.lang, stderr)
		}
	}
	code, _, stderr := mainRun(t, "health", "--video", video, "--lang", "en")
	if code != 1 || !strings.Contains(stderr, "its pictures stop at") || strings.Contains(stderr, "no signal") {
		t.Errorf("health on a cut-short file: exit %d, %q; want the broken file named, not a camera without signal", code, stderr)
	}
}

// A camera address nothing answers on says it cannot connect to that host,
// not that the video cannot be decoded.
func TestCountSaysACameraCannotBeReached(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	code, _, stderr := mainRun(t, "count", "--video", "rtsp://"+addr+"/stream1", "--line", "0,300,768,300", "--lang", "en")
	if code != 1 || !strings.Contains(stderr, "cannot be reached") || !strings.Contains(stderr, addr) || strings.Contains(stderr, "decoded") ||
		strings.Contains(stderr, "[ WARN") || strings.Contains(stderr, "OpenCV(") {
		t.Errorf("exit %d, %q; want the camera named unreachable at %s, without the library's own log", code, stderr, addr)
	}
}

// Every command speaks the language asked for: the count summary, the
// kpi table (its columns in line although Chinese takes two cells a
// character), no "0" or "¥0.00" for a comparison without data, minutes as
// 分钟, flag kinds by their names.
func TestCommandsSpeakTheLanguageAskedFor(t *testing.T) {
	code, out, _ := mainRun(t, "count", "--video", assetstest.Footage(t, "vtest.avi"), "--line", "0,300,768,300", "--lang", "zh")
	if code != 0 || !strings.Contains(out, "进店人数") || strings.Contains(out, "entries") {
		t.Errorf("count --lang zh: exit %d\n%s", code, out)
	}
	dir := chainDir(t)
	code, out, _ = mainRun(t, "kpi", "--store", synthchain.StoryLowRate, "--period", "2026-W47", "--lang", "zh", "--data-dir", dir)
	if code != 0 {
		t.Fatalf("kpi: exit %d", code)
	}
	var ends []int
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "进店客流") || strings.HasPrefix(l, "平均停留时长") || strings.HasPrefix(l, "指标") {
			// the end of the "this period" column, in terminal cells
			f := regexp.MustCompile(`^(\S+\s+\S+)`).FindString(l)
			ends = append(ends, i18n.Cells(f))
		}
	}
	if len(ends) != 3 || ends[0] != ends[1] || ends[1] != ends[2] {
		t.Errorf("kpi columns out of line (ends at %v):\n%s", ends, out)
	}
	if !strings.Contains(out, "分钟") || strings.Contains(out, " min") || strings.Contains(out, "¥0.00") {
		t.Errorf("kpi --lang zh: units or empty comparisons wrong:\n%s", out)
	}
	code, out, _ = mainRun(t, "flags", "--period", "2026-W47", "--lang", "en", "--data-dir", dir)
	if code != 0 || strings.Contains(out, "early_closing") || !strings.Contains(out, "Traffic stops before closing time") || strings.Contains(out, "(+") {
		t.Errorf("flags --lang en: raw kinds or an unexplained count:\n%s", out)
	}
}

// Bad periods say what is wrong; a period past the data warns.
func TestPeriodsThatCannotBeShownSaySo(t *testing.T) {
	dir := chainDir(t)
	code, _, stderr := mainRun(t, "flags", "--period", "2026-W99", "--lang", "en", "--data-dir", dir)
	if code != 1 || !strings.Contains(stderr, "week 99 does not exist in 2026") {
		t.Errorf("2026-W99: exit %d, %q", code, stderr)
	}
	code, out, stderr := mainRun(t, "flags", "--period", "2027-03", "--lang", "en", "--data-dir", dir)
	if code != 0 || !strings.Contains(stderr, "starts after the last day of local data") || !strings.Contains(out, "0 of") {
		t.Errorf("a future month: exit %d, stdout %q, stderr %q; want the figures with a note that there is no data yet", code, out, stderr)
	}
}
