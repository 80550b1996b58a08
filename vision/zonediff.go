package vision

import (
	"image"
	"math"
	"os"

	"gocv.io/x/gocv"
)

// ZoneChangeThreshold is the ZoneChange score above which a zone is taken
// as changed: the banner is gone, replaced or covered.
const ZoneChangeThreshold = 0.45

// ZoneChange compares the zone of two pictures of one camera (files, JPEG
// or PNG): the reference a manager passed and a new snapshot. The zone is a
// polygon in the pixels of a size frame (its bounding box is compared; zero
// size: the pictures' own). Each crop is made grey, slightly blurred and
// normalised to its own mean and spread, so a cloudier day or the lights
// coming on do not count as a change; the score is the mean absolute
// difference of the normalised crops (0 the same, about 1.1 unrelated
// pictures).
func ZoneChange(refPath, picPath string, zone []Pt, size image.Point) (float64, error) {
	ref, err := zoneCrop(refPath, zone, size)
	if err != nil {
		return 0, err
	}
	defer ref.Close()
	pic, err := zoneCrop(picPath, zone, size)
	if err != nil {
		return 0, err
	}
	defer pic.Close()
	diff := gocv.NewMat()
	defer diff.Close()
	gocv.AbsDiff(ref, pic, &diff)
	return diff.Mean().Val1, nil
}

// zoneCrop is the zone of the picture at path, 128×64 grey float,
// normalised to mean 0 and deviation 1.
func zoneCrop(path string, zone []Pt, size image.Point) (gocv.Mat, error) {
	if _, err := os.Stat(path); err != nil {
		return gocv.NewMat(), sourceErr(ErrSourceMissing, "missing", "Video", path)
	}
	m := gocv.IMRead(path, gocv.IMReadGrayScale)
	defer m.Close()
	if m.Empty() {
		return gocv.NewMat(), sourceErr(ErrSourceUnsupported, "noframe", "Video", path)
	}
	r := image.Rect(0, 0, m.Cols(), m.Rows())
	if len(zone) >= 2 {
		sx, sy := 1.0, 1.0
		if size.X > 0 && size.Y > 0 {
			sx, sy = float64(m.Cols())/float64(size.X), float64(m.Rows())/float64(size.Y)
		}
		x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		for _, p := range zone {
			x0, y0 = math.Min(x0, p.X*sx), math.Min(y0, p.Y*sy)
			x1, y1 = math.Max(x1, p.X*sx), math.Max(y1, p.Y*sy)
		}
		r = image.Rect(int(x0), int(y0), int(math.Ceil(x1)), int(math.Ceil(y1))).Intersect(r)
		if r.Dx() < 4 || r.Dy() < 4 {
			r = image.Rect(0, 0, m.Cols(), m.Rows())
		}
	}
	crop := m.Region(r)
	defer crop.Close()
	small := gocv.NewMat()
	defer small.Close()
	gocv.Resize(crop, &small, image.Pt(128, 64), 0, 0, gocv.InterpolationArea)
	gocv.GaussianBlur(small, &small, image.Pt(5, 5), 0, 0, gocv.BorderReflect)
	out := gocv.NewMat()
	small.ConvertTo(&out, gocv.MatTypeCV32F)
	mean, dev := gocv.NewMat(), gocv.NewMat()
	defer mean.Close()
	defer dev.Close()
	gocv.MeanStdDev(out, &mean, &dev)
	mu, sd := mean.GetDoubleAt(0, 0), dev.GetDoubleAt(0, 0)
	if sd < 1 {
		sd = 1
	}
	out.SubtractFloat(float32(mu))
	out.DivideFloat(float32(sd))
	return out, nil
}
