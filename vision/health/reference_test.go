package health

import (
	"context"
	"errors"
	"os"
	"storelens/vision"
	"strings"
	"testing"
)

// TestReferenceAfterReinstallation: a camera legitimately re-hung (its
// whole recording shifted and turned) is "moved" against the old reference,
// which survives being stored and read back; against a reference learnt
// again from the new view it raises nothing.
func TestReferenceAfterReinstallation(t *testing.T) {
	vtest := sample(t, "vtest.avi")
	ctx := context.Background()
	old, err := LearnReference(ctx, vtest, Config{})
	if err != nil {
		t.Fatal(err)
	}
	blob, err := old.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var stored Reference
	if err := stored.UnmarshalBinary(blob); err != nil {
		t.Fatal(err)
	}
	t.Logf("stored reference: %d bytes for a %dx%d view", len(blob), stored.Width, stored.Height)

	rehung := writeAltered(t, vtest, 1, 40, turn(-10, 12, 2.5))
	rep, err := CheckVideo(ctx, rehung, &stored, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Alerts) != 1 || rep.Alerts[0].Kind != Moved || rep.Alerts[0].Start > 1 {
		t.Errorf("re-hung camera against the old reference: %s, want one moved alert from the start", describe(rep.Alerts))
	}
	fresh, err := LearnReference(ctx, rehung, Config{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err = CheckVideo(ctx, rehung, fresh, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Alerts) != 0 {
		t.Errorf("after learning the new view again: %s, want none", describe(rep.Alerts))
	}
}

// TestTruncatedRecordingIsABrokenFile: a recording cut short (the
// download or the copy died) ends well before the length its header
// declares. That is a broken file, not a camera that lost its signal: the
// check refuses it, naming the file and how far it could be read.
func TestTruncatedRecordingIsABrokenFile(t *testing.T) {
	vtest := sample(t, "vtest.avi")
	clip := writeAltered(t, vtest, 1, 40, nil)
	st, err := os.Stat(clip)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(clip, st.Size()*6/10); err != nil {
		t.Fatal(err)
	}
	rep, err := CheckVideo(context.Background(), clip, nil, Config{})
	if !errors.Is(err, vision.ErrSourceTruncated) || rep != nil {
		t.Fatalf("a truncated file gave %+v, %v; want ErrSourceTruncated and no report", rep, err)
	}
	if msg := err.Error(); !strings.Contains(msg, clip) || !strings.Contains(msg, "pictures stop at") || !strings.Contains(msg, "copy or export it again") {
		t.Errorf("the error %q does not name the file, how far it was read and what to do", msg)
	}
}

// TestBlankReferenceIsRefused: footage that shows nothing (a capped lens
// from the first frame) cannot be a camera's normal view; the error says so
// and names the way out.
func TestBlankReferenceIsRefused(t *testing.T) {
	vtest := sample(t, "vtest.avi")
	capped := writeAltered(t, vtest, 1, 15, black)
	_, err := CheckVideo(context.Background(), capped, nil, Config{})
	if !errors.Is(err, ErrBlankReference) {
		t.Fatalf("err = %v, want ErrBlankReference", err)
	}
	t.Log(err)
	if _, err := LearnReference(context.Background(), capped, Config{}); !errors.Is(err, ErrBlankReference) {
		t.Errorf("LearnReference: err = %v, want ErrBlankReference", err)
	}
	var r Reference
	if err := r.UnmarshalBinary([]byte(`{"version":1,"median_png":"AAAA"}`)); err == nil {
		t.Error("a damaged stored reference was accepted")
	}
}
