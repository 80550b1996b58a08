package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"storelens/assets"
	"storelens/localdb"
	"storelens/vision"
)

// RecountRequest asks for a local recount of one video.
type RecountRequest struct {
	// Video is a file path or a camera/recording address.
	Video string
	// CameraCode names the camera the footage is from. With a camera the
	// result is stored (events and 15-minute buckets, source local) next to
	// the device's counts; without one the recount is only returned.
	CameraCode string
	// Start is the wall-clock time of the video's first frame; required
	// with a camera.
	Start time.Time
	// RecordingID links the recount to a synced recording (0: none).
	RecordingID int64
	// Count is the counting set-up. When its Entrance line is unset and a
	// camera is given, the camera's configured lines and staff zone are
	// used.
	Count vision.Config
	// Detector finds the people when Count brings none: DetectorDNN (the
	// built-in learnt detector, the default) or DetectorMotion.
	Detector string
	// Runtime runs the learnt detector: vision.RuntimeAuto (ONNX Runtime
	// when its library loads, OpenCV otherwise), vision.RuntimeORT or
	// vision.RuntimeOpenCV.
	Runtime string
	// Threads is how many cores the learnt detector may use: 0 or 1 for a
	// recount beside the open window, all of them for a headless one.
	Threads int
	// Progress, if set, hears about every frame.
	Progress vision.Progress
	// OnTracks, if set, hears the tracked people of every analysed frame
	// (what the review draws over the footage).
	OnTracks func(frame int, tracks []TrackBox)
}

// The detectors a recount can use.
const (
	DetectorDNN    = "dnn"
	DetectorMotion = "motion"
)

// detectorFor sets up the detector req asks for.
func detectorFor(req *RecountRequest) error {
	if req.Count.Detector != nil {
		return nil
	}
	switch req.Detector {
	case "", DetectorDNN:
		model, err := assets.PersonModel()
		if err != nil {
			return err
		}
		d, err := vision.NewNanoDetDetector(vision.NanoDetConfig{ModelData: model, Runtime: req.Runtime, Threads: req.Threads})
		if err != nil {
			return err
		}
		req.Count.Detector = d
	case DetectorMotion:
	default:
		return fmt.Errorf("detector %q: choose %s or %s", req.Detector, DetectorDNN, DetectorMotion)
	}
	return nil
}

// RecountOutcome is what a recount found and, when stored, its id.
type RecountOutcome struct {
	Result *vision.Result
	// Runtime is what ran the learnt detector (vision.RuntimeORT or
	// vision.RuntimeOpenCV; RuntimeOpenCV too for motion detection), and
	// Fallback why it is not ONNX Runtime when that was wanted.
	Runtime, Fallback string
	// RecountID is the stored recount's id, 0 when nothing was stored.
	RecountID int64
}

// Recount counts shoppers in a video and, when the request names a camera,
// stores the events and rebuilds the camera's local buckets and the store's
// rollups in one transaction (an earlier recount of the same period is
// replaced). Nothing is stored if the video cannot be read to its end.
func (a *App) Recount(ctx context.Context, req RecountRequest) (*RecountOutcome, error) {
	return Recount(ctx, a.db, req)
}

// Recount is App.Recount on a given store (db may be nil when the request
// names no camera).
func Recount(ctx context.Context, db *localdb.DB, req RecountRequest) (*RecountOutcome, error) {
	if req.OnTracks != nil {
		req.Count.OnTracks = req.OnTracks
		// Whoever watches the boxes sees everybody in the picture, not
		// only the people near the lines the count looks at.
		req.Count.WholeFrame = true
	}
	var cam localdb.CountingCamera
	if req.CameraCode != "" {
		if db == nil {
			return nil, errors.New("recount: a camera was given but no local store is open")
		}
		if req.Start.IsZero() {
			return nil, fmt.Errorf("recount of %s for camera %s: give the wall-clock time of the video's first frame", req.Video, req.CameraCode)
		}
		var err error
		if cam, err = db.CountingCameraByCode(ctx, req.CameraCode); err != nil {
			return nil, err
		}
		if err := applyCameraGeometry(&req.Count, cam); err != nil {
			return nil, err
		}
	}
	if err := detectorFor(&req); err != nil {
		return nil, err
	}
	src, err := vision.OpenSource(req.Video)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	res, err := vision.Count(ctx, src, req.Count, req.Progress)
	if err != nil {
		return nil, err
	}
	out := &RecountOutcome{Result: res, Runtime: vision.RuntimeOpenCV}
	if r, ok := req.Count.Detector.(runtimeReporter); ok {
		out.Runtime, out.Fallback = r.Runtime(), r.Fallback()
	}
	if req.CameraCode == "" {
		return out, nil
	}
	params, _ := json.Marshal(recountParams(req.Count))
	rec := &localdb.Recount{
		CameraID: cam.ID, RecordingID: req.RecordingID, Video: req.Video,
		StartedAt: req.Start, Frames: res.Frames, FPS: res.FPS, Params: string(params),
		Duration: res.Duration,
	}
	events := make([]localdb.RecountEvent, len(res.Events))
	for i, e := range res.Events {
		events[i] = localdb.RecountEvent{
			At: req.Start.Add(e.T), Frame: e.Frame, Line: e.Line, Direction: e.Dir,
			Track: e.Track, Staff: e.Staff, Reentry: e.Reentry, Dwell: e.Dwell,
		}
	}
	if err := db.SaveRecount(ctx, rec, events); err != nil {
		return nil, fmt.Errorf("store the recount of %s: %w", req.Video, err)
	}
	out.RecountID = rec.ID
	return out, nil
}

