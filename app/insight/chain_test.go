package insight_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"storelens/app/insight"
	"storelens/localdb"
	"storelens/localdb/localdbtest/synthchain"
)

// smallChain is a 60-store chain with 26 weeks of history and the story
// stores of synthchain.
func smallChain(t testing.TB) *localdb.DB {
	t.Helper()
	o := synthchain.Options{Stores: 60, Regions: 2, Days: 26 * 7, End: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), Seed: 11, Stories: true}
	db, err := localdb.Open(context.Background(), localdb.Options{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := synthchain.Build(context.Background(), db, o, nil); err != nil {
		t.Fatal(err)
	}
	return db
}

// The synthetic chain's scripted problems are each found with the right
// reason, an ordinary store is rarely flagged, and the forecast beats the
// seasonal-naive baseline on eight held-out weeks.
func TestSyntheticChainFlagsStoriesWithoutFlood(t *testing.T) {
	db := smallChain(t)
	in := insight.New(insight.Params{DB: db, Now: func() time.Time { return time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC) }})
	p, err := insight.ParsePeriod("2026-W47", nil)
	if err != nil {
		t.Fatal(err)
	}
	ov, err := in.Region(context.Background(), p, insight.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	flagged := map[string][]insight.Flag{}
	for _, f := range ov.Flags {
		flagged[f.Store] = append(flagged[f.Store], f)
		t.Logf("%s %s %s", f.Store, f.Kind, f.Reason.In("en"))
	}
	has := func(code string, kind insight.FlagKind, m insight.Metric, words ...string) {
		t.Helper()
		for _, f := range flagged[code] {
			if f.Kind == kind && (m == "" || f.Metric == m) {
				for _, w := range words {
					if !strings.Contains(f.Reason.In("en"), w) {
						t.Errorf("%s %s reason %q lacks %q", code, kind, f.Reason.In("en"), w)
					}
				}
				if f.Reason.In("zh") == "" || f.Reason.In("zh") == f.Reason.In("en") || len(f.Days)+len(f.Hours) == 0 {
					t.Errorf("%s %s: no Chinese reason or no triggering days/hours: %+v", code, kind, f)
				}
				return
			}
		}
		t.Errorf("%s not flagged %s %s; flags %+v", code, kind, m, flagged[code])
	}
	has(synthchain.StoryEarlyClose, insight.EarlyClosing, "", "22:00", "20:00", "5 of 7")
	has(synthchain.StoryLowRate, insight.AbnormalEntryRate, insight.EntryRate, "1.9")
	has(synthchain.StoryLowRate, insight.BelowTagAverage, insight.EntryRate, "average of", "weeks running")
	has(synthchain.StoryBlocked, insight.SuspectCounts, "", "lens blocked", "of 84 open hours")
	has(synthchain.StoryDrop, insight.SharpDrop, insight.DailyEntries, "down 4")
	// An ordinary week: beyond the four scripted stores, only stores far
	// below their tag for weeks running may show up, and few of them.
	others := 0
	for code, fs := range flagged {
		if strings.HasPrefix(code, "S0000") && code <= synthchain.StoryDrop {
			continue
		}
		others++
		for _, f := range fs {
			if f.Kind != insight.BelowTagAverage {
				t.Errorf("ordinary store %s flagged %s: %s", code, f.Kind, f.Reason.In("en"))
			}
		}
	}
	t.Logf("%d of %d stores flagged (%d beyond the 4 stories)", len(flagged), len(ov.Stores), others)
	if others > len(ov.Stores)/10 {
		t.Errorf("%d ordinary stores flagged of %d: a flood", others, len(ov.Stores))
	}
	// The early-closing flag points at the evening hours.
	for _, f := range flagged[synthchain.StoryEarlyClose] {
		if f.Kind == insight.EarlyClosing {
			loc, _ := time.LoadLocation("Asia/Shanghai")
			for _, h := range f.Hours {
				if lh := h.In(loc).Hour(); lh < 19 || lh > 21 {
					t.Errorf("early-closing hour %v is not between 19:00 and 22:00 local", h.In(loc))
				}
			}
		}
	}

	bt, err := in.Backtest(context.Background(), insight.Filter{}, p.To, 8)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("backtest over %d stores, %d days: MAPE %.1f%% vs seasonal-naive %.1f%%, band coverage %.0f%%",
		bt.Stores, bt.Days, 100*bt.MAPE, 100*bt.BaselineMAPE, 100*bt.Coverage)
	if bt.MAPE >= bt.BaselineMAPE {
		t.Errorf("forecast MAPE %.3f does not beat seasonal-naive %.3f", bt.MAPE, bt.BaselineMAPE)
	}
	if bt.Coverage < 0.5 {
		t.Errorf("only %.0f%% of days inside the 10–90%% band", 100*bt.Coverage)
	}

	// The coming week: a band for every scheduled hour; last week: the real
	// counts mostly inside their band.
	next, err := in.Forecast(context.Background(), "S00010", p.Shift(7))
	if err != nil {
		t.Fatal(err)
	}
	if len(next) != 7*12 {
		t.Errorf("forecast of next week has %d hours, want 84 open hours", len(next))
	}
	for _, h := range next {
		if !h.Open || h.Predicted.High <= h.Predicted.Low || h.Predicted.Low < 0 || h.Entries != 0 {
			t.Errorf("forecast hour %+v", h)
			break
		}
	}
	past, err := in.Hourly(context.Background(), "S00010", p)
	if err != nil {
		t.Fatal(err)
	}
	inside := 0
	for _, h := range past {
		if float64(h.Entries) >= h.Predicted.Low && float64(h.Entries) <= h.Predicted.High {
			inside++
		}
	}
	t.Logf("last week: %d of %d hours inside the forecast band", inside, len(past))
	if len(past) != 84 || inside < len(past)/2 {
		t.Errorf("%d of %d hours inside the band", inside, len(past))
	}
}
