//go:build linux

package desktop

/*
#cgo LDFLAGS: -lX11
#include <X11/Xlib.h>
#include <X11/Xatom.h>

// work_area gives the root window's _NET_WORKAREA (the window manager's
// screen less its panels) or, without one, the whole screen.
static int work_area(int *w, int *h) {
	Display *d = XOpenDisplay(NULL);
	if (!d) return 0;
	int s = DefaultScreen(d);
	*w = DisplayWidth(d, s);
	*h = DisplayHeight(d, s);
	Atom a = XInternAtom(d, "_NET_WORKAREA", True);
	if (a != None) {
		Atom type; int format; unsigned long n, after; unsigned char *data = NULL;
		if (XGetWindowProperty(d, RootWindow(d, s), a, 0, 4, False, XA_CARDINAL, &type, &format, &n, &after, &data) == Success && data) {
			if (n >= 4 && format == 32) {
				long *v = (long *)data;
				if (v[2] > 0 && v[3] > 0) { *w = (int)v[2]; *h = (int)v[3]; }
			}
			XFree(data);
		}
	}
	XCloseDisplay(d);
	return 1;
}
*/
import "C"

import (
	"os"
	"strconv"
)

// WorkArea is the X screen's work area; the scale is FYNE_SCALE's when
// it is set, as the window applies it.
func WorkArea() (Area, bool) {
	var w, h C.int
	if C.work_area(&w, &h) == 0 || w <= 0 || h <= 0 {
		return Area{}, false
	}
	a := Area{Width: int(w), Height: int(h), Scale: 1}
	if v, err := strconv.ParseFloat(os.Getenv("FYNE_SCALE"), 32); err == nil && v > 0 {
		a.Scale = float32(v)
	}
	return a, true
}
