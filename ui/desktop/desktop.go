// Package desktop asks the operating system what the window can use: the
// screen's work area (the screen less the task bar or panels), in pixels,
// with the scale the system applies. Each platform answers in its own
// file; where it cannot be asked, ok is false and the window keeps its
// size.
package desktop

// Area is the work area in pixels and the system's scale (1 at 96 dpi).
type Area struct {
	Width, Height int
	Scale         float32
}
