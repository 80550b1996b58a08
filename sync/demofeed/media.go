package demofeed

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"storelens/assets"
	"storelens/sync/feed"
)

// clip is one MP4 cut of the sample footage.
type clip struct {
	name      string
	path      string
	size      int64
	sha       string
	durationS float64
}

// still is one JPEG served as an inspection snapshot.
type still struct {
	data []byte
	sha  string
}

type media struct {
	// dir, footage and ffmpeg make the on-request segments ("" without).
	dir, footage, ffmpeg string
	clips                []clip // ordinary cuts first, then the banner and moved cuts
	banner               int    // index of the banner cut, -1 if none
	moved                int
	// The till camera's cuts (-1 if none): its ordinary stretch, the empty
	// counter at opening (有单无人) and people waiting (有人无单).
	tillDay, tillOpen, tillQueue int
	stills                       []still
	// empty are pictures of the entrance with nobody in it: the scripted
	// greeting misses (GreetingMiss).
	empty []still
	// banners are the stills with the store's banner hung in its banner
	// zone: the banner checks' pictures, but for the scripted misses.
	banners []still
}

// clipCuts are the cuts made from vtest.avi: three ordinary stretches, one
// with a banner hung in front of the lens, one seen from a knocked camera,
// and the till camera's three: three minutes of the footage looped (people
// come and go at the counter), fifteen minutes of the empty scene (the
// counter at opening with nobody at it) and ten minutes of one frame in
// which five people stand in the till zone (a queue nobody rings up).
var clipCuts = []struct {
	name, start, filter string
	seconds             int
	input               string // "" the footage, "empty" the empty scene
	loop                int    // -stream_loop of the footage
}{
	{name: "entrance-a", start: "0"},
	{name: "entrance-b", start: "25"},
	{name: "entrance-c", start: "50"},
	{name: "banner", start: "0", filter: "drawbox=x=60:y=40:w=560:h=420:color=0xC81E1E@1:t=fill,drawbox=x=120:y=180:w=440:h=70:color=0xF5D142@1:t=fill"},
	{name: "moved", start: "25", filter: "crop=560:420:208:156,scale=768:576"},
	{name: "till-day", start: "0", seconds: 180, loop: 2},
	{name: "till-open", input: "empty", filter: "scale=768:576,fps=2", seconds: 900},
	{name: "till-queue", start: "75.5", filter: "loop=loop=-1:size=1:start=0,fps=2", seconds: 600},
}

const clipSeconds = 20

