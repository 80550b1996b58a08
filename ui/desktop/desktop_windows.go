//go:build windows

package desktop

import (
	"syscall"
	"unsafe"
)

var (
	user32               = syscall.NewLazyDLL("user32.dll")
	systemParametersInfo = user32.NewProc("SystemParametersInfoW")
	getDpiForSystem      = user32.NewProc("GetDpiForSystem")
)

const spiGetWorkArea = 0x0030

type rect struct{ left, top, right, bottom int32 }

// WorkArea is the primary monitor's work area (less the task bar) and the
// system's DPI scale.
func WorkArea() (Area, bool) {
	var r rect
	if ok, _, _ := systemParametersInfo.Call(spiGetWorkArea, 0, uintptr(unsafe.Pointer(&r)), 0); ok == 0 {
		return Area{}, false
	}
	a := Area{Width: int(r.right - r.left), Height: int(r.bottom - r.top), Scale: 1}
	if getDpiForSystem.Find() == nil {
		if dpi, _, _ := getDpiForSystem.Call(); dpi > 0 {
			a.Scale = float32(dpi) / 96
		}
	}
	return a, a.Width > 0 && a.Height > 0
}
