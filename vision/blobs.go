package vision

// #cgo CFLAGS: -O3
// #include "blobs.h"
import "C"

import (
	"fmt"
	"unsafe"

	"gocv.io/x/gocv"
)

// blobStat is one connected component of a mask: its bounding box
// (inclusive right and bottom) and its number of pixels.
type blobStat struct {
	left, top, right, bottom, area C.int
}

// blobFinder finds the 8-connected components of binary masks (what
// gocv.ConnectedComponentsWithStats does, without the label image), reusing
// its buffers from one mask to the next.
type blobFinder struct {
	runs, parent []C.int
	stats        []blobStat
	keys         []C.long
}

// find returns the components of the nonzero pixels of mask (8-bit, one
// channel), in the order gocv.ConnectedComponentsWithStats labels them;
// the slice is valid until the next call.
func (f *blobFinder) find(mask gocv.Mat) ([]blobStat, error) {
	rows, cols := mask.Rows(), mask.Cols()
	if mask.Type() != gocv.MatTypeCV8U || !mask.IsContinuous() {
		return nil, fmt.Errorf("blobs: want a continuous 8-bit one-channel mask, got type %v", mask.Type())
	}
	if rows == 0 || cols == 0 {
		return nil, nil
	}
	data, err := mask.DataPtrUint8()
	if err != nil {
		return nil, err
	}
	if len(f.runs) == 0 {
		f.runs = make([]C.int, 4*1024)
		f.parent = make([]C.int, 1024)
		f.stats = make([]blobStat, 256)
		f.keys = make([]C.long, 256)
	}
	for {
		n := C.blob_stats((*C.uint8_t)(unsafe.Pointer(&data[0])), C.int(rows), C.int(cols),
			&f.runs[0], C.int(len(f.parent)), &f.parent[0], &f.stats[0].left, &f.keys[0], C.int(len(f.stats)))
		switch {
		case n >= 0:
			return f.stats[:n], nil
		case n == -1:
			f.runs = make([]C.int, 2*len(f.runs))
			f.parent = make([]C.int, 2*len(f.parent))
		default:
			f.stats = make([]blobStat, 2*len(f.stats))
			f.keys = make([]C.long, len(f.stats))
		}
	}
}