// prepareMedia cuts the clips into dir once (later starts reuse them) and
// loads the stills. Without ffmpeg, footage or dir it serves no recordings
// and synthetic stills, and says so in the log.
func prepareMedia(dir, footage string, logf func(string, ...any)) *media {
	m := &media{banner: -1, moved: -1, tillDay: -1, tillOpen: -1, tillQueue: -1}
	defer func() {
		if len(m.stills) == 0 {
			m.stills = syntheticStills()
		}
		if len(m.empty) == 0 {
			m.empty = syntheticEmpty()
		}
		m.banners = withBanner(m.stills)
	}()
	if dir == "" {
		logf("demo feed: no clip folder configured; the recordings collection is empty")
		return m
	}
	if footage == "" {
		p, err := assets.SampleFootage("vtest.avi")
		if err != nil {
			logf("demo feed: %v; the recordings collection is empty", err)
			return m
		}
		footage = p
	}
	ff, err := exec.LookPath("ffmpeg")
	if err != nil {
		logf("demo feed: ffmpeg is not installed (apt-get install ffmpeg); the recordings collection is empty")
		return m
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		logf("demo feed: clip folder %s: %v; the recordings collection is empty", dir, err)
		return m
	}
	m.dir, m.footage, m.ffmpeg = dir, footage, ff
	// The empty scene first: the empty-counter cut is made from it.
	stillDir := filepath.Join(dir, "stills")
	os.MkdirAll(stillDir, 0o755)
	m.empty = emptyStills(ff, footage, stillDir, logf)
	// Cut what is missing, two at a time (2 cores is the target machine).
	failed := make([]bool, len(clipCuts))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for i, c := range clipCuts {
		out := filepath.Join(dir, c.name+".mp4")
		if st, err := os.Stat(out); err == nil && st.Size() > 0 {
			continue
		}
		if c.input == "empty" && len(m.empty) == 0 {
			failed[i] = true
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			secs := c.seconds
			if secs == 0 {
				secs = clipSeconds
			}
			args := []string{"-nostdin", "-loglevel", "error", "-y"}
			switch {
			case c.input == "empty":
				args = append(args, "-loop", "1", "-framerate", "2", "-i", filepath.Join(dir, "stills", "empty.jpg"))
			case c.loop > 0:
				args = append(args, "-stream_loop", fmt.Sprint(c.loop), "-ss", c.start, "-i", footage)
			default:
				args = append(args, "-ss", c.start, "-i", footage)
			}
			args = append(args, "-t", fmt.Sprint(secs))
			if c.filter != "" {
				args = append(args, "-vf", c.filter)
			}
			args = append(args, "-an", "-c:v", "libx264", "-preset", "ultrafast", "-crf", "28", "-pix_fmt", "yuv420p",
				"-movflags", "+faststart", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact",
				"-f", "mp4", out+".tmp")
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			b, err := exec.CommandContext(ctx, ff, args...).CombinedOutput()
			cancel()
			if err == nil {
				err = os.Rename(out+".tmp", out)
			}
			if err != nil {
				os.Remove(out + ".tmp")
				logf("demo feed: cutting %s from %s failed: %v %s; that clip is left out", c.name, footage, err, bytes.TrimSpace(b))
				failed[i] = true
			}
		}()
	}
	wg.Wait()
	for i, c := range clipCuts {
		if failed[i] {
			continue
		}
		out := filepath.Join(dir, c.name+".mp4")
		data, err := os.ReadFile(out)
		if err != nil {
			logf("demo feed: %v", err)
			continue
		}
		sum := sha256.Sum256(data)
		switch c.name {
		case "banner":
			m.banner = len(m.clips)
		case "moved":
			m.moved = len(m.clips)
		case "till-day":
			m.tillDay = len(m.clips)
		case "till-open":
			m.tillOpen = len(m.clips)
		case "till-queue":
			m.tillQueue = len(m.clips)
		}
		secs := c.seconds
		if secs == 0 {
			secs = clipSeconds
		}
		m.clips = append(m.clips, clip{name: c.name, path: out, size: int64(len(data)), sha: hex.EncodeToString(sum[:]), durationS: float64(secs)})
	}
	// Stills: eight frames spread over the footage, small JPEGs.
	names, _ := filepath.Glob(filepath.Join(stillDir, "still-*.jpg"))
	if len(names) == 0 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		b, err := exec.CommandContext(ctx, ff, "-nostdin", "-loglevel", "error", "-y", "-i", footage,
			"-vf", "select=not(mod(n\\,97)),scale=384:288", "-vsync", "vfr", "-frames:v", "8", "-q:v", "6",
			"-fflags", "+bitexact", "-flags:v", "+bitexact", filepath.Join(stillDir, "still-%02d.jpg")).CombinedOutput()
		cancel()
		if err != nil {
			logf("demo feed: stills from %s failed: %v %s; using drawn stills", footage, err, bytes.TrimSpace(b))
		}
		names, _ = filepath.Glob(filepath.Join(stillDir, "still-*.jpg"))
	}
	sort.Strings(names)
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err == nil && len(data) > 0 {
			sum := sha256.Sum256(data)
			m.stills = append(m.stills, still{data: data, sha: hex.EncodeToString(sum[:])})
		}
	}
	if len(m.clips) == 0 {
		logf("demo feed: no clip could be made; the recordings collection is empty")
	}
	return m
}

