package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strings"
	"time"

	"storelens/app"
	"storelens/app/i18n"
	"storelens/sync/engine"
	"storelens/sync/feed"
)

func init() {
	Register(Command{
		Name:    "sync",
		Summary: "sync the local store with HQ's feed once, headless (token from STORELENS_TOKEN or the keyring)",
		Run:     runSync,
	})
}

func runSync(ctx context.Context, env Env, args []string) error {
	fs := NewFlagSet(&env, "sync")
	feedURL := fs.String("feed", "", "HQ feed URL, up to /v1 (default: the one saved by the app)")
	jsonOut := fs.Bool("json", false, "print a JSON summary on stdout")
	quiet := fs.Bool("quiet", false, "no progress display")
	only := fs.String("collections", "", "read only these collections, comma-separated, in this order (default: all)")
	pageLimit := fs.Int("page-limit", 0, "items per page to ask HQ for (default: the largest HQ allows)")
	if err := ParseFlags(fs, args); err != nil {
		return err
	}
	// Retries and skipped items are diagnostics: -v shows them; without
	// it the run's own summary or error says what a person needs.
	level := slog.LevelError + 4
	if env.Verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
	var colls []string
	if *only != "" {
		for _, c := range strings.Split(*only, ",") {
			c = strings.TrimSpace(c)
			if !slices.Contains(feed.Collections, c) {
				return fmt.Errorf("--collections: there is no collection %q; choose from %s", c, strings.Join(feed.Collections, ","))
			}
			colls = append(colls, c)
		}
	}
	core, err := app.New(ctx, app.Config{DataDir: env.DataDir, Logger: log})
	if err != nil {
		return fmt.Errorf("open the local store: %w", err)
	}
	defer core.Close()
	url := strings.TrimSpace(*feedURL)
	token := os.Getenv("STORELENS_TOKEN")
	bar := newProgressLine(env.Stderr, *quiet)
	t0 := time.Now()
	sum, err := core.SyncOnce(ctx, app.SyncOnceRequest{FeedURL: url, Token: token, Collections: colls, PageLimit: *pageLimit, Progress: bar.show})
	bar.finish()
	switch {
	case url == "" && errors.Is(err, engine.ErrConfig):
		return sayErr("nofeed")
	case token == "" && errors.Is(err, engine.ErrSignIn) && sum.Rows == 0:
		return fmt.Errorf("%w; set STORELENS_TOKEN (the demo feed accepts \"demo\") or sign in once in the app", err)
	}
	el := time.Since(t0)
	size := dbSize(core.DB().Path())
	for _, w := range sum.Warnings {
		fmt.Fprintf(env.Stderr, "warning: %s\n", w)
	}
	if *jsonOut {
		out := map[string]any{"ok": err == nil, "rows": sum.Rows, "bytes": sum.Bytes, "seconds": el.Seconds(),
			"rows_per_second": float64(sum.Rows) / max(el.Seconds(), 1e-9), "pushed": sum.Pushed, "downloaded": sum.Downloaded,
			"resynced": sum.Resynced, "db_bytes": size, "warnings": sum.Warnings}
		if err != nil {
			out["error"] = err.Error()
		}
		cols := []map[string]any{}
		for _, c := range sum.Collections {
			cols = append(cols, map[string]any{"name": c.Name, "pages": c.Pages, "rows": c.Rows, "bytes": c.Bytes, "seconds": c.Took.Seconds()})
		}
		out["collections"] = cols
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		enc.Encode(out)
	}
	if err != nil {
		return err
	}
	if !*quiet {
		fmt.Fprintf(env.Stderr, "synced %d rows (%.1f MB received) in %.1f s, %.0f rows/s; pushed %d, downloaded %d clips; database %.1f MB\n",
			sum.Rows, float64(sum.Bytes)/1e6, el.Seconds(), float64(sum.Rows)/max(el.Seconds(), 1e-9), sum.Pushed, sum.Downloaded, float64(size)/1e6)
	}
	return nil
}

func dbSize(path string) int64 {
	var n int64
	for _, p := range []string{path, path + "-wal"} {
		if st, err := os.Stat(p); err == nil {
			n += st.Size()
		}
	}
	return n
}

// progressLine draws the sync's progress on a terminal: one line rewritten
// in place, or (when stderr is not a terminal) one line per collection.
type progressLine struct {
	w     io.Writer
	tty   bool
	off   bool
	last  string
	phase string
	drawn time.Time
}

func newProgressLine(w io.Writer, quiet bool) *progressLine {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progressLine{w: w, tty: tty, off: quiet}
}

func (p *progressLine) show(pr engine.Progress) {
	if p.off || pr.Phase == engine.PhaseDone {
		return
	}
	pct := ""
	if pr.Fraction >= 0 {
		pct = fmt.Sprintf("%3.0f%% ", 100*pr.Fraction)
	}
	var line string
	switch {
	case pr.Phase == engine.PhasePull && pr.Retry > 0:
		c := i18n.Default()
		line = c.T(i18n.English, "sync.retrying", map[string]any{"Phase": pr.Collection, "N": pr.Retry, "Of": pr.Retries,
			"Why": c.T(i18n.English, "sync.break."+pr.RetryWhy, nil)})
		if !p.tty {
			fmt.Fprintln(p.w, line)
			return
		}
	case pr.Phase == engine.PhasePull:
		line = fmt.Sprintf("%s[%d/%d] %-20s %9d rows %8.1f MB  (run: %d rows)", pct, pr.Index, pr.Of, pr.Collection, pr.Items, float64(pr.Bytes)/1e6, pr.RunItems)
	case pr.Phase == engine.PhasePush:
		line = fmt.Sprintf("sending to HQ: %d of %d", pr.Index, pr.Of)
	case pr.Phase == engine.PhaseRollups:
		line = fmt.Sprintf("%supdating figures: %d stores", pct, pr.Items)
	case pr.Phase == engine.PhaseDownload:
		line = fmt.Sprintf("%sclip %s: %.1f MB", pct, pr.Collection, float64(pr.Items)/1e6)
	}
	if p.tty {
		if time.Since(p.drawn) < 100*time.Millisecond && pr.Phase == engine.PhaseDownload {
			return
		}
		p.drawn = time.Now()
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		p.last = line
		return
	}
	// Not a terminal (a log file): a line per stored page and per phase.
	if pr.Phase == engine.PhasePull || pr.Phase != p.phase {
		fmt.Fprintln(p.w, line)
	}
	p.phase = pr.Phase
}

func (p *progressLine) finish() {
	if p.tty && !p.off && p.last != "" {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
