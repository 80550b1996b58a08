package demofeed

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"time"

	"storelens/sync/feed"
)

// The stores record their entrance camera continuously, as an NVR does, and
// keep recordDays days (two weeks); HQ lists the segments and exports one from the
// store's recorder when it is first asked for (the demo cuts it from the
// sample footage, looped, with the store's local time burned in at the
// bottom right as a recorder does).
const (
	segmentSeconds = 600
	recordDays     = 14
	// keptSegments bounds the demo's own disk: the least recently made
	// segments beyond it are removed (and made again if asked for).
	keptSegments = 48
)

// segmentKey is one segment of a camera's recording.
type segmentKey struct {
	camera string
	starts time.Time // in the store's zone
}

// segmentList indexes the continuous recording of every store's entrance
// camera over its open hours of the last recordDays days.
func (s *Server) segmentList() []recording {
	if s.media.ffmpeg == "" || s.media.footage == "" {
		return nil
	}
	var out []recording
	for _, st := range s.chain.stores {
		if len(st.cameras) == 0 {
			continue
		}
		cam := st.cameras[0]
		for d := s.until - recordDays + 1; d <= s.until; d++ {
			o, c := st.openMinutes(d)
			if c <= o {
				continue
			}
			for m := o / 60 * 60; m < c; m += segmentSeconds / 60 {
				t := d.at(st.loc, m)
				id := fmt.Sprintf("seg-%s-%s", cam.Code, t.Format("200601021504"))
				out = append(out, recording{Recording: feed.Recording{ID: id, CameraID: cam.ID, Starts: t.Unix(), DurationS: segmentSeconds,
					URL: feed.RecordingPath(id), MediaType: "video/mp4", OnRequest: true}, variant: -1, segment: &segmentKey{cam.Code, t}})
			}
		}
	}
	return out
}

// segmentCache holds the segments made so far.
type segmentCache struct {
	mu    sync.Mutex
	files map[string]*segmentFile
}

type segmentFile struct {
	once sync.Once
	path string
	size int64
	sha  string
	err  error
	used time.Time
}

// segment makes (once) and returns the file of rec.
func (s *Server) segment(ctx context.Context, rec recording) (*segmentFile, error) {
	c := &s.segs
	c.mu.Lock()
	if c.files == nil {
		c.files = map[string]*segmentFile{}
	}
	f := c.files[rec.ID]
	if f == nil {
		f = &segmentFile{path: filepath.Join(s.media.dir, "segments", rec.ID+".mp4")}
		c.files[rec.ID] = f
	}
	f.used = time.Now()
	c.mu.Unlock()
	f.once.Do(func() { f.err = s.makeSegment(rec, f) })
	if f.err != nil {
		c.mu.Lock()
		delete(c.files, rec.ID) // try again next time
		c.mu.Unlock()
		return nil, f.err
	}
	s.trimSegments()
	return f, nil
}

// makeSegment cuts rec's ten minutes from the looped footage, starting at
// a place of the loop that depends on the segment, with the local time
// burned in.
func (s *Server) makeSegment(rec recording, f *segmentFile) error {
	if st, err := os.Stat(f.path); err != nil || st.Size() == 0 {
		if err := os.MkdirAll(filepath.Dir(f.path), 0o755); err != nil {
			return err
		}
		h := fnv.New32a()
		h.Write([]byte(rec.ID))
		offset := h.Sum32() % 70
		_, zoneOff := rec.segment.starts.Zone()
		local := rec.segment.starts.Unix() + int64(zoneOff)
		text := `%{pts\:gmtime\:` + strconv.FormatInt(local, 10) + `\:%Y-%m-%d %H\\\:%M\\\:%S}  ` + rec.segment.camera
		draw := "drawtext=text='" + text + "':x=w-tw-10:y=h-th-10:fontsize=15:fontcolor=white:box=1:boxcolor=black@0.55:boxborderw=4"
		if font := monoFont(); font != "" {
			draw = "drawtext=fontfile=" + font + ":" + draw[len("drawtext="):]
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		tmp := f.path + ".tmp"
		b, err := exec.CommandContext(ctx, s.media.ffmpeg, "-nostdin", "-loglevel", "error", "-y", "-stream_loop", "-1",
			"-ss", strconv.Itoa(int(offset)), "-i", s.media.footage, "-t", strconv.Itoa(segmentSeconds), "-vf", draw,
			"-an", "-c:v", "libx264", "-preset", "superfast", "-crf", "32", "-g", "20", "-pix_fmt", "yuv420p",
			"-movflags", "+faststart", "-map_metadata", "-1", "-f", "mp4", tmp).CombinedOutput()
		if err == nil {
			err = os.Rename(tmp, f.path)
		}
		if err != nil {
			os.Remove(tmp)
			return fmt.Errorf("export of %s failed: %v %s", rec.ID, err, bytes.TrimSpace(b))
		}
	}
	in, err := os.Open(f.path)
	if err != nil {
		return err
	}
	defer in.Close()
	h := sha256.New()
	n, err := io.Copy(h, in)
	if err != nil {
		return err
	}
	f.size, f.sha = n, hex.EncodeToString(h.Sum(nil))
	return nil
}

func monoFont() string {
	for _, p := range []string{"/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf", "/usr/share/fonts/truetype/noto/NotoSansMono-Regular.ttf"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// trimSegments removes the least recently used segment files beyond
// keptSegments.
func (s *Server) trimSegments() {
	c := &s.segs
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.files) <= keptSegments {
		return
	}
	type entry struct {
		id   string
		used time.Time
	}
	var all []entry
	for id, f := range c.files {
		all = append(all, entry{id, f.used})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].used.Before(all[j].used) })
	for _, e := range all[:len(all)-keptSegments] {
		os.Remove(c.files[e.id].path)
		delete(c.files, e.id)
	}
}

// exportRecording answers GET /v1/recordings/{id}/export: the recording
// with its size and SHA-256, once the segment is made.
func (s *Server) exportRecording(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	rec, ok := s.recordingByID(id)
	if !ok {
		writeError(w, http.StatusNotFound, feed.CodeNotFound, "no recording "+strconv.Quote(id), "sync the recordings index and export one it lists")
		return
	}
	out := rec.Recording
	if rec.segment != nil {
		f, err := s.segment(r.Context(), rec)
		if err != nil {
			s.cfg.Logf("demo feed: %v", err)
			writeError(w, http.StatusServiceUnavailable, feed.CodeUnavailable, "the store's recorder could not export "+id+" just now", "try again later")
			return
		}
		out.Size, out.SHA256, out.OnRequest = f.size, f.sha, false
	} else {
		s.mu.Lock()
		out = s.recordingItemLocked(rec)
		s.mu.Unlock()
	}
	b, _ := json.Marshal(out)
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

// serveSegment sends a segment's bytes (made first if need be).
func (s *Server) serveSegment(w http.ResponseWriter, r *http.Request, rec recording) {
	f, err := s.segment(r.Context(), rec)
	if err != nil {
		s.cfg.Logf("demo feed: %v", err)
		writeError(w, http.StatusServiceUnavailable, feed.CodeUnavailable, "the store's recorder could not export "+rec.ID+" just now", "try again later")
		return
	}
	in, err := os.Open(f.path)
	if err != nil {
		writeError(w, http.StatusServiceUnavailable, feed.CodeUnavailable, "recording "+rec.ID+" cannot be read at HQ just now", "try again later")
		return
	}
	defer in.Close()
	w.Header().Set("Content-Type", "video/mp4")
	w.Header().Set("ETag", `"`+f.sha[:16]+`"`)
	http.ServeContent(w, r, "", time.Time{}, in)
}
