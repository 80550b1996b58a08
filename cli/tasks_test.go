package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	stdsync "sync"
	"syscall"
	"testing"
	"time"

	"storelens/sync/demofeed"
	"storelens/sync/feed"
)

// runIn runs one command in this process on dir.
func runIn(t *testing.T, dir, name string, args ...string) (string, string, error) {
	t.Helper()
	c, ok := Lookup(name)
	if !ok {
		t.Fatalf("no %s command", name)
	}
	var out, errb bytes.Buffer
	err := c.Run(context.Background(), Env{Stdout: &out, Stderr: &errb, DataDir: dir, Lang: "en"}, args)
	return out.String(), errb.String(), err
}

const taskColls = "regions,stores,cameras,task_status"

func taskSync(dir, url string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "STORELENS_TOKEN=demo",
		"STORELENS_SYNC_CHILD=--data-dir "+dir+" --feed "+url+" --quiet --collections "+taskColls)
	return cmd
}

func listTasks(t *testing.T, dir string) []taskJSON {
	t.Helper()
	out, errs, err := runIn(t, dir, "tasks", "--json")
	if err != nil {
		t.Fatalf("tasks --json: %v\n%s", err, errs)
	}
	var v tasksJSON
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("tasks --json is not one object: %v\n%s", err, out)
	}
	return v.Tasks
}

// clock is the demo HQ's clock, moved by the test.
type clock struct {
	mu stdsync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// TestTaskGoesOutOnceAndComesBackDone: tasks raised offline wait in the
// outbox; a reply lost on the way and a sync killed with SIGKILL while HQ
// holds its answer still leave exactly one task each at HQ; the store's
// acknowledgement and done (with its reply) come back through sync, and the
// manager's verification goes out.
func TestTaskGoesOutOnceAndComesBackDone(t *testing.T) {
	clk := &clock{t: time.Now()} // HQ and the laptop keep the same time
	fs, err := demofeed.New(demofeed.Config{Until: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), Now: clk.now, Logf: func(string, ...any) {}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(fs)
	defer srv.Close()
	dir := t.TempDir()
	if out, err := taskSync(dir, srv.URL).CombinedOutput(); err != nil {
		t.Fatalf("first sync: %v\n%s", err, out)
	}
	// A due date already past at the store is refused, and nothing is kept.
	if _, _, err := runIn(t, dir, "task", "new", "--store", "WH001", "--title", "门口无人迎宾", "--due", "2026-11-28"); err == nil ||
		!strings.Contains(err.Error(), "due date 2026-11-28 has passed at store WH001") {
		t.Errorf("a past due date: %v", err)
	}
	// Offline: the task waits.
	due := time.Now().AddDate(0, 0, 7).Format(time.DateOnly)
	_, errs, err := runIn(t, dir, "task", "new", "--store", "WH001", "--category", "door_greeting", "--title", "门口无人迎宾", "--due", due, "--kpi", "entry_rate")
	if err != nil {
		t.Fatalf("task new: %v\n%s", err, errs)
	}
	tasks := listTasks(t, dir)
	if len(tasks) != 1 || tasks[0].Status != "sent" || !tasks[0].WaitingToSend || tasks[0].Category != "door_greeting" || tasks[0].Due != due {
		t.Fatalf("offline tasks %+v", tasks)
	}
	if len(fs.CorrectiveTasks()) != 0 {
		t.Fatal("HQ holds tasks before any sync")
	}
	// The push's reply is lost on the way back.
	fs.Inject(demofeed.Fault{PathPrefix: feed.PathCorrectiveTasks, DropReply: true})
	for i := 0; i < 3 && listTasks(t, dir)[0].WaitingToSend; i++ {
		out, err := taskSync(dir, srv.URL).CombinedOutput()
		t.Logf("sync with a lost reply: %v %s", err, out)
	}
	if n := len(fs.CorrectiveTasks()); n != 1 || listTasks(t, dir)[0].WaitingToSend {
		t.Fatalf("after a lost reply HQ holds %d tasks, want exactly 1 (and nothing waiting)", n)
	}
	// A second task; its answer is held at HQ while the sync is killed.
	if _, _, err := runIn(t, dir, "task", "new", "--store", "WH002", "--category", "opening_hours", "--title", "19:50 提前关门"); err != nil {
		t.Fatal(err)
	}
	fs.Inject(demofeed.Fault{PathPrefix: feed.PathCorrectiveTasks, HoldReply: time.Minute})
	cmd := taskSync(dir, srv.URL)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	deadline := time.After(60 * time.Second)
wait:
	for {
		select {
		case err := <-done:
			t.Fatalf("the sync ended before HQ held the task: %v", err)
		case <-deadline:
			t.Fatalf("HQ never received the second task (it holds %d)", len(fs.CorrectiveTasks()))
		case <-time.After(50 * time.Millisecond):
			if len(fs.CorrectiveTasks()) == 2 {
				break wait
			}
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	<-done
	if tasks := listTasks(t, dir); !tasks[1].WaitingToSend {
		t.Fatalf("the task whose answer never arrived is not waiting to send: %+v", tasks[1])
	}
	if out, err := taskSync(dir, srv.URL).CombinedOutput(); err != nil {
		t.Fatalf("sync after the kill: %v\n%s", err, out)
	}
	if n := len(fs.CorrectiveTasks()); n != 2 {
		t.Fatalf("HQ holds %d tasks after a lost reply and a kill, want exactly 2", n)
	}
	for _, x := range listTasks(t, dir) {
		if x.WaitingToSend || x.Status != "sent" {
			t.Errorf("after delivery: %s %s waiting %v", x.ID, x.Status, x.WaitingToSend)
		}
	}
	// The store's side: acknowledged after minutes, done after hours.
	clk.add(10 * time.Minute)
	if out, err := taskSync(dir, srv.URL).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, x := range listTasks(t, dir) {
		if x.Status != "acknowledged" {
			t.Errorf("10 min later %s is %s, want acknowledged", x.Title, x.Status)
		}
	}
	clk.add(3 * time.Hour)
	if out, err := taskSync(dir, srv.URL).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	tasks = listTasks(t, dir)
	first := tasks[0]
	if first.Status != "done" || first.Reply == "" {
		t.Fatalf("3 h later: %+v", first)
	}
	var steps []string
	for _, h := range first.History {
		steps = append(steps, h.Status+"/"+h.By)
	}
	if got := join(steps); got != "draft/manager sent/manager acknowledged/store done/store" {
		t.Errorf("history %s", got)
	}
	// The manager verifies; the change goes out with the next sync.
	if _, errs, err := runIn(t, dir, "task", "set", first.ID[:8], "--status", "verified", "--comment", "复核通过"); err != nil {
		t.Fatalf("task set: %v\n%s", err, errs)
	}
	if x := listTasks(t, dir)[0]; x.Status != "verified" || !x.WaitingToSend {
		t.Errorf("after verifying: %s waiting %v", x.Status, x.WaitingToSend)
	}
	if out, err := taskSync(dir, srv.URL).CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if x := listTasks(t, dir)[0]; x.Status != "verified" || x.WaitingToSend {
		t.Errorf("after the sync: %s waiting %v", x.Status, x.WaitingToSend)
	}
}

func join(s []string) string {
	var b bytes.Buffer
	for i, x := range s {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(x)
	}
	return b.String()
}
