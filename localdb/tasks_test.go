package localdb

import (
	"context"
	"errors"
	"testing"
	"time"

	"storelens/app/vocab"
)

func TestTaskLifecycleDraftSendVerifyReopen(t *testing.T) {
	db := openTest(t)
	s := seedStore(t, db)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 19, 9, 0, 0, 0, shanghai)
	task, err := db.CreateCorrectiveTask(ctx, CorrectiveTask{StoreID: s.ID, Category: vocab.TaskCatDoorGreeting, Title: "门口叫卖",
		Status: vocab.TaskDraft, DueOn: "2026-11-20", CreatedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := db.PendingPushCount(ctx); n != 0 {
		t.Fatalf("a draft queued %d pushes; it stays on the laptop", n)
	}
	list, _ := db.Tasks(ctx, TaskFilter{})
	if len(list) != 1 || list[0].Status != vocab.TaskDraft || list[0].WaitingToSend || list[0].Category != vocab.TaskCatDoorGreeting {
		t.Fatalf("tasks %+v", list)
	}
	// Verifying a task the store never reported done is not a step.
	if _, err := db.ChangeTaskStatus(ctx, task.ID, vocab.TaskVerified, "m", "", t0); !errors.Is(err, ErrTaskStep) {
		t.Fatalf("verify a draft: %v", err)
	}
	if err := db.SendTask(ctx, task.ID, "m", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.SendTask(ctx, task.ID, "m", t0.Add(2*time.Minute)); !errors.Is(err, ErrTaskStep) {
		t.Fatalf("sending twice: %v", err)
	}
	got, _ := db.Task(ctx, task.ID[:8])
	if got.Status != vocab.TaskSent || !got.WaitingToSend {
		t.Fatalf("after send: %s waiting %v", got.Status, got.WaitingToSend)
	}
	// Overdue: due 11-20, not done, asked on 11-21.
	if od, _ := db.Tasks(ctx, TaskFilter{OverdueOn: "2026-11-21"}); len(od) != 1 {
		t.Errorf("overdue on 11-21: %d tasks", len(od))
	}
	if od, _ := db.Tasks(ctx, TaskFilter{OverdueOn: "2026-11-20"}); len(od) != 0 {
		t.Errorf("overdue on its due day: %d tasks", len(od))
	}
	db.MarkPushDelivered(ctx, task.ID, []byte(`{}`), t0)
	got, _ = db.Task(ctx, task.ID)
	if got.WaitingToSend {
		t.Error("still waiting to send after HQ's answer")
	}
	// The store reports it done with a reply and a photo.
	_, err = db.ApplyFeedPage(ctx, "hq", "task_status", "x", true, func(p *FeedPage) error {
		_, err := p.ApplyTaskStatusChange(TaskStatusChange{RemoteID: "r1", TaskID: task.ID, Status: vocab.TaskDone, At: t0.Add(2 * time.Hour),
			Actor: vocab.ActorStore, By: "店长", Note: "已整改", Photo: []byte{0xff, 0xd8}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ = db.Task(ctx, task.ID)
	if got.Status != vocab.TaskDone || got.Reply != "已整改" || got.Done.IsZero() {
		t.Fatalf("after the store's done: %+v", got)
	}
	if _, err := db.ChangeTaskStatus(ctx, task.ID, vocab.TaskReopened, "m", "门口仍无人", t0.Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ChangeTaskStatus(ctx, task.ID, "", "m", "请本周内完成", t0.Add(4*time.Hour)); err != nil {
		t.Fatal(err)
	}
	hist, _ := db.TaskStatusHistory(ctx, task.ID)
	want := []string{vocab.TaskDraft, vocab.TaskSent, vocab.TaskDone, vocab.TaskReopened, vocab.TaskReopened}
	if len(hist) != len(want) {
		t.Fatalf("history %+v", hist)
	}
	for i, h := range hist {
		if h.Status != want[i] {
			t.Errorf("history[%d] = %s, want %s", i, h.Status, want[i])
		}
	}
	if hist[2].Actor != vocab.ActorStore || len(hist[2].Photo) != 2 || hist[4].Note != "请本周内完成" {
		t.Errorf("store step %+v, comment %+v", hist[2], hist[4])
	}
	got, _ = db.Task(ctx, task.ID)
	if got.Status != vocab.TaskReopened || !got.WaitingToSend {
		t.Errorf("after reopen and comment: %s waiting %v", got.Status, got.WaitingToSend)
	}
	if n, _ := db.PendingPushCount(ctx); n != 2 {
		t.Errorf("%d pushes pending, want the reopening and the comment", n)
	}
}

func TestDraftsCanBeEditedAndDeletedButNotSentTasks(t *testing.T) {
	db := openTest(t)
	s := seedStore(t, db)
	ctx := context.Background()
	d, err := db.CreateCorrectiveTask(ctx, CorrectiveTask{StoreID: s.ID, Title: "陈列", Status: vocab.TaskDraft})
	if err != nil {
		t.Fatal(err)
	}
	d.Title, d.Category = "陈列调整", vocab.TaskCatDisplay
	if err := db.UpdateDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	got, _ := db.Task(ctx, d.ID)
	if got.Title != "陈列调整" || got.Category != vocab.TaskCatDisplay {
		t.Errorf("edited draft %+v", got)
	}
	if _, err := db.CreateCorrectiveTask(ctx, CorrectiveTask{StoreID: s.ID, Title: "x", Category: "nope"}); err == nil {
		t.Error("an unknown category was stored")
	}
	sent, _ := db.CreateCorrectiveTask(ctx, CorrectiveTask{StoreID: s.ID, Title: "营业时间"})
	if err := db.UpdateDraft(ctx, sent); !errors.Is(err, ErrTaskStep) {
		t.Errorf("editing a sent task: %v", err)
	}
	if err := db.DeleteDraft(ctx, sent.ID); !errors.Is(err, ErrTaskStep) {
		t.Errorf("deleting a sent task: %v", err)
	}
	if err := db.DeleteDraft(ctx, d.ID); err != nil {
		t.Fatal(err)
	}
	if l, _ := db.Tasks(ctx, TaskFilter{}); len(l) != 1 {
		t.Errorf("%d tasks after deleting the draft", len(l))
	}
}

func TestPastTaskIsRecordedOnceWithNothingToPush(t *testing.T) {
	db := openTest(t)
	s := seedStore(t, db)
	ctx := context.Background()
	t0 := time.Date(2026, 5, 4, 16, 0, 0, 0, shanghai)
	task := CorrectiveTask{ID: "5d1e8c2a-7a51-4c1f-9a2e-3c0b6f1d2e01", StoreID: s.ID, Category: vocab.TaskCatDoorGreeting, Title: "门口无人迎宾", KPI: "entry_rate"}
	steps := []TaskStatusChange{
		{Status: vocab.TaskDraft, At: t0, Actor: vocab.ActorManager},
		{Status: vocab.TaskSent, At: t0.Add(time.Minute), Actor: vocab.ActorManager},
		{Status: vocab.TaskDone, At: t0.Add(6 * 24 * time.Hour), Actor: vocab.ActorStore, Note: "已安排迎宾"},
		{Status: vocab.TaskVerified, At: t0.Add(7 * 24 * time.Hour), Actor: vocab.ActorManager},
	}
	for i, want := range []bool{true, false} {
		ok, err := db.RecordPastTask(ctx, task, steps)
		if err != nil || ok != want {
			t.Fatalf("round %d: stored %v, %v", i, ok, err)
		}
	}
	got, _ := db.Task(ctx, task.ID)
	if got.Status != vocab.TaskVerified || got.Reply != "已安排迎宾" || got.Done.IsZero() || got.WaitingToSend {
		t.Errorf("past task %+v", got)
	}
	if hist, _ := db.TaskStatusHistory(ctx, task.ID); len(hist) != 4 {
		t.Errorf("%d history rows after two recordings, want 4", len(hist))
	}
	if n, _ := db.PendingPushCount(ctx); n != 0 {
		t.Errorf("a past task queued %d pushes", n)
	}
	eff, err := db.TaskByID(ctx, task.ID)
	if err != nil || !eff.DoneAt.Equal(t0.Add(6*24*time.Hour).UTC()) {
		t.Errorf("done at %v (%v)", eff.DoneAt, err)
	}
}
