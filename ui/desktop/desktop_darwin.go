//go:build darwin

package desktop

// WorkArea is not asked on macOS yet: the window keeps its size there.
func WorkArea() (Area, bool) { return Area{}, false }
