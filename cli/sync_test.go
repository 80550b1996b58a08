package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"storelens/localdb"
	"storelens/sync/demofeed"
)

// A child process runs `storelens sync` exactly as the binary does: the
// test binary re-executes itself with STORELENS_SYNC_CHILD set.
func TestMain(m *testing.M) {
	if args := os.Getenv("STORELENS_SYNC_CHILD"); args != "" {
		cmd, _ := Lookup("sync")
		env := Env{Stdout: os.Stdout, Stderr: os.Stderr}
		err := cmd.Run(context.Background(), env, strings.Fields(args))
		os.Exit(Exit(err))
	}
	os.Exit(m.Run())
}

var killColls = "regions,stores,cameras,staff,weather,receipts,alerts,inspection_schedules,snapshots,task_status"

func prepareDir(t *testing.T, dir string) {
	t.Helper()
	db, err := localdb.Open(context.Background(), localdb.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Two days of receipts keep each run short enough to kill it many times.
	if err := db.SetSetting(context.Background(), "sync.receipt_window_days", "2"); err != nil {
		t.Fatal(err)
	}
}

func child(dir, url string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "STORELENS_TOKEN=demo",
		"STORELENS_SYNC_CHILD=--data-dir "+dir+" --feed "+url+" --quiet --page-limit 1000 --collections "+killColls)
	return cmd
}

// snapshot hashes every synced table by its feed keys (local row ids may
// legitimately differ between two databases) and counts its rows.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+dir+"/"+localdb.FileName+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRow(`PRAGMA integrity_check`).Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("integrity_check of %s: %q %v", dir, ok, err)
	}
	queries := map[string]string{
		"regions":         `SELECT id, name, time_zone FROM regions ORDER BY id`,
		"stores":          `SELECT id, code, name, city, time_zone, staff_count FROM stores ORDER BY id`,
		"store_tags":      `SELECT store_id, t.name FROM store_tags JOIN tags t ON t.id = tag_id ORDER BY store_id, t.name`,
		"opening_hours":   `SELECT store_id, valid_from, valid_to, weekdays, opens, closes, priority FROM opening_hours ORDER BY store_id, valid_from, weekdays, priority`,
		"cameras":         `SELECT id, code, store_id, role FROM cameras ORDER BY id`,
		"counting_lines":  `SELECT camera_id, kind, points FROM counting_lines ORDER BY camera_id, kind`,
		"staff":           `SELECT id, code, store_id, name, role, member_card FROM staff ORDER BY id`,
		"weather":         `SELECT city, day, condition, temp_min_c, temp_max_c FROM weather ORDER BY city, day`,
		"receipts":        `SELECT id, store_id, receipt_no, t, amount_fen, member_card FROM pos_receipts ORDER BY id`,
		"receipt_lines":   `SELECT receipt_id, line_no, sku, qty, amount_fen FROM pos_receipt_lines ORDER BY receipt_id, line_no`,
		"alerts":          `SELECT remote_id, camera_id, kind, started_at, ended_at FROM camera_alerts ORDER BY remote_id`,
		"schedules":       `SELECT remote_id, name, times FROM inspection_schedules ORDER BY remote_id`,
		"snapshots":       `SELECT remote_id, camera_id, t, url FROM snapshots ORDER BY remote_id`,
		"store_hourly":    `SELECT * FROM store_hourly ORDER BY store_id, hour_start`,
		"rollup_backlog":  `SELECT * FROM rollup_backlog`,
		"cursors_pending": `SELECT collection FROM sync_cursors WHERE complete_at IS NULL ORDER BY collection`,
	}
	out := map[string]string{}
	for name, q := range queries {
		rows, err := db.Query(q)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		h := sha256.New()
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(h, "%v\n", vals)
			n++
		}
		rows.Close()
		out[name] = fmt.Sprintf("%d rows %s", n, hex.EncodeToString(h.Sum(nil))[:16])
	}
	return out
}

