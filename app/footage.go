package app

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"os"
	"strings"
	"time"

	"storelens/assets"
	"storelens/localdb"
	"storelens/sync/engine"
	"storelens/vision"
)

// Recording is one clip of a camera's footage with where it stands locally.
type Recording = localdb.CameraRecording

// Camera is one camera of a store.
type Camera = localdb.Camera

// StoreCameras lists a store's cameras, entrance first.
func (a *App) StoreCameras(ctx context.Context, storeCode string) (localdb.Store, []Camera, error) {
	st, err := a.db.StoreByCode(ctx, storeCode)
	if err != nil {
		if errors.Is(err, localdb.ErrNotFound) {
			return st, nil, said("task.err.store", "Store", storeCode)
		}
		return st, nil, err
	}
	cams, err := a.db.StoreCameras(ctx, st.ID)
	return st, cams, err
}

// Recordings lists a camera's clips overlapping [from, to), oldest first:
// the spans a day timeline shows.
func (a *App) Recordings(ctx context.Context, cameraID int64, from, to time.Time) ([]Recording, error) {
	return a.db.RecordingsCovering(ctx, cameraID, from, to)
}

// RecordingAt is the clip of a camera that holds the moment at, or a
// SaidError saying there is none.
func (a *App) RecordingAt(ctx context.Context, cam Camera, storeCode string, at time.Time, loc *time.Location) (Recording, error) {
	recs, err := a.db.RecordingsCovering(ctx, cam.ID, at, at.Add(time.Second))
	if err != nil {
		return Recording{}, err
	}
	if len(recs) == 0 {
		return Recording{}, said("footage.err.none", "Store", storeCode, "Camera", cam.Code, "At", at.In(loc).Format(time.DateTime))
	}
	return recs[len(recs)-1], nil
}

// FetchRecording makes a clip local (exported at HQ and downloaded when
// need be) and returns its file. Offline it says so: the clip is fetched
// once the network is back and the manager opens it again.
func (a *App) FetchRecording(ctx context.Context, r Recording) (string, error) {
	return a.FetchRecordingProgress(ctx, r, nil)
}

// FetchRecordingProgress is FetchRecording telling progress the share
// downloaded so far, or -1 while HQ exports the segment.
func (a *App) FetchRecordingProgress(ctx context.Context, r Recording, progress func(fraction float64)) (string, error) {
	if progress != nil {
		a.fetchMu.Lock()
		if a.fetching == nil {
			a.fetching = map[string]func(float64){}
		}
		a.fetching[r.RemoteID] = progress
		a.fetchMu.Unlock()
		defer func() {
			a.fetchMu.Lock()
			delete(a.fetching, r.RemoteID)
			a.fetchMu.Unlock()
		}()
	}
	if r.State == "ready" && r.LocalPath != "" {
		if _, err := os.Stat(r.LocalPath); err == nil {
			return r.LocalPath, nil
		}
	}
	return a.DownloadRecording(ctx, r.RemoteID)
}

// OpenRecording marks a clip as being played (never evicted while open);
// call the returned function when the player lets it go.
func (a *App) OpenRecording(ctx context.Context, id int64) (release func()) {
	if err := a.db.OpenRecording(ctx, id, time.Now()); err != nil {
		a.log.Warn("mark recording open", "id", id, "err", err)
	}
	return func() { a.db.CloseRecording(context.WithoutCancel(ctx), id) }
}

// SnapshotRequest asks for the still of a store camera at a moment.
type SnapshotRequest struct {
	StoreCode  string
	CameraCode string // "" is the store's entrance camera
	// At is the moment; Local, when At is zero, is the store-local
	// "YYYY-MM-DD HH:MM:SS".
	At     time.Time
	Local  string
	NoBlur bool // keep faces as recorded (the still stays on this laptop)
}

