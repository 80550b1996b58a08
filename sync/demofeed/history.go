package demofeed

import (
	"time"

	"storelens/app/vocab"
)

// PastTask is a corrective task the demo region's manager raised months
// ago, with its whole life: the history a laptop that has followed the
// region holds, so the effect of a task done long enough ago can be seen.
type PastTask struct {
	ID        string // a fixed UUID
	StoreCode string
	Category  string
	Title     string
	Body      string
	KPI       string
	Steps     []PastStep
}

// PastStep is one step of a PastTask.
type PastStep struct {
	At     time.Time
	Status string
	Actor  string
	By     string
	Note   string
}

// PastTasks is the demo region's history of tasks: the door-greeting task
// behind the entry-rate climb of 长沙黄兴路店 (CS002), raised when its
// entry rate was about 2 % and done a week later.
func (s *Server) PastTasks() []PastTask {
	sc := s.view().clock
	st := s.chain.byCode[storyRamp]
	if st == nil {
		return nil
	}
	d := dayOf(sc.anchor.date().AddDate(0, -7, 0)) + 3
	for d.weekend() {
		d++
	}
	at := func(days, minute int) time.Time { return (d + day(days)).at(st.loc, minute) }
	by := st.staff[0].Name
	return []PastTask{{
		ID: "5d1e8c2a-7a51-4c1f-9a2e-3c0b6f1d2e01", StoreCode: storyRamp, Category: vocab.TaskCatDoorGreeting,
		Title: "门口无人迎宾，店员低头玩手机", Body: "10:41–11:15 店员在门口打电话，无人招呼路过顾客；进店率约2%，低于标签均值。", KPI: "entry_rate",
		Steps: []PastStep{
			{At: at(0, 16*60), Status: vocab.TaskDraft, Actor: vocab.ActorManager},
			{At: at(0, 16*60+2), Status: vocab.TaskSent, Actor: vocab.ActorManager},
			{At: at(0, 17*60), Status: vocab.TaskAcknowledged, Actor: vocab.ActorStore, By: by, Note: "收到，明天起安排专人门口迎宾"},
			{At: at(6, 18*60), Status: vocab.TaskDone, Actor: vocab.ActorStore, By: by, Note: "已安排早晚班各一人门口叫卖迎宾，店员上班不看手机"},
			{At: at(7, 10*60), Status: vocab.TaskVerified, Actor: vocab.ActorManager, Note: "回看录像确认门口有人迎宾"},
		},
	}}
}
