package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"time"

	"storelens/app"
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
		fmt.Fprintln(env.Stderr, "storelens health: --video is required")
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
	writeHealthSummary(env.Stdout, *video, out)
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

// healthWords says what each kind of alert means to a manager.
var healthWords = map[health.Kind]string{
	health.Occlusion: "view blocked",
	health.Moved:     "camera moved",
	health.Defocus:   "picture blurred",
	health.NoSignal:  "no signal",
}

func writeHealthSummary(w io.Writer, video string, out *app.HealthCheckOutcome) {
	r := out.Report
	fmt.Fprintf(w, "%s: %d frames at %.3g fps (%s), %d analysed\n", video, r.Frames, r.FPS, footageSpan(r.Duration).Round(time.Second), r.Analysed)
	if len(r.Alerts) == 0 {
		fmt.Fprintln(w, "  no alert: the camera saw its normal view throughout")
	}
	for _, a := range r.Alerts {
		end := "still at the end of the video"
		if a.End != nil {
			end = "until " + footageClock(*a.End)
		}
		fmt.Fprintf(w, "  %-15s from %s %s (raised at %s)", healthWords[a.Kind], footageClock(a.Start), end, footageClock(a.Raised))
		switch a.Kind {
		case health.Occlusion:
			fmt.Fprintf(w, ": %.0f%% of the view", 100*a.Measure)
		case health.Moved:
			fmt.Fprintf(w, ": shifted %.0f px, turned %.1f°", a.Detail["shift_px"], a.Detail["rotation_deg"])
		case health.Defocus:
			fmt.Fprintf(w, ": sharpness %.0f%% of usual", 100*a.Measure)
		case health.NoSignal:
			fmt.Fprintf(w, ": %v", a.Detail["reason"])
		}
		fmt.Fprintln(w)
	}
	if out.ReferenceStored {
		fmt.Fprintln(w, "  the camera's normal view was learnt from this footage and stored")
	}
	if n := len(out.StoredAlerts); n > 0 || out.ClosedAlerts > 0 {
		fmt.Fprintf(w, "  stored %d alert(s) in the local store; closed %d earlier one(s); counts during them are marked suspect\n", n, out.ClosedAlerts)
	}
}

func footageSpan(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }

// clock writes footage time as m:ss.s.
func footageClock(s float64) string {
	m := int(s) / 60
	return fmt.Sprintf("%d:%04.1f", m, s-float64(60*m))
}
