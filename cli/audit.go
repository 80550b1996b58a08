package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"time"

	"storelens/app"
	"storelens/app/i18n"
	"storelens/app/insight"
)

func init() {
	Register(Command{Name: "audit", Summary: "run the cashier audit (receipts against the till footage and the store's pattern) for a period", Run: runAudit})
}

// auditJSON is the one object `storelens audit --json` writes.
type auditJSON struct {
	Period   string        `json:"period"`
	Stores   int           `json:"stores"`
	Findings []findingJSON `json:"findings"`
}

type findingJSON struct {
	Store    string          `json:"store"`
	Kind     string          `json:"kind"`
	At       string          `json:"at"`
	Status   string          `json:"status"`
	Summary  string          `json:"summary"`
	Evidence json.RawMessage `json:"evidence"`
}

func runAudit(ctx context.Context, env Env, args []string) error {
	fs := NewFlagSet(&env, "audit")
	periodS := fs.String("period", "", "day, ISO week (2026-W47), month or range (default: the last seven days)")
	store := fs.String("store", "", "only this store, by code")
	asJSON := fs.Bool("json", false, "write one JSON object to stdout")
	local := fs.Bool("local", false, "scan only the till recordings already on this laptop")
	feedURL := fs.String("feed", "", "HQ feed URL to fetch till recordings not yet on this laptop (default: the one saved by the app; token from STORELENS_TOKEN or the keyring)")
	if err := ParseFlags(fs, args); err != nil {
		return err
	}
	var p insight.Period
	var err error
	if *periodS == "" {
		p = app.RecentAuditPeriod(time.Now())
	} else if p, err = insight.ParsePeriod(*periodS, nil); err != nil {
		return err
	}
	core, _, err := openInsightWith(ctx, env, app.Config{FeedURL: strings.TrimSpace(*feedURL), Token: os.Getenv("STORELENS_TOKEN")})
	if err != nil {
		return err
	}
	defer core.Close()
	warnCoverage(ctx, env, core, p)
	req := app.AuditRequest{Period: p, LocalOnly: *local}
	if c := strings.TrimSpace(*store); c != "" {
		req.StoreCodes = []string{c}
	}
	lang := env.lang()
	if env.Verbose {
		req.Progress = func(pr app.AuditProgress) {
			if pr.Checked == 0 && pr.ToScan > 0 {
				fmt.Fprintf(env.Stderr, "\r%s", i18n.Say("cli.audit.scanning", "N", pr.Scanned, "Of", pr.ToScan).In(lang))
			}
		}
	}
	start := time.Now()
	res, err := core.Audit(ctx, req)
	if err != nil {
		return err
	}
	if env.Verbose && res.Scanned > 0 {
		fmt.Fprintln(env.Stderr)
	}
	// Oldest first, as a log reads.
	out := auditJSON{Period: p.String(), Stores: res.Stores, Findings: []findingJSON{}}
	for i := len(res.Findings) - 1; i >= 0; i-- {
		f := res.Findings[i]
		ev, err := app.FindingEvidence(f)
		if err != nil {
			return err
		}
		loc, err := time.LoadLocation(f.TimeZone)
		if err != nil {
			loc = time.Local
		}
		out.Findings = append(out.Findings, findingJSON{Store: f.StoreCode, Kind: f.Kind, At: f.At.In(loc).Format(time.RFC3339),
			Status: f.Status, Summary: app.FindingSummary(f, ev).In(lang), Evidence: f.Evidence})
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		t := &table{}
		for _, f := range out.Findings {
			t.add(strings.Replace(f.At[:16], "T", " ", 1), f.Store, i18n.Say("audit.kind."+f.Kind).In(lang), f.Summary)
		}
		t.write(env.Stdout)
	}
	fmt.Fprintln(env.Stderr, i18n.Say("cli.audit.done", "Period", p.String(), "Stores", res.Stores, "N", len(res.Findings),
		"Scanned", res.Scanned, "Secs", fmt.Sprintf("%.1f", time.Since(start).Seconds())).In(lang))
	if res.NotHere > 0 {
		fmt.Fprintln(env.Stderr, i18n.Say("cli.audit.nothere", "N", res.NotHere).In(lang))
	}
	if res.NoDetector != nil {
		fmt.Fprintln(env.Stderr, i18n.Say("cli.audit.nodetector", "Err", res.NoDetector.Error()).In(lang))
	}
	return nil
}