// TestKilledSyncLosesAndDuplicatesNothing kills a running `storelens sync`
// with SIGKILL at random moments, several times, then lets one run finish:
// the database must be intact and hold exactly what an uninterrupted sync
// of the same feed holds.
func TestKilledSyncLosesAndDuplicatesNothing(t *testing.T) {
	fs, err := demofeed.New(demofeed.Config{Until: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Logf: func(string, ...any) {}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(fs)
	defer srv.Close()

	ref := t.TempDir()
	prepareDir(t, ref)
	t0 := time.Now()
	if out, err := child(ref, srv.URL).CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted sync: %v\n%s", err, out)
	}
	full := time.Since(t0)
	want := snapshot(t, ref)
	if strings.HasPrefix(want["receipts"], "0 rows") {
		t.Fatal("the reference sync stored no receipts; the comparison would prove nothing")
	}
	t.Logf("uninterrupted sync: %v; %s receipts", full.Round(time.Millisecond), want["receipts"])

	dir := t.TempDir()
	prepareDir(t, dir)
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 7))
	t.Logf("kill points from seed %d", seed)
	killed := 0
	for i := 0; i < 7; i++ {
		cmd := child(dir, srv.URL)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Early in each run: every run then has pages left to be killed in.
		at := time.Duration(float64(full) * (0.04 + 0.2*rng.Float64()))
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			// Finished before the kill point: later rounds are incremental.
			if err != nil {
				t.Fatalf("run %d failed: %v\n%s", i, err, errb.String())
			}
			t.Logf("run %d finished before its kill point %v", i, at.Round(time.Millisecond))
		case <-time.After(at):
			cmd.Process.Signal(syscall.SIGKILL)
			<-done
			killed++
			t.Logf("run %d killed after %v", i, at.Round(time.Millisecond))
		}
	}
	if killed < 3 {
		t.Fatalf("only %d runs were killed; the test proved too little", killed)
	}
	if out, err := child(dir, srv.URL).CombinedOutput(); err != nil {
		t.Fatalf("final sync after kills: %v\n%s", err, out)
	}
	got := snapshot(t, dir)
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: after %d kills %s, uninterrupted %s", k, killed, got[k], v)
		}
	}
}

func TestSyncCommandSaysWhatIsWrongAndWhatToDo(t *testing.T) {
	fs, err := demofeed.New(demofeed.Config{Until: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Logf: func(string, ...any) {}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(fs)
	defer srv.Close()
	for _, tc := range []struct {
		name, token string
		args        []string
		want        []string
	}{
		{"no feed", "demo", nil, []string{"no HQ feed given", "--feed"}},
		{"not a URL", "demo", []string{"--feed", "hq.example.com"}, []string{"not an http(s) URL"}},
		{"unknown collection", "demo", []string{"--feed", srv.URL, "--collections", "stores,sales"}, []string{`no collection "sales"`, "choose from"}},
		{"wrong token", "wrong-token-123", []string{"--feed", srv.URL, "--collections", "regions"}, []string{"sign in again"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("STORELENS_TOKEN", tc.token)
			var out, errb bytes.Buffer
			err := runSync(context.Background(), Env{Stdout: &out, Stderr: &errb, DataDir: t.TempDir()}, append(tc.args, "--quiet"))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			if strings.Contains(err.Error()+errb.String(), tc.token) && tc.token != "demo" {
				t.Error("the token was printed")
			}
		})
	}
	// A working sync prints its figures.
	t.Setenv("STORELENS_TOKEN", "demo")
	var out, errb bytes.Buffer
	if err := runSync(context.Background(), Env{Stdout: &out, Stderr: &errb, DataDir: t.TempDir()},
		[]string{"--feed", srv.URL, "--collections", "regions,stores", "--json"}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `"rows": 121`) || !strings.Contains(errb.String(), "rows/s") {
		t.Errorf("summary:\n%s\n%s", out.String(), errb.String())
	}
}
