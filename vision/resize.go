package vision

import "gocv.io/x/gocv"

// workInterpolation is how a frame is scaled down by scale (0 < scale ≤ 1)
// to the analysis size. Down to half size bilinear interpolation reads
// every source pixel (at exactly half it averages each 2×2 block, as area
// interpolation does) at about half the cost; further down it would skip
// pixels and alias, so area interpolation averages them there.
func workInterpolation(scale float64) gocv.InterpolationFlags {
	if scale >= 0.5 {
		return gocv.InterpolationLinear
	}
	return gocv.InterpolationArea
}
