package ui

import (
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"storelens/localdb/localdbtest/synthchain"
)

// The Reports area makes both files for the period and stores chosen,
// says what it wrote, opens the folder, lists the report among the recent
// ones, and explains a request it cannot make.
func TestReportsAreaMakesTheReport(t *testing.T) {
	end := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC) // a Monday: the week before is complete
	core := synthCore(t, synthchain.Options{Stores: 12, Regions: 1, Days: 60, End: end, Seed: 5, Stories: true}, nil)
	w := test.NewTempWindow(t, nil)
	// The laptop's clock is two weeks on from its data: the area offers the
	// last week the data covers, not an empty one.
	s := NewReportsScreen(Runner{Inline: true}, core, w, end.AddDate(0, 0, 16))
	var opened []string
	s.OpenURL = func(u *url.URL) error { opened = append(opened, u.Path); return nil }
	w.SetContent(s.Content())
	w.Resize(fyne.NewSize(1024, 640))
	s.Load()
	if got := s.picker.Period().String(); got != "2026-W47" {
		t.Errorf("the area offers %s, want the last full week of data 2026-W47", got)
	}
	if len(s.recent.Objects) != 1 || !strings.Contains(labelText(s.recent.Objects[0]), "尚未") {
		t.Errorf("recent reports before any: %v", s.recent.Objects)
	}

	test.Tap(s.pdf)
	test.Tap(s.xlsx)
	test.Tap(s.make)
	if !strings.Contains(s.result.Text, "PDF") {
		t.Errorf("no format ticked: %q", s.result.Text)
	}
	test.Tap(s.pdf)
	test.Tap(s.xlsx)

	s.codes.SetText("zz999")
	test.Tap(s.make)
	if !strings.Contains(s.result.Text, "ZZ999") {
		t.Errorf("an unknown store code is not named: %q", s.result.Text)
	}

	s.codes.SetText("S00002, S00003")
	test.Tap(s.make)
	names := strings.Split(s.result.Text, "\n")
	if len(names) != 2 || !strings.HasSuffix(names[0], ".pdf") || !strings.HasSuffix(names[1], ".xlsx") {
		t.Fatalf("the area says it wrote %q", s.result.Text)
	}
	for _, n := range names {
		if st, err := os.Stat(core.ReportsDir() + "/" + n); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", n, err)
		}
	}
	if !strings.Contains(s.step.Text, "2家门店") {
		t.Errorf("progress line after the report: %q", s.step.Text)
	}
	// The first button opens the folder.
	test.Tap(s.actions.Objects[0].(*widget.Button))
	if len(opened) != 1 || opened[0] != core.ReportsDir() {
		t.Errorf("opened %v, want the reports folder", opened)
	}
	// A laptop with no program to open files (no xdg-open): the path is
	// copied and the manager told so, in the window's language.
	s.OpenURL = func(u *url.URL) error { return &exec.Error{Name: "xdg-open", Err: exec.ErrNotFound} }
	test.Tap(s.actions.Objects[1].(*widget.Button))
	if got := fyne.CurrentApp().Clipboard().Content(); !strings.HasSuffix(got, ".pdf") {
		t.Errorf("without xdg-open the clipboard holds %q, want the PDF's path", got)
	}
	if top := w.Canvas().Overlays().Top(); top == nil || !hasText(top, "xdg-utils") || !hasText(top, "已复制") || hasText(top, "executable file") {
		t.Error("without xdg-open the window does not say the path is copied and what to install")
	} else {
		w.Canvas().Overlays().Remove(top)
	}
	if len(s.recent.Objects) != 1 || !strings.Contains(labelText(s.recent.Objects[0]), "2026-W47") ||
		!strings.Contains(labelText(s.recent.Objects[0]), "S00002, S00003") {
		t.Errorf("recent reports: %q", labelText(s.recent.Objects[0]))
	}
}

// labelText is the text of the first label inside o.
func labelText(o fyne.CanvasObject) string {
	switch v := o.(type) {
	case *widget.Label:
		return v.Text
	case *fyne.Container:
		for _, c := range v.Objects {
			if s := labelText(c); s != "" {
				return s
			}
		}
	}
	return ""
}
