package ui

import (
	"context"
	"encoding/json"
	"image"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"storelens/app"
	"storelens/app/audit"
	"storelens/localdb"
	"storelens/localdb/localdbtest/synthchain"
)

// walkAll visits o and everything drawn inside it, widgets' parts too.
func walkAll(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walkAll(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walkAll(c, fn)
		}
	}
}

func tapButton(t *testing.T, o fyne.CanvasObject, label string) {
	t.Helper()
	var b *widget.Button
	walkAll(o, func(o fyne.CanvasObject) {
		if x, ok := o.(*widget.Button); ok && x.Text == label && b == nil {
			b = x
		}
	})
	if b == nil {
		t.Fatalf("no button %q", label)
	}
	test.Tap(b)
}

// actionable says whether o shows an enabled button to task or dismiss.
func actionable(o fyne.CanvasObject) bool {
	found := false
	walkAll(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && !b.Disabled() && (b.Text == "派发整改…" || b.Text == "忽略…") {
			found = true
		}
	})
	return found
}

func hasText(o fyne.CanvasObject, part string) bool {
	found := false
	walkAll(o, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && strings.Contains(l.Text, part) {
			found = true
		}
	})
	return found
}

// A manager goes through the cashier audit's findings: filters them by
// kind, reads one's receipts, still and presence, opens the till footage
// at the moment, dismisses one (a reason is required) and turns another
// into a task, which the list then shows as raised.
func TestAuditScreenFindingsFlow(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2026, 11, 20, 9, 33, 10, 0, sh)
	var camID int64
	core := synthCore(t, synthchain.Options{Stores: 3, Regions: 1, Days: 14, End: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), Seed: 4}, func(db *localdb.DB) {
		ctx := context.Background()
		stores, err := db.Stores(ctx, "")
		if err != nil || len(stores) != 3 {
			t.Fatalf("%d stores: %v", len(stores), err)
		}
		cams, _ := db.StoreCameras(ctx, stores[0].ID)
		camID = cams[0].ID
		still := filepath.Join(t.TempDir(), "still.jpg")
		f, _ := os.Create(still)
		jpeg.Encode(f, image.NewRGBA(image.Rect(0, 0, 320, 240)), nil)
		f.Close()
		rc := audit.Receipt{No: "S00001-20261120-0001", At: at, Cashier: "S00001-S02", AmountFen: 18900,
			Lines: []audit.ReceiptLine{{SKU: "TS1012", Name: "短袖T恤", Qty: 1, AmountFen: 18900}}}
		evs := []audit.Evidence{
			{Basis: "till_footage", Receipts: []audit.Receipt{rc}, Cashier: rc.Cashier, Snapshot: still,
				Presence: &audit.Span{From: at.Add(-time.Minute), To: at.Add(30 * time.Second), Staff: 1}},
			{Basis: "pos", Card: "M0000012345", CardHolder: "S00002-S04", CardHolderName: "王芳", Count: 3, Receipts: []audit.Receipt{rc}},
			{Basis: "pos", Cashier: "S00003-S02", Count: 5, Usual: 0.3, Limit: 4, Receipts: []audit.Receipt{rc}},
		}
		kinds := []string{audit.ReceiptNoCustomer, audit.StaffMemberCard, audit.RefundPattern}
		var found []localdb.AuditFinding
		for i, ev := range evs {
			b, _ := json.Marshal(ev)
			f := localdb.AuditFinding{StoreID: stores[i].ID, Kind: kinds[i], At: at.Add(time.Duration(i) * time.Hour), Subject: "x", Evidence: b}
			if i == 0 {
				f.CameraID = camID
			}
			found = append(found, f)
		}
		if _, err := db.ReplaceFindings(ctx, localdb.AuditScope{}, found); err != nil {
			t.Fatal(err)
		}
	})
	w := test.NewTempWindow(t, nil)
	s := NewAuditScreen(Runner{Inline: true}, core, w, at.AddDate(0, 0, 1))
	var footCode string
	var footCam int64
	var footAt time.Time
	s.OnFootage = func(code string, cam int64, t time.Time) { footCode, footCam, footAt = code, cam, t }
	var tasked string
	s.OnTask = func(id string) { tasked = id }
	w.SetContent(s.Content())
	w.Resize(fyne.NewSize(1024, 640))
	s.Load()
	if len(s.findings) != 3 || !strings.Contains(s.summary.Text, "3家门店共 3条发现") {
		t.Fatalf("%d findings, summary %q", len(s.findings), s.summary.Text)
	}
	if l := findingLine(s.findings[2]); !strings.Contains(l, "有单无人") || !strings.Contains(l, "S00001-20261120-0001") || !strings.Contains(l, "11-20 09:33") {
		t.Errorf("line %q", l)
	}
	s.kind.SetSelectedIndex(1 + 2) // 内部会员卡
	if len(s.findings) != 1 || s.findings[0].Kind != audit.StaffMemberCard || !strings.Contains(findingLine(s.findings[0]), "王芳") {
		t.Fatalf("kind filter keeps %+v", s.findings)
	}
	s.kind.SetSelectedIndex(0)

	// The receipt with nobody at the till: its evidence and footage.
	s.list.Select(2)
	for _, want := range []string{"短袖T恤", "S00001-S02", "收银台摄像头", "柜台后 1人", "门店当地时间"} {
		if !hasText(s.detail, want) {
			t.Errorf("detail lacks %q", want)
		}
	}
	pictures := 0
	walkAll(s.detail, func(o fyne.CanvasObject) {
		if _, ok := o.(*canvas.Image); ok {
			pictures++
		}
	})
	if pictures == 0 {
		t.Error("no still in the detail")
	}
	tapButton(t, s.detail, "打开录像")
	if footCode != "S00001" || footCam != camID || !footAt.Equal(at) {
		t.Errorf("footage opened at %s camera %d %s", footCode, footCam, footAt)
	}

	// Dismiss: refused without a reason, kept with one.
	f := s.findings[2]
	s.list.Select(2)
	s.dismiss(f)
	tapButton(t, w.Canvas().Overlays().Top(), "确定")
	if !hasText(w.Canvas().Overlays().Top(), "请填写忽略该发现的原因") {
		t.Fatal("a dismissal without a reason was not refused on screen")
	}
	w.Canvas().Overlays().Remove(w.Canvas().Overlays().Top())
	s.dismiss(f)
	var reason *widget.Entry
	walkAll(w.Canvas().Overlays().Top(), func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok && reason == nil {
			reason = e
		}
	})
	reason.SetText("已与门店核实：店长本人购物")
	tapButton(t, w.Canvas().Overlays().Top(), "确定")
	if len(s.findings) != 2 {
		t.Fatalf("open findings after a dismissal: %d", len(s.findings))
	}
	// The dismissed finding no longer sits in the detail with its buttons.
	if actionable(s.detail) || !hasText(s.detail, "已不在此列表") {
		t.Error("after the dismissal the detail still offers the finding's actions")
	}
	s.status.SetSelectedIndex(2) // 已忽略
	if len(s.findings) != 1 || !strings.Contains(findingLine(s.findings[0]), "已忽略") {
		t.Fatalf("dismissed list %+v", s.findings)
	}
	s.list.Select(0)
	if !hasText(s.detail, "店长本人购物") {
		t.Error("the reason is not shown")
	}

	// A task from the refund run.
	s.status.SetSelectedIndex(1)
	var refund int
	for i, x := range s.findings {
		if x.Kind == audit.RefundPattern {
			refund = i
		}
	}
	s.list.Select(refund)
	s.raiseTask(s.findings[refund])
	tapButton(t, w.Canvas().Overlays().Top(), "发给门店")
	if actionable(s.detail) {
		t.Error("after the task the detail still offers a second one")
	}
	if tasked == "" {
		t.Fatal("no task raised")
	}
	task, err := core.Task(context.Background(), tasked)
	if err != nil || task.Category != "till" || !strings.Contains(task.Title, "异常退货") || !strings.Contains(task.Body, "5笔退货") {
		t.Errorf("task %+v, %v", task, err)
	}
	s.status.SetSelectedIndex(3) // 已派整改
	if len(s.findings) != 1 || s.findings[0].TaskID != tasked {
		t.Errorf("tasked list %+v", s.findings)
	}

	// While the audit after a sync runs, the screen says so rather than
	// "no finding", and says the count when it ends.
	s.status.SetSelectedIndex(1)
	s.Background(&app.AuditProgress{Scanned: 3, ToScan: 10, Stores: 3})
	s.Load()
	if !strings.Contains(s.summary.Text, "分析收银台录像 3 / 10段") || !s.progress.Visible() {
		t.Errorf("background audit: %q", s.summary.Text)
	}
	s.Background(nil)
	s.Load()
	if !strings.Contains(s.summary.Text, "共 1条发现") || s.progress.Visible() {
		t.Errorf("after the background audit: %q", s.summary.Text)
	}
}
