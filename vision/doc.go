// Package vision turns footage into numbers a manager can trust: it counts
// shoppers crossing an entrance line and passers-by outside, flags staff and
// re-entries, measures dwell, and (in vision/health) checks that a camera
// still sees what it should. It reads video through OpenCV (gocv) and knows
// nothing of the local store.
//
// The parts, in the order a frame meets them: OpenSource opens a file or a
// live stream; a Detector (MotionDetector by default, DNNDetector with a
// user-supplied model) finds people; the Tracker follows them with a
// Kalman filter per box; the Counter judges line crossings on the foot
// point with hysteresis and, at Finish, decides staff, re-entries and dwell.
// Count runs the whole chain over a Source. Evaluate scores the counter
// against hand-annotated trajectories (the PETS09 ground truth in the tests).
package vision
