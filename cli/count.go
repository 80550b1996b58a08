package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
	"time"

	"storelens/app"
	"storelens/localdb"
	"storelens/vision"
)

func init() {
	Register(Command{
		Name:    "count",
		Summary: "count shoppers crossing a line in a video (local recount)",
		Run:     runCount,
	})
}

// countJSON is the exact shape of `storelens count --json`.
type countJSON struct {
	Detector  string           `json:"detector"` // motion or dnn
	Runtime   string           `json:"runtime"`  // onnxruntime or opencv: what ran the detector
	In        int              `json:"in"`
	Out       int              `json:"out"`
	PassersBy *int             `json:"passers_by"` // null without an outside line: not measured, not zero
	Entries   int              `json:"entries"`
	Frames    int              `json:"frames"`
	FPS       float64          `json:"fps"`
	Events    []countEventJSON `json:"events"`
}

type countEventJSON struct {
	T       float64 `json:"t_s"`
	Frame   int     `json:"frame"`
	Line    string  `json:"line"`
	Dir     string  `json:"dir"`
	Track   int     `json:"track"`
	Staff   bool    `json:"staff"`
	Reentry bool    `json:"reentry"`
}

func runCount(ctx context.Context, env Env, args []string) error {
	fs := NewFlagSet(&env, "count")
	video := fs.String("video", "", "video file, or rtsp:// / http:// address (required)")
	line := fs.String("line", "", "entrance line x1,y1,x2,y2 in the video's pixels; walking to the side where (x2-x1)(y-y1)-(y2-y1)(x-x1) < 0 is \"in\" (required unless --camera has one)")
	outside := fs.String("outside-line", "", "storefront line x1,y1,x2,y2 whose crossings are passers-by")
	asJSON := fs.Bool("json", false, "print one JSON object on stdout instead of a summary")
	camera := fs.String("camera", "", "camera code: store the recount in the local store against this camera")
	start := fs.String("start", "", "wall-clock time of the first frame, RFC 3339 (e.g. 2026-11-20T10:00:00+08:00); required with --camera")
	staffZone := fs.String("staff-zone", "", "staff-only area x1,y1,x2,y2,x3,y3[,…]: whoever stands in it is staff")
	uniform := fs.String("uniform", "", "staff uniform colour as HSV range hmin,hmax,smin,vmin (OpenCV scale: H 0-180)")
	staffTracks := fs.String("staff-tracks", "", "track numbers marked as staff in review, e.g. 3,17")
	window := fs.Duration("reentry-window", 30*time.Minute, "the same person entering again within this counts once (0 turns it off)")
	analysisFPS := fs.Float64("analysis-fps", vision.DefaultAnalysisFPS, "analyse at most this many frames a second (0 = every frame, slower)")
	detector := fs.String("detector", "dnn", "how people are found: dnn (the built-in learnt person detector, NanoDet) or motion (background subtraction, faster)")
	dnnModel := fs.String("dnn-model", "", "your own SSD-style person detector (ONNX, Caffe .caffemodel, TensorFlow .pb) instead of the built-in ones")
	dnnConfig := fs.String("dnn-config", "", "the model's config file (Caffe .prototxt, TensorFlow .pbtxt), if it has one")
	rt := fs.String("runtime", "auto", "what runs the learnt detector: auto (ONNX Runtime when its library is there, else OpenCV), onnxruntime or opencv")
	threads := fs.Int("threads", runtime.NumCPU(), "cores the learnt detector may use")
	if err := ParseFlags(fs, args); err != nil {
		return err
	}
	if *video == "" {
		fmt.Fprintln(env.Stderr, env.T("cli.err.needvideo", "Cmd", "count"))
		fs.Usage()
		return ErrUsage
	}
	var cfg vision.Config
	if *line != "" {
		l, err := vision.ParseLine(*line)
		if err != nil {
			return fmt.Errorf("--line: %w", err)
		}
		cfg.Entrance = l
	} else if *camera == "" {
		fmt.Fprintln(env.Stderr, env.T("cli.err.needline"))
		return ErrUsage
	}
	if *outside != "" {
		l, err := vision.ParseLine(*outside)
		if err != nil {
			return fmt.Errorf("--outside-line: %w", err)
		}
		cfg.Outside = &l
	}
	if *staffZone != "" {
		z, err := vision.ParsePolygon(*staffZone)
		if err != nil {
			return fmt.Errorf("--staff-zone: %w", err)
		}
		cfg.StaffZone = z
	}
	if *uniform != "" {
		u, err := parseUniform(*uniform)
		if err != nil {
			return fmt.Errorf("--uniform: %w", err)
		}
		cfg.StaffUniform = u
	}
	if *staffTracks != "" {
		for _, p := range strings.Split(*staffTracks, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(p))
			if err != nil || n <= 0 {
				return fmt.Errorf("--staff-tracks: %q is not a track number", p)
			}
			cfg.StaffTracks = append(cfg.StaffTracks, n)
		}
	}
	if *analysisFPS < 0 {
		return fmt.Errorf("--analysis-fps %v: want 0 (every frame) or a positive rate", *analysisFPS)
	}
	cfg.AnalysisFPS = *analysisFPS
	if *analysisFPS == 0 {
		cfg.AnalysisFPS = -1 // every frame
	}
	cfg.ReentryWindow = *window
	if *window == 0 {
		cfg.ReentryWindow = -1
	}
	used := *detector
	switch {
	case *dnnModel != "":
		d, err := vision.NewDNNDetector(vision.DNNConfig{Model: *dnnModel, ModelConfig: *dnnConfig})
		if err != nil {
			return err
		}
		cfg.Detector, used = d, app.DetectorDNN
	case *detector != app.DetectorDNN && *detector != app.DetectorMotion:
		return sayErr("detector", "Value", *detector)
	}
	req := app.RecountRequest{Video: *video, CameraCode: *camera, Count: cfg, Detector: *detector, Threads: *threads}
	switch *rt {
	case "auto":
	case vision.RuntimeORT, vision.RuntimeOpenCV:
		req.Runtime = *rt
	default:
		return sayErr("runtime", "Value", *rt)
	}
	if *threads < 1 {
		return sayErr("threads", "Value", *threads)
	}
	if *start != "" {
		t, err := time.Parse(time.RFC3339, *start)
		if err != nil {
			return fmt.Errorf("--start %q: want a time like 2026-11-20T10:00:00+08:00", *start)
		}
		req.Start = t
	}
	if !*asJSON {
		req.Progress = progressBar(env)
	}
	out, err := withStoreIf(ctx, env, *camera != "", func(db *localdb.DB) (*app.RecountOutcome, error) { return app.Recount(ctx, db, req) })
	if !*asJSON {
		fmt.Fprintln(env.Stderr)
	}
	if err != nil {
		return err
	}
	if out.Fallback != "" {
		fmt.Fprintln(env.Stderr, env.T("cli.count.fallback", "Why", out.Fallback))
	}
	if *asJSON {
		return writeCountJSON(env.Stdout, out, used, *outside != "")
	}
	writeCountSummary(env, *video, out, *outside != "")
	return nil
}

