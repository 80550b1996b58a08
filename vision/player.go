package vision

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"time"

	"gocv.io/x/gocv"
)

// Player reads a recording frame by frame for review: forwards, or from any
// frame after a seek. It decodes into buffers it reuses, so playing a long
// recording does not grow memory. A Player is used by one goroutine.
type Player struct {
	path   string
	cap    *gocv.VideoCapture
	fps    float64
	frames int
	size   image.Point
	next   int // index of the frame the next Read returns
	bgr    gocv.Mat
	rgba   gocv.Mat
}

// OpenPlayer opens a recording file. Its errors are SourceErrors (missing,
// not a video) with catalogue phrases.
func OpenPlayer(path string) (*Player, error) {
	// The source's checks name a missing, empty or undecodable file.
	src, err := OpenSource(path)
	if err != nil {
		return nil, err
	}
	src.Close()
	c, err := gocv.VideoCaptureFileWithAPI(path, gocv.VideoCaptureFFmpeg)
	if err != nil || !c.IsOpened() {
		if c != nil {
			c.Close()
		}
		return nil, sourceErr(ErrSourceUnsupported, "unopenable", "Video", path)
	}
	p := &Player{path: path, cap: c, fps: c.Get(gocv.VideoCaptureFPS), frames: int(c.Get(gocv.VideoCaptureFrameCount)),
		bgr: gocv.NewMat(), rgba: gocv.NewMat()}
	p.size = image.Pt(int(c.Get(gocv.VideoCaptureFrameWidth)), int(c.Get(gocv.VideoCaptureFrameHeight)))
	if p.fps <= 0 || p.fps > 240 || math.IsNaN(p.fps) {
		p.fps = 10
	}
	if p.size.X <= 0 || p.size.Y <= 0 || p.frames <= 0 {
		p.Close()
		return nil, sourceErr(ErrSourceUnsupported, "noframe", "Video", path)
	}
	return p, nil
}

// FPS is the recording's frame rate.
func (p *Player) FPS() float64 { return p.fps }

// Frames is the recording's frame count, as its container declares it.
func (p *Player) Frames() int { return p.frames }

// Size is the frame size.
func (p *Player) Size() image.Point { return p.size }

// Next is the index of the frame the next Read returns.
func (p *Player) Next() int { return p.next }

// Duration is the recording's length.
func (p *Player) Duration() time.Duration { return p.FrameTime(p.frames) }

// FrameTime is when frame i is shown, from the recording's start.
func (p *Player) FrameTime(i int) time.Duration {
	return time.Duration(float64(i) / p.fps * float64(time.Second))
}

// FrameAt is the frame shown at offset d from the recording's start.
func (p *Player) FrameAt(d time.Duration) int {
	i := int(math.Floor(d.Seconds()*p.fps + 1e-6))
	return max(0, min(i, p.frames-1))
}

// Seek makes frame i the next one Read returns. Reading on from the frame
// after the last one read costs nothing; anything else seeks the decoder
// (to the key frame before i, then decodes forward to i).
func (p *Player) Seek(i int) error {
	i = max(0, min(i, p.frames-1))
	if i == p.next {
		return nil
	}
	if i > p.next && i-p.next <= 3 {
		for p.next < i {
			if _, err := p.Read(); err != nil {
				return err
			}
		}
		return nil
	}
	p.cap.Set(gocv.VideoCapturePosFrames, float64(i))
	got := int(math.Round(p.cap.Get(gocv.VideoCapturePosFrames)))
	if got != i {
		return fmt.Errorf("seek in %s to frame %d landed on %d", p.path, i, got)
	}
	p.next = i
	return nil
}

// Read decodes the next frame as BGR into the player's own buffer, which
// stays valid until the next Read or Seek.
func (p *Player) Read() (*gocv.Mat, error) {
	if p.next >= p.frames {
		return nil, ErrEndOfVideo
	}
	if !p.cap.Read(&p.bgr) || p.bgr.Empty() {
		return nil, p.readErr()
	}
	p.next++
	return &p.bgr, nil
}

// ErrEndOfVideo is returned by Read after the last frame.
var ErrEndOfVideo = errors.New("end of the recording")

func (p *Player) readErr() error {
	if p.next >= p.frames-1 {
		return ErrEndOfVideo
	}
	return sourceErr(ErrSourceTruncated, "truncated", "Video", p.path, "Frame", p.next, "At", fmt.Sprintf("%.1f", p.FrameTime(p.next).Seconds()),
		"Length", fmt.Sprintf("%.1f", p.Duration().Seconds()))
}

// ToRGBA copies a BGR frame into dst (allocated or resized as needed) and
// returns it: the form a window draws, without a new allocation per frame.
func (p *Player) ToRGBA(frame *gocv.Mat, dst *image.RGBA) *image.RGBA {
	gocv.CvtColor(*frame, &p.rgba, gocv.ColorBGRToRGBA)
	w, h := p.rgba.Cols(), p.rgba.Rows()
	if dst == nil || dst.Rect.Dx() != w || dst.Rect.Dy() != h {
		dst = image.NewRGBA(image.Rect(0, 0, w, h))
	}
	data, err := p.rgba.DataPtrUint8()
	if err == nil && len(data) == len(dst.Pix) {
		copy(dst.Pix, data)
	}
	return dst
}

// Close releases the decoder and buffers.
func (p *Player) Close() error {
	p.bgr.Close()
	p.rgba.Close()
	return p.cap.Close()
}

// BurnIn writes lines of text (ASCII: codes, dates and times) into the
// top-left corner of a BGR frame on a dark band, as a recorder stamps its
// pictures; the text scales with the frame.
func BurnIn(frame *gocv.Mat, lines ...string) {
	scale := math.Max(0.45, float64(frame.Rows())/900)
	thick := max(1, int(math.Round(scale*1.6)))
	lineH := int(28 * scale)
	width := 0
	for _, l := range lines {
		sz := gocv.GetTextSize(l, gocv.FontHersheySimplex, scale, thick)
		width = max(width, sz.X)
	}
	band := image.Rect(0, 0, min(frame.Cols(), width+int(16*scale)), min(frame.Rows(), lineH*len(lines)+int(10*scale)))
	roi := frame.Region(band)
	dark := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(0, 0, 0, 0), roi.Rows(), roi.Cols(), roi.Type())
	gocv.AddWeighted(roi, 0.35, dark, 0.65, 0, &roi)
	dark.Close()
	roi.Close()
	for i, l := range lines {
		gocv.PutText(frame, l, image.Pt(int(8*scale), lineH*(i+1)), gocv.FontHersheySimplex, scale, color.RGBA{255, 255, 255, 0}, thick)
	}
}