// MarkTrackStaff records a reviewer's "this is staff" on one track of a
// stored recount: its crossings stop counting as entries and the camera's
// local buckets and the store's rollups follow.
func (a *App) MarkTrackStaff(ctx context.Context, recountID int64, track int) error {
	return a.db.MarkTrackStaff(ctx, recountID, track)
}

// applyCameraGeometry fills the lines and staff zone of cfg from the
// camera's configuration where cfg leaves them unset.
func applyCameraGeometry(cfg *vision.Config, cam localdb.CountingCamera) error {
	if cfg.Entrance.Len() < 1 {
		p, ok := cam.Lines["entrance"]
		if !ok {
			return fmt.Errorf("camera %s has no entrance line; draw one in the camera's settings or pass --line", cam.Code)
		}
		l, err := vision.ParseLine(p)
		if err != nil {
			return fmt.Errorf("camera %s entrance %w", cam.Code, err)
		}
		cfg.Entrance = l
	}
	if p, ok := cam.Lines["outside"]; ok && cfg.Outside == nil {
		l, err := vision.ParseLine(p)
		if err != nil {
			return fmt.Errorf("camera %s outside %w", cam.Code, err)
		}
		cfg.Outside = &l
	}
	if p, ok := cam.Lines["staff_zone"]; ok && len(cfg.StaffZone) == 0 {
		z, err := vision.ParsePolygon(p)
		if err != nil {
			return fmt.Errorf("camera %s staff %w", cam.Code, err)
		}
		cfg.StaffZone = z
	}
	return nil
}

// runtimeReporter is a detector that says what runs its network.
type runtimeReporter interface {
	Runtime() string
	Fallback() string
}

// recountParams is the counting set-up kept with a stored recount.
func recountParams(c vision.Config) map[string]any {
	p := map[string]any{"entrance": c.Entrance.String(), "detector": "motion"}
	if c.Outside != nil {
		p["outside"] = c.Outside.String()
	}
	if len(c.StaffZone) > 0 {
		p["staff_zone"] = c.StaffZone
	}
	if c.StaffUniform != nil {
		p["staff_uniform"] = c.StaffUniform
	}
	if len(c.StaffTracks) > 0 {
		p["staff_tracks"] = c.StaffTracks
	}
	if named, ok := c.Detector.(interface{ Name() string }); ok {
		p["detector"] = named.Name()
		if r, ok := c.Detector.(runtimeReporter); ok {
			p["runtime"] = r.Runtime()
		}
	} else if c.Detector != nil {
		p["detector"] = fmt.Sprintf("%T", c.Detector)
	}
	switch {
	case c.ReentryWindow == 0:
		p["reentry_window_s"] = 1800 // the counter's default
	case c.ReentryWindow < 0:
		p["reentry_window_s"] = 0 // de-duplication off
	default:
		p["reentry_window_s"] = c.ReentryWindow.Seconds()
	}
	switch {
	case c.AnalysisFPS == 0:
		p["analysis_fps"] = vision.DefaultAnalysisFPS
	case c.AnalysisFPS > 0:
		p["analysis_fps"] = c.AnalysisFPS
	default:
		p["analysis_fps"] = 0 // every frame
	}
	return p
}

// PeopleAhead finds the people in a recording from offset at for the span
// after it, five looks a second, with the built-in learnt detector on one
// core, handing each look's people to each as it goes (as tracks numbered
// 0: not followed, not decided). The review shows them near the frame on
// screen before its recount of the whole recording gets there.
func (a *App) PeopleAhead(ctx context.Context, video string, at, span time.Duration, each func(frame int, people []TrackBox)) error {
	return PeopleAhead(ctx, video, at, span, each)
}

// PeopleAhead is App.PeopleAhead; it needs no local store.
func PeopleAhead(ctx context.Context, video string, at, span time.Duration, each func(frame int, people []TrackBox)) error {
	model, err := assets.PersonModel()
	if err != nil {
		return err
	}
	d, err := vision.NewNanoDetDetector(vision.NanoDetConfig{ModelData: model})
	if err != nil {
		return err
	}
	defer d.Close()
	return vision.PeopleAhead(ctx, video, d, at, span, func(frame int, people []vision.Box) {
		tb := make([]TrackBox, len(people))
		for i, b := range people {
			tb[i] = TrackBox{Box: b, Confirmed: true}
		}
		each(frame, tb)
	})
}
