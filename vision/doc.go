// Package vision turns footage into numbers a manager can trust: it counts
// shoppers crossing an entrance line and passers-by outside, and checks that
// a camera still sees what it should. It reads video through OpenCV (gocv)
// and knows nothing of the local store.
package vision