// Snapshot is a still made from the footage, as evidence.
type Snapshot struct {
	Image     *image.RGBA
	StoreCode string
	Camera    Camera
	At        time.Time // the moment of the frame shown
	Blurred   bool
}

// TakeSnapshot makes the still of a store camera at a moment from its
// recording (fetched when not local), with store, camera and store-local
// time burned in and, unless NoBlur, the people's heads blurred.
func (a *App) TakeSnapshot(ctx context.Context, req SnapshotRequest) (*Snapshot, error) {
	st, cams, err := a.StoreCameras(ctx, req.StoreCode)
	if err != nil {
		return nil, err
	}
	var cam Camera
	for _, c := range cams {
		if req.CameraCode == "" || strings.EqualFold(c.Code, req.CameraCode) {
			cam = c
			break
		}
	}
	if cam.ID == 0 {
		codes := make([]string, len(cams))
		for i, c := range cams {
			codes[i] = c.Code
		}
		return nil, said("footage.err.camera", "Store", st.Code, "Camera", req.CameraCode, "Cameras", strings.Join(codes, ", "))
	}
	loc, err := time.LoadLocation(st.TimeZone)
	if err != nil {
		loc = time.Local
	}
	at := req.At
	if at.IsZero() {
		at, err = time.ParseInLocation(time.DateTime, strings.TrimSpace(req.Local), loc)
		if err != nil {
			return nil, said("footage.err.at", "At", req.Local)
		}
	}
	rec, err := a.RecordingAt(ctx, cam, st.Code, at, loc)
	if err != nil {
		return nil, err
	}
	path, err := a.FetchRecording(ctx, rec)
	if err != nil {
		return nil, err
	}
	return a.StillFrom(path, st.Code, cam, time.Unix(rec.Starts, 0), at, loc, !req.NoBlur)
}

// StillFrom makes the evidence still of the frame at moment at of the
// recording at path (which starts at starts).
func (a *App) StillFrom(path, storeCode string, cam Camera, starts, at time.Time, loc *time.Location, blur bool) (*Snapshot, error) {
	opts := vision.StillOptions{}
	if blur {
		d, err := a.privacyDetector()
		if err != nil {
			return nil, err
		}
		defer d.Close()
		opts.Blur = d
	}
	offset := at.Sub(starts)
	opts.Lines = []string{storeCode + "  " + cam.Code, at.Truncate(time.Second).In(loc).Format(time.DateTime)}
	img, shown, err := vision.Still(path, offset, opts)
	if err != nil {
		return nil, err
	}
	return &Snapshot{Image: img, StoreCode: storeCode, Camera: cam, At: starts.Add(shown).In(loc), Blurred: blur}, nil
}

// EvidenceRequest names the frame a still is to be evidence of: the
// recording it is decoded from, and the store, camera and moment it is to
// be stamped with.
type EvidenceRequest struct {
	RecordingID int64
	StoreCode   string
	CameraID    int64
	At          time.Time
	Loc         *time.Location
	Blur        bool
}

