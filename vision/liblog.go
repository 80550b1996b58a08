package vision

// #cgo pkg-config: opencv4
// #cgo CXXFLAGS: -std=c++11
// #include "liblog.h"
import "C"

// QuietLibraryLogs keeps OpenCV's own log lines ("[ WARN:0@…] global …
// GStreamer warning", backend exceptions it recovers from) off stderr, or
// lets them through again: a command says in its own words what went
// wrong with a video, and shows the library's diagnostics only when asked.
func QuietLibraryLogs(quiet bool) {
	q := C.int(0)
	if quiet {
		q = 1
	}
	C.vision_set_opencv_log(q)
}