func writeCountJSON(w io.Writer, out *app.RecountOutcome, detector string, passersMeasured bool) error {
	r := out.Result
	j := countJSON{Detector: detector, Runtime: out.Runtime, In: r.In, Out: r.Out, Entries: r.Entries, Frames: r.Frames, FPS: r.FPS, Events: []countEventJSON{}}
	if passersMeasured {
		j.PassersBy = &r.PassersBy
	}
	for _, e := range r.Events {
		j.Events = append(j.Events, countEventJSON{
			T: roundMS(e.T), Frame: e.Frame, Line: e.Line, Dir: e.Dir, Track: e.Track, Staff: e.Staff, Reentry: e.Reentry,
		})
	}
	enc := json.NewEncoder(w)
	return enc.Encode(j)
}

func roundMS(d time.Duration) float64 {
	return float64(d.Round(time.Millisecond)) / float64(time.Second)
}

func writeCountSummary(env Env, video string, out *app.RecountOutcome, passersMeasured bool) {
	r, w := out.Result, env.Stdout
	fmt.Fprintln(w, env.T("cli.count.head", "Video", video, "Frames", r.Frames, "FPS", fmt.Sprintf("%.3g", r.FPS), "Dur", durText(env, r.Duration)))
	fmt.Fprintln(w, env.T("cli.count.line", "In", r.In, "Out", r.Out))
	fmt.Fprintln(w, env.T("cli.count.entries", "N", r.Entries, "Staff", r.StaffExcluded, "Re", r.Reentries))
	if passersMeasured {
		fmt.Fprintln(w, env.T("cli.count.passers", "N", r.PassersBy))
	} else {
		fmt.Fprintln(w, env.T("cli.count.passers.none"))
	}
	if r.DwellN > 0 {
		fmt.Fprintln(w, env.T("cli.count.dwell", "Avg", durText(env, r.DwellSum/time.Duration(r.DwellN)), "N", r.DwellN))
	}
	if out.RecountID != 0 {
		fmt.Fprintln(w, env.T("cli.count.stored", "ID", out.RecountID))
	}
}

// durText writes a span of footage as "1 min 19 s" / "1分19秒".
func durText(env Env, d time.Duration) string {
	sec := int(d.Round(time.Second) / time.Second)
	if sec < 60 {
		return env.T("cli.dur.s", "S", sec)
	}
	return env.T("cli.dur.ms", "M", sec/60, "S", sec%60)
}

// progressBar draws a bar on env's stderr, at most ten times a second.
func progressBar(env Env) vision.Progress {
	var last time.Time
	w, what := env.Stderr, env.T("cli.count.progress")
	return func(done, total int) {
		if time.Since(last) < 100*time.Millisecond && done != total {
			return
		}
		last = time.Now()
		if total <= 0 {
			fmt.Fprintf(w, "\r%s… %d", what, done)
			return
		}
		const width = 30
		n := min(width, done*width/total)
		fmt.Fprintf(w, "\r%s [%s%s] %3d%% %d/%d", what, strings.Repeat("#", n), strings.Repeat(" ", width-n), done*100/total, done, total)
	}
}

// parseUniform reads "hmin,hmax,smin,vmin".
func parseUniform(s string) (*vision.UniformColour, error) {
	p := strings.Split(s, ",")
	if len(p) != 4 {
		return nil, fmt.Errorf("%q: want hmin,hmax,smin,vmin (H 0-180, S and V 0-255)", s)
	}
	var v [4]int
	for i, x := range p {
		n, err := strconv.Atoi(strings.TrimSpace(x))
		if err != nil || n < 0 || n > 255 || (i < 2 && n > 180) {
			return nil, fmt.Errorf("%q: %q is out of range (H 0-180, S and V 0-255)", s, x)
		}
		v[i] = n
	}
	return &vision.UniformColour{HMin: uint8(v[0]), HMax: uint8(v[1]), SMin: uint8(v[2]), SMax: 255, VMin: uint8(v[3]), VMax: 255}, nil
}