// emptyStills are the footage's scene with nobody in it: the median of
// frames spread over the footage (people move on, the scene stays), made
// once into dir.
func emptyStills(ff, footage, dir string, logf func(string, ...any)) []still {
	path := filepath.Join(dir, "empty.jpg")
	if _, err := os.Stat(path); err != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		tmp := filepath.Join(dir, "empty-%03d.jpg")
		b, err := exec.CommandContext(ctx, ff, "-nostdin", "-loglevel", "error", "-y", "-i", footage,
			"-vf", "select=not(mod(n\\,8)),tmedian=radius=40,scale=384:288", "-vsync", "vfr", "-q:v", "6",
			"-fflags", "+bitexact", "-flags:v", "+bitexact", tmp).CombinedOutput()
		cancel()
		names, _ := filepath.Glob(filepath.Join(dir, "empty-*.jpg"))
		sort.Strings(names)
		if err != nil || len(names) == 0 {
			logf("demo feed: the empty entrance from %s failed: %v %s; using a drawn one", footage, err, bytes.TrimSpace(b))
			return nil
		}
		// The middle output has a full window of frames around it.
		os.Rename(names[len(names)/2], path)
		for _, n := range names {
			os.Remove(n)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil || len(data) == 0 {
		return nil
	}
	sum := sha256.Sum256(data)
	return []still{{data: data, sha: hex.EncodeToString(sum[:])}}
}

// syntheticEmpty draws the shop front of syntheticStills with nobody in it.
func syntheticEmpty() []still {
	img := image.NewRGBA(image.Rect(0, 0, 384, 288))
	for y := 0; y < 288; y++ {
		for x := 0; x < 384; x++ {
			c := color.RGBA{uint8(90 + y/4), uint8(80 + x/8), uint8(70 + (x+y)/12), 255}
			if y > 200 {
				c = color.RGBA{120, 115, 110, 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, &jpeg.Options{Quality: 70})
	sum := sha256.Sum256(buf.Bytes())
	return []still{{data: buf.Bytes(), sha: hex.EncodeToString(sum[:])}}
}

// bannerSuffix ends the id of a banner check's snapshot.
const bannerSuffix = "-banner"

// bannerZone is where the entrance cameras see the store's hanging banner
// (frame pixels): the building above the door, out of people's way.
var bannerZone = [4]int{230, 30, 540, 105}

// withBanner draws the banner into each still: a red band with a yellow
// line of lettering, in the banner zone scaled to the still.
func withBanner(stills []still) []still {
	var out []still
	for _, st := range stills {
		img, err := jpeg.Decode(bytes.NewReader(st.data))
		if err != nil {
			return nil
		}
		b := img.Bounds()
		rgba := image.NewRGBA(b)
		draw.Draw(rgba, b, img, b.Min, draw.Src)
		sx, sy := float64(b.Dx())/frameW, float64(b.Dy())/frameH
		at := func(x, y int) image.Point { return image.Pt(int(float64(x)*sx), int(float64(y)*sy)) }
		band := image.Rectangle{Min: at(bannerZone[0]+20, bannerZone[1]+10), Max: at(bannerZone[2]-20, bannerZone[3]-10)}
		draw.Draw(rgba, band, image.NewUniform(color.RGBA{200, 30, 30, 255}), image.Point{}, draw.Src)
		for k := 0; k < 5; k++ { // five "characters"
			x0 := bannerZone[0] + 45 + 52*k
			ch := image.Rectangle{Min: at(x0, bannerZone[1]+25), Max: at(x0+34, bannerZone[3]-25)}
			draw.Draw(rgba, ch, image.NewUniform(color.RGBA{245, 210, 66, 255}), image.Point{}, draw.Src)
		}
		var buf bytes.Buffer
		jpeg.Encode(&buf, rgba, &jpeg.Options{Quality: 80})
		sum := sha256.Sum256(buf.Bytes())
		out = append(out, still{data: buf.Bytes(), sha: hex.EncodeToString(sum[:])})
	}
	return out
}

// BannerMiss reports whether the demo chain scripts the banner check's
// snapshot with this id as a miss: the banner is not hung (about one in
// eight). Its picture is the plain still.
func BannerMiss(snapshotID string) bool {
	h := fnv.New32a()
	h.Write([]byte("banner:" + snapshotID))
	return h.Sum32()%8 == 0
}

// GreetingMiss reports whether the demo chain scripts the entrance
// inspection snapshot with this id as a greeting miss: nobody at the door
// (about one in twelve). Its picture is the empty entrance.
func GreetingMiss(snapshotID string) bool {
	h := fnv.New32a()
	h.Write([]byte("greeting:" + snapshotID))
	return h.Sum32()%12 == 0
}

// syntheticStills draws plain shop-front pictures when no footage is at hand.
func syntheticStills() []still {
	var out []still
	for k := 0; k < 4; k++ {
		img := image.NewRGBA(image.Rect(0, 0, 384, 288))
		for y := 0; y < 288; y++ {
			for x := 0; x < 384; x++ {
				c := color.RGBA{uint8(90 + y/4), uint8(80 + x/8 + 20*k), uint8(70 + (x+y)/12), 255}
				if y > 200 {
					c = color.RGBA{120, 115, 110, 255} // floor
				}
				if x > 140+20*k && x < 200+20*k && y > 110 && y < 260 {
					c = color.RGBA{40, 40, 60, 255} // a person
				}
				img.Set(x, y, c)
			}
		}
		var buf bytes.Buffer
		jpeg.Encode(&buf, img, &jpeg.Options{Quality: 70})
		sum := sha256.Sum256(buf.Bytes())
		out = append(out, still{data: buf.Bytes(), sha: hex.EncodeToString(sum[:])})
	}
	return out
}

func stillIndex(id string, n int) int {
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(n))
}

// recording is a feed.Recording with the cut it serves: a fixed cut
// (variant), or a segment of continuous recording made on request.
type recording struct {
	feed.Recording
	variant int
	segment *segmentKey
}

func (s *Server) recordingByID(id string) (recording, bool) {
	s.recordingList()
	i, ok := s.recIndex[id]
	if !ok {
		return recording{}, false
	}
	return s.recs[i], true
}

// recordingList indexes the clips, once: at the stories' moments and at a
// sample of ordinary open hours of the last month.
func (s *Server) recordingList() []recording {
	if s.recs != nil || len(s.media.clips) == 0 {
		return s.recs
	}
	m := s.media
	ordinary := 0
	for _, c := range m.clips {
		if strings.HasPrefix(c.name, "entrance") {
			ordinary++
		}
	}
	if ordinary == 0 {
		return nil
	}
	sc := s.clock
	var out []recording
	add := func(code string, camIdx int, d day, minute int, variant int) {
		st := s.chain.byCode[code]
		if st == nil || d < s.first || d > s.until || camIdx >= len(st.cameras) || variant < 0 {
			return
		}
		cam := st.cameras[camIdx]
		t := d.at(st.loc, minute)
		c := m.clips[variant]
		id := fmt.Sprintf("rec-%s-%s", cam.Code, t.Format("200601021504"))
		for _, x := range out {
			if x.ID == id {
				return
			}
		}
		out = append(out, recording{Recording: feed.Recording{ID: id, CameraID: cam.ID, Starts: t.Unix(), DurationS: c.durationS,
			Size: c.size, SHA256: c.sha, URL: feed.RecordingPath(id), MediaType: "video/mp4"}, variant: variant})
	}
	// Early close: the door at 19:50 and the idle shop at 20:30.
	n := 0
	for d := s.until; d >= s.until-70 && n < 3; d-- {
		if sc.earlyClose(d) {
			add(storyEarlyClose, 0, d, 19*60+50, n%ordinary)
			add(storyEarlyClose, 0, d, 20*60+30, (n+1)%ordinary)
			n++
		}
	}
	// Entry-rate ramp: the clerk on the phone, 10:41 on a weekday six months back.
	rampDay := dayOf(sc.anchor.date().AddDate(0, -6, 0)) + 9
	for rampDay.weekend() {
		rampDay++
	}
	add(storyRamp, 0, rampDay, 10*60+41, 0)
	add(storyRamp, 0, rampDay, 11*60+1, 1%ordinary)
	// Banner and moved camera.
	add(storyBlocked, 0, sc.anchor-73, 15*60, m.banner)
	add(storyBlocked, 0, sc.anchor-66, 11*60, m.banner)
	add(storyBlocked, 0, sc.anchor-80, 15*60, 0)
	add(storyMoved, 0, sc.moveDay()-1, 15*60, 1%ordinary)
	add(storyMoved, 0, sc.moveDay(), 11*60+30, m.moved)
	add(storyMoved, 0, sc.moveDay()+1, 15*60, m.moved)
	// The till camera: on each till-story day of the last month the counter
	// at opening (nobody there while two receipts are rung up) and at 15:00
	// (people waiting, nothing rung up); ordinary stretches at the same store
	// on other days and at a sample of other stores, for the cashier audit.
	if st := s.chain.byCode[storyTill]; st != nil {
		for d := s.until; d >= s.until-30; d-- {
			o, _ := st.openMinutes(d)
			switch {
			case sc.tillDay(d):
				add(storyTill, 1, d, o, m.tillOpen)
				add(storyTill, 1, d, tillQuietHour*60, m.tillQueue)
			case int(s.until-d)%5 == 1:
				add(storyTill, 1, d, o, m.tillDay)
				add(storyTill, 1, d, tillQuietHour*60, m.tillDay)
			}
		}
	}
	rt := newRNG(s.chain.seed, streamSamples, 1)
	for k := 0; k < 12; k++ {
		st := s.chain.stores[rt.intn(len(s.chain.stores))]
		d := s.until - day(rt.intn(30))
		o, cl := st.openMinutes(d)
		minute := o + 15*rt.intn(max(1, (cl-o-15)/15))
		add(st.feed.Code, 1, d, minute, m.tillDay)
	}
	// A sample of ordinary hours in the last month.
	r := newRNG(s.chain.seed, streamSamples)
	for k := 0; k < 40; k++ {
		st := s.chain.stores[r.intn(len(s.chain.stores))]
		d := s.until - day(r.intn(30))
		o, cl := st.openMinutes(d)
		minute := o + 30 + 15*r.intn(max(1, (cl-o-60)/15))
		add(st.feed.Code, 0, d, minute, r.intn(ordinary))
	}
	out = append(out, s.segmentList()...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Starts < out[j].Starts })
	s.recs = out
	s.recIndex = make(map[string]int, len(out))
	for i, r := range out {
		s.recIndex[r.ID] = i
	}
	return out
}

// snapshots are the inspection stills of a store on d.
func (s *Server) snapshots(st *store, d day) []feed.Snapshot {
	var out []feed.Snapshot
	for _, sc := range inspectionSchedules {
		var cam *feed.Camera
		for i := range st.cameras {
			if st.cameras[i].Role == sc.CameraRole {
				cam = &st.cameras[i]
				break
			}
		}
		if cam == nil {
			continue
		}
		if sc.Weekdays&(1<<d.weekday()) == 0 {
			continue
		}
		for _, hm := range splitTimes(sc.Times) {
			t := d.at(st.loc, clockMin(hm)).Unix()
			id := fmt.Sprintf("sn-%d-%d", cam.ID, t)
			if sc.ID == "insp-banner" {
				id += bannerSuffix
			}
			img := s.pictureOf(id)
			out = append(out, feed.Snapshot{ID: id, CameraID: cam.ID, ScheduleID: sc.ID, T: t, Source: "inspection",
				URL: feed.SnapshotPath(id), SHA256: img.sha})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].T < out[j].T })
	return out
}

func splitTimes(s string) []string {
	var out []string
	for len(s) > 0 {
		i := bytes.IndexByte([]byte(s), ',')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i])
		s = s[i+1:]
	}
	return out
}
