package health

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
)

// traceSamples, when HEALTH_TRACE=1, logs every analysed frame's figures
// (for tuning thresholds on new footage).
func traceSamples(t *testing.T) func(Sample) {
	if os.Getenv("HEALTH_TRACE") == "" {
		return nil
	}
	return func(s Sample) {
		t.Logf("t=%6.1f blocked=%.2f sharp=%.2f shift=%5.1f rot=%5.2f inl=%3d black=%v frozen=%v",
			s.T, s.BlockedShare, s.Sharpness, s.ShiftPx, s.RotationDeg, s.Inliers, s.Black, s.Frozen)
	}
}

func describe(as []Alert) string {
	var b strings.Builder
	for _, a := range as {
		end := "open"
		if a.End != nil {
			end = fmt.Sprintf("%.1f", *a.End)
		}
		fmt.Fprintf(&b, "[%s %.1f..%s raised %.1f measure %.2f %v] ", a.Kind, a.Start, end, a.Raised, a.Measure, a.Detail)
	}
	if b.Len() == 0 {
		return "none"
	}
	return b.String()
}

// TestTamperingIsFoundInTime alters real footage from a known moment on and
// requires an alert of the right kind that starts no earlier than the
// change and is raised within 30 s of footage after it — and no alert of
// any other kind.
func TestTamperingIsFoundInTime(t *testing.T) {
	vtest := sample(t, "vtest.avi")
	const change = 30.0
	cases := []struct {
		name     string
		alter    alteration
		want     Kind
		until    float64 // end of the tampering, 0 when it lasts to the end
		reason   string
		dx, dy   float64 // expected shift of the view (moved)
		rotation float64 // expected rotation (moved), degrees counter-clockwise
	}{
		{name: "solid banner over a third", alter: from(change, solidBanner), want: Occlusion},
		{name: "printed banner", alter: from(change, printedBanner), want: Occlusion},
		{name: "shifted and rotated", alter: from(change, turn(14, -9, 3)), want: Moved, dx: 14, dy: -9, rotation: 3},
		{name: "rotated only", alter: from(change, turn(0, 0, -2)), want: Moved, rotation: -2},
		{name: "shifted only", alter: from(change, turn(-12, 0, 0)), want: Moved, dx: -12},
		{name: "defocused", alter: from(change, blur(3)), want: Defocus},
		{name: "black stretch", alter: between(change, change+25, black), want: NoSignal, until: change + 25, reason: "black"},
		{name: "frozen stretch", alter: between(change, change+25, frozenAt()), want: NoSignal, until: change + 25, reason: "frozen"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// The alert must be up by change+30 s; a few seconds more show
			// it stays up (or ends after a stretch).
			video := writeAltered(t, vtest, 1, 66, tc.alter)
			rep, err := CheckVideo(context.Background(), video, nil, Config{OnSample: traceSamples(t)})
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("alerts: %s", describe(rep.Alerts))
			var hit *Alert
			for i, a := range rep.Alerts {
				if a.Kind != tc.want {
					t.Errorf("unexpected %s alert from %.1f s: %v", a.Kind, a.Start, a.Detail)
					continue
				}
				if hit == nil {
					hit = &rep.Alerts[i]
				}
			}
			if hit == nil {
				t.Fatalf("no %s alert after the change at %.0f s", tc.want, change)
			}
			if hit.Start < change-0.5 {
				t.Errorf("%s alert starts at %.1f s, before the change at %.0f s", tc.want, hit.Start, change)
			}
			if delay := hit.Raised - change; delay > 30 || delay < 0 {
				t.Errorf("%s alert raised %.1f s after the change, want within 30 s", tc.want, delay)
			} else {
				t.Logf("detection delay %s: %.1f s (onset %.1f s)", tc.want, delay, hit.Start)
			}
			switch {
			case tc.until == 0 && hit.End != nil:
				t.Errorf("%s alert ended at %.1f s although the tampering lasts to the end", tc.want, *hit.End)
			case tc.until > 0 && (hit.End == nil || *hit.End < tc.until-0.5 || *hit.End > tc.until+15):
				t.Errorf("%s alert should end soon after %.0f s, got end %v", tc.want, tc.until, hit.End)
			}
			if tc.reason != "" && hit.Detail["reason"] != tc.reason {
				t.Errorf("reason = %v, want %s", hit.Detail["reason"], tc.reason)
			}
			if tc.want == Moved {
				dx, dy := hit.Detail["dx_px"].(float64), hit.Detail["dy_px"].(float64)
				rot := hit.Detail["rotation_deg"].(float64)
				if math.Hypot(dx-tc.dx, dy-tc.dy) > 3 || math.Abs(rot-tc.rotation) > 0.5 {
					t.Errorf("moved alert reports shift (%.1f, %.1f) px and %.2f°, the camera moved by (%.0f, %.0f) px and %.0f°",
						dx, dy, rot, tc.dx, tc.dy, tc.rotation)
				}
			}
		})
	}
}

// TestCleanFootageRaisesNothing: unaltered footage (people walking, trees in
// the wind, a hand passing the lens for a few seconds) and slow lighting
// changes raise no alert.
func TestCleanFootageRaisesNothing(t *testing.T) {
	vtest := sample(t, "vtest.avi")
	tree := sample(t, "tree.avi")
	cases := []struct {
		name  string
		video func(t *testing.T) string
	}{
		{"vtest as shot", func(*testing.T) string { return vtest }},
		{"tree as shot", func(*testing.T) string { return tree }},
		{"dimming to half over a minute", func(t *testing.T) string {
			return writeAltered(t, vtest, 2, 0, brightness(0.5, 20, 80, 110, 150))
		}},
		{"brightening by 40% over a minute", func(t *testing.T) string {
			return writeAltered(t, vtest, 2, 0, brightness(1.4, 20, 80, 110, 150))
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rep, err := CheckVideo(context.Background(), tc.video(t), nil, Config{OnSample: traceSamples(t)})
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Alerts) > 0 {
				t.Errorf("%.0f s of clean footage raised %s", rep.Duration, describe(rep.Alerts))
			}
		})
	}
}
