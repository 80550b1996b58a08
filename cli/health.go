package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"storelens/app"
	"storelens/app/i18n"
	"storelens/localdb"
	"storelens/vision/health"
)

func init() {
	Register(Command{
		Name:    "health",
		Summary: "check a camera's footage for a blocked lens, a moved camera, blur or lost signal",
		Run:     runHealth,
	})
}

// healthJSON is the exact shape of `storelens health --json`.
type healthJSON struct {
	Frames int               `json:"frames"`
	FPS    float64           `json:"fps"`
	Alerts []healthAlertJSON `json:"alerts"`
}

type healthAlertJSON struct {
	Kind   string         `json:"kind"`
	Start  float64        `json:"start_s"`
	End    *float64       `json:"end_s"`
	Detail map[string]any `json:"detail"`
}

func runHealth(ctx context.Context, env Env, args []string) error {
	fs := NewFlagSet(&env, "health")
	video := fs.String("video", "", "video file, or rtsp:// / http:// address (required)")
	reference := fs.String("reference", "", "footage of the camera's normal view: a video (its first 10 s) or a picture; default: the first 10 s of --video")
	asJSON := fs.Bool("json", false, "print one JSON object on stdout instead of a summary")
	camera := fs.String("camera", "", "camera code: store the alerts in the local store against this camera and mark its counts suspect")
	start := fs.String("start", "", "wall-clock time of the first frame, RFC 3339 (e.g. 2026-11-20T10:00:00+08:00); required with --camera")
	relearn := fs.Bool("relearn", false, "with --camera: learn the camera's normal view again from the start of --video (after a re-installation)")
	sustain := fs.Duration("sustain", 15*time.Second, "how long a condition must last in the footage before it is an alert (at most 30s)")
	if err := ParseFlags(fs, args); err != nil {
		return err
	}
	if *video == "" {
		fmt.Fprintln(env.Stderr, env.T("cli.err.needvideo", "Cmd", "health"))
		fs.Usage()
		return ErrUsage
	}
	if *sustain <= 0 || *sustain > 30*time.Second {
		return fmt.Errorf("--sustain %s: choose a time above 0 and at most 30s", *sustain)
	}
	if (*relearn || *start != "") && *camera == "" {
		fmt.Fprintln(env.Stderr, "storelens health: --relearn and --start need --camera")
		return ErrUsage
	}
	if *relearn && *reference != "" {
		fmt.Fprintln(env.Stderr, "storelens health: give either --relearn or --reference, not both")
		return ErrUsage
	}
	req := app.HealthCheckRequest{Video: *video, CameraCode: *camera, Reference: *reference, Relearn: *relearn,
		Config: health.Config{Sustain: *sustain}}
	if *start != "" {
		t, err := time.Parse(time.RFC3339, *start)
		if err != nil {
			return fmt.Errorf("--start %q: want a time like 2026-11-20T10:00:00+08:00", *start)
		}
		req.Start = t
	}
	out, err := withStoreIf(ctx, env, *camera != "", func(db *localdb.DB) (*app.HealthCheckOutcome, error) { return app.CheckHealth(ctx, db, req) })
	if err != nil {
		return err
	}
	if *asJSON {
		return writeHealthJSON(env.Stdout, out.Report)
	}
	writeHealthSummary(env, *video, out)
	return nil
}

func writeHealthJSON(w io.Writer, r *health.Report) error {
	j := healthJSON{Frames: r.Frames, FPS: healthFinite(r.FPS), Alerts: []healthAlertJSON{}}
	for _, a := range r.Alerts {
		d := a.Detail
		if d == nil {
			d = map[string]any{}
		}
		j.Alerts = append(j.Alerts, healthAlertJSON{Kind: string(a.Kind), Start: a.Start, End: a.End, Detail: d})
	}
	return json.NewEncoder(w).Encode(j)
}

func healthFinite(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return 0
	}
	return x
}

func writeHealthSummary(env Env, video string, out *app.HealthCheckOutcome) {
	r, w := out.Report, env.Stdout
	fmt.Fprintln(w, env.T("cli.health.head", "Video", video, "FPS", fmt.Sprintf("%.3g", r.FPS),
		"Dur", durText(env, footageSpan(r.Duration)), "Analysed", r.Analysed))
	if len(r.Alerts) == 0 {
		fmt.Fprintln(w, env.T("cli.health.none"))
	}
	for _, a := range r.Alerts {
		line := env.T("cli.health.alert.open", "Kind", i18n.Label("alert."+string(a.Kind)), "From", footageClock(a.Start), "Raised", footageClock(a.Raised))
		if a.End != nil {
			line = env.T("cli.health.alert.closed", "Kind", i18n.Label("alert."+string(a.Kind)), "From", footageClock(a.Start), "To", footageClock(*a.End), "Raised", footageClock(a.Raised))
		}
		switch a.Kind {
		case health.Occlusion:
			line += env.T("cli.health.occlusion", "Pct", fmt.Sprintf("%.0f%%", 100*a.Measure))
		case health.Moved:
			line += env.T("cli.health.moved", "Px", fmt.Sprintf("%.0f", a.Detail["shift_px"]), "Deg", fmt.Sprintf("%.1f", a.Detail["rotation_deg"]))
		case health.Defocus:
			line += env.T("cli.health.defocus", "Pct", fmt.Sprintf("%.0f%%", 100*a.Measure))
		case health.NoSignal:
			if r, ok := a.Detail["reason"].(string); ok && i18n.Default().Has(i18n.English, "cli.health.nosignal."+r) {
				line += env.T("cli.health.nosignal." + r)
			}
		}
		fmt.Fprintln(w, line)
	}
	if out.ReferenceStored {
		fmt.Fprintln(w, env.T("cli.health.learnt"))
	}
	if n := len(out.StoredAlerts); n > 0 || out.ClosedAlerts > 0 {
		fmt.Fprintln(w, env.T("cli.health.stored", "N", n, "Closed", out.ClosedAlerts))
	}
}

func footageSpan(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// clock writes footage time as m:ss.s.
func footageClock(s float64) string {
	m := int(s) / 60
	return fmt.Sprintf("%d:%04.1f", m, s-float64(60*m))
}