// EvidenceStill decodes the frame of req.At from recording req.RecordingID
// and stamps it, after checking against the local store (not the screen's
// state) that the recording is of that store's camera, holds that moment
// and is on this laptop. A still that would carry another store's,
// camera's or moment's picture is refused, so evidence is always what it
// says it is.
func (a *App) EvidenceStill(ctx context.Context, req EvidenceRequest) (*Snapshot, error) {
	if req.RecordingID == 0 || req.At.IsZero() {
		return nil, said("footage.err.loading")
	}
	place, err := a.db.RecordingPlaceByID(ctx, req.RecordingID)
	if err != nil {
		return nil, err
	}
	loc := req.Loc
	if loc == nil {
		loc = time.UTC
	}
	at := req.At.In(loc).Format(time.DateTime)
	if !strings.EqualFold(place.StoreCode, req.StoreCode) || place.CameraID != req.CameraID {
		return nil, said("footage.err.mismatch", "Store", req.StoreCode, "At", at, "Camera", place.CameraCode, "Other", place.StoreCode)
	}
	if req.At.Before(place.Starts) || !req.At.Before(place.Starts.Add(place.Duration)) {
		return nil, said("footage.err.none", "Store", req.StoreCode, "Camera", place.CameraCode, "At", at)
	}
	if place.State != "ready" || place.LocalPath == "" {
		return nil, said("footage.err.loading")
	}
	cam := Camera{ID: place.CameraID, Code: place.CameraCode}
	snap, err := a.StillFrom(place.LocalPath, place.StoreCode, cam, place.Starts, req.At, loc, req.Blur)
	if err != nil {
		return nil, err
	}
	// The decoder lands on the frame at or before the moment asked; a
	// frame further off than a second is not evidence of that moment.
	if d := snap.At.Sub(req.At); d > time.Second || d < -time.Second {
		return nil, said("footage.err.none", "Store", req.StoreCode, "Camera", place.CameraCode, "At", at)
	}
	return snap, nil
}

// privacyDetector finds people for the blur: the learnt detector with a
// low score threshold, as a missed face matters more than an extra blur.
func (a *App) privacyDetector() (vision.Detector, error) {
	model, err := assets.PersonModel()
	if err != nil {
		return nil, err
	}
	return vision.NewNanoDetDetector(vision.NanoDetConfig{ModelData: model, MinScore: 0.3})
}

// WritePNG writes a still to path.
func (s *Snapshot) WritePNG(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write the snapshot: %w", err)
	}
	if err := png.Encode(f, s.Image); err != nil {
		f.Close()
		return fmt.Errorf("write the snapshot %s: %w", path, err)
	}
	return f.Close()
}

// KeepSnapshot stores a still as task evidence on this laptop and returns
// its snapshot id.
func (a *App) KeepSnapshot(ctx context.Context, s *Snapshot) (int64, error) {
	return a.keepImage(ctx, s.Image, s.Camera.ID, s.At)
}

// Timeline is a camera's day as the review screen lays it out.
type Timeline = localdb.Timeline

// CameraTimeline reads a camera's counts, recount crossings, alerts and the
// store's receipts over [from, to).
func (a *App) CameraTimeline(ctx context.Context, cameraID int64, from, to time.Time) (Timeline, error) {
	return a.db.CameraTimeline(ctx, cameraID, from, to)
}

// CountingLines are a camera's lines and zones in its pixels, by kind
// (entrance, outside, staff_zone, till_zone): each a list of points.
func (a *App) CountingLines(ctx context.Context, cameraCode string) (map[string][]image.Point, error) {
	c, err := a.db.CountingCameraByCode(ctx, cameraCode)
	if err != nil {
		return nil, err
	}
	out := map[string][]image.Point{}
	for kind, pts := range c.Lines {
		var v []int
		for _, f := range strings.Split(pts, ",") {
			var n int
			if _, err := fmt.Sscan(strings.TrimSpace(f), &n); err == nil {
				v = append(v, n)
			}
		}
		for i := 0; i+1 < len(v); i += 2 {
			out[kind] = append(out[kind], image.Pt(v[i], v[i+1]))
		}
	}
	return out, nil
}

// Store is a store as the local data holds it.
type Store = localdb.Store

// Player plays a recording file frame by frame (package vision).
type Player = vision.Player

// OpenPlayer opens a recording for review.
func OpenPlayer(path string) (*Player, error) { return vision.OpenPlayer(path) }

// TrackBox is one tracked person in one frame of a recount.
type TrackBox = vision.TrackBox

// LineEntrance names the entrance line in a recount's events.
const LineEntrance = vision.LineEntrance

// IsOffline reports whether err means HQ could not be reached.
func IsOffline(err error) bool { return errors.Is(err, engine.ErrOffline) }

// Box is a rectangle in frame pixels.
type Box = vision.Box
