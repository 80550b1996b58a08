package vision

import (
	"context"
	"fmt"
	"os"
	"time"
	"testing"
)

// evalLines are the lines the accuracy is measured on: the example
// entrance line, three more verticals, two horizontals and a diagonal
// across the PETS09 square. The annotation covers the square only (no foot
// point above y=140; people on the far path are not annotated), so the
// lines start at y=140. V470 and H300 were added after tuning, as a check.
var evalLines = []NamedLine{
	{"V384", Line{Pt{384, 120}, Pt{384, 576}}},
	{"V250", Line{Pt{250, 140}, Pt{250, 576}}},
	{"V560", Line{Pt{560, 140}, Pt{560, 576}}},
	{"H230", Line{Pt{0, 230}, Pt{768, 230}}},
	{"D", Line{Pt{223, 140}, Pt{700, 400}}},
	{"V470", Line{Pt{470, 140}, Pt{470, 576}}},
	{"H300", Line{Pt{0, 300}, Pt{768, 300}}},
}

func groundTruth(t testing.TB) *GroundTruth {
	p, err := footageFile("pets09_s2l1_gt.txt")
	if err != nil {
		t.Skip(err)
	}
	gt, err := LoadGroundTruth(p, 1)
	if err != nil {
		t.Fatal(err)
	}
	return gt
}

func TestEvaluatePETS(t *testing.T) {
	gt := groundTruth(t)
	cfg := Config{}
	if v := os.Getenv("HYST"); v != "" {
		fmt.Sscan(v, &cfg.Hysteresis)
	}
	if v := os.Getenv("COAST"); v != "" {
		var ms int
		fmt.Sscan(v, &ms)
		cfg.CoastCount = time.Duration(ms) * time.Millisecond
	}
	if v := os.Getenv("DAMP"); v != "" {
		fmt.Sscan(v, &cfg.Tracker.CoastDamping)
	}
	ev, err := Evaluate(context.Background(), footage(t, "vtest.avi"), gt, evalLines, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ev.WriteTable(os.Stdout, "PETS09-S2L1 vtest.avi")
}
