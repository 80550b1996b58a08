package cli_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"storelens/sync/demofeed/demotest"
	"storelens/sync/feed"
)

// `storelens audit --json` on the demo chain's receipts (no till footage
// synced: the rules on the receipts alone) writes the specified object with
// the scripted staff card, refund run and heavy discounts; a wrong store or
// period, or one without receipts, is refused with exit 1 and a sentence
// naming it, and leaves the findings kept before alone.
func TestAuditCommand(t *testing.T) {
	dir := t.TempDir()
	db, err := demotest.Synced(context.Background(), dir, demotest.Options{Until: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
		Collections: []string{feed.CollRegions, feed.CollStores, feed.CollCameras, feed.CollStaff, feed.CollReceipts}})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, stdout, stderr := mainRun(t, "audit", "--data-dir", dir, "--period", "2026-11-14..2026-11-20", "--json", "--local", "--lang", "en")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Period   string `json:"period"`
		Stores   int    `json:"stores"`
		Findings []struct {
			Store, Kind, At, Status, Summary string
			Evidence                         struct {
				Basis    string `json:"basis"`
				Receipts []struct {
					No    string `json:"receipt_no"`
					Lines []struct {
						SKU string `json:"sku"`
					} `json:"lines"`
				} `json:"receipts"`
			} `json:"evidence"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if got.Period != "2026-11-14..2026-11-20" || got.Stores != 120 {
		t.Errorf("period %q, %d stores", got.Period, got.Stores)
	}
	n := map[string]int{}
	for _, f := range got.Findings {
		at, err := time.Parse(time.RFC3339, f.At)
		if err != nil || !strings.HasSuffix(f.At, "+08:00") {
			t.Errorf("at %q is not store-local RFC 3339", f.At)
		}
		if d := at.Format(time.DateOnly); d < "2026-11-14" || d > "2026-11-20" {
			t.Errorf("finding on %s, outside the period", d)
		}
		if f.Evidence.Basis != "pos" || len(f.Evidence.Receipts) == 0 || len(f.Evidence.Receipts[0].Lines) == 0 || f.Summary == "" || f.Status != "open" {
			t.Errorf("finding %+v", f)
		}
		n[f.Store+" "+f.Kind]++
	}
	// Every other day the staff card, every fourth the refund run and the discounts.
	if n["ZZ001 staff_member_card"] < 3 || n["YC001 refund_pattern"] < 1 || n["CS001 discount_pattern"] < 1 || len(n) != 3 {
		t.Errorf("findings by store and kind: %v", n)
	}
	if !strings.Contains(stderr, "120 stores") {
		t.Errorf("stderr %q", stderr)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--store", "XX999"}, "XX999"},
		{[]string{"--period", "2026-W99"}, "2026-W99"},
		{[]string{"--period", "2025-03"}, "2025-03"},
	} {
		args := append([]string{"audit", "--data-dir", dir, "--local", "--lang", "zh", "--period", "2026-11-14..2026-11-20"}, c.args...)
		code, _, stderr := mainRun(t, args...)
		if code != 1 || !strings.Contains(stderr, c.want) || !strings.ContainsAny(stderr, "：，。；") {
			t.Errorf("%v: exit %d, %q", c.args, code, stderr)
		}
	}
	code, stdout2, _ := mainRun(t, "audit", "--data-dir", dir, "--period", "2026-11-14..2026-11-20", "--json", "--local")
	if code != 0 || len(stdout2) != len(stdout) {
		t.Errorf("after the refusals: exit %d, %d bytes of findings (first %d)", code, len(stdout2), len(stdout))
	}
	if code, _, _ := mainRun(t, "audit", "--data-dir", dir, "--bogus"); code != 2 {
		t.Errorf("an unknown flag: exit %d, want 2", code)
	}
}
