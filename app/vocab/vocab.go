// Package vocab is StoreLens's one vocabulary: the codes of camera-alert
// kinds and sources, corrective-task statuses and flag kinds. Each code is
// defined here once and is the same string everywhere: in the local store,
// on HQ's feed, and as the key of its label in the translation catalogue
// ("alert.<kind>", "task.<status>", "flag.<kind>"). Lower layers keep codes;
// front ends translate them.
//
// Every layer may import vocab; it imports nothing of StoreLens.
package vocab

// Camera-alert kinds: why a camera's counts cannot be trusted for a while.
const (
	AlertOcclusion = "occlusion" // part of the view is blocked (a banner, a rack)
	AlertMoved     = "moved"     // the view is shifted or rotated
	AlertDefocus   = "defocus"   // the picture is blurred
	AlertNoSignal  = "no_signal" // black, frozen or unreadable frames, or no stream
)

// AlertKinds lists every camera-alert kind.
var AlertKinds = []string{AlertOcclusion, AlertMoved, AlertDefocus, AlertNoSignal}

// Where a camera alert comes from.
const (
	AlertFromDevice = "device" // reported by the camera, arrives through sync
	AlertFromLocal  = "local"  // found on this machine by a footage check
)

// Corrective-task statuses, as stored and as HQ's feed sends them, in
// lifecycle order: a draft is the manager's until sent; the store
// acknowledges it and reports it done; the manager verifies the work or
// reopens the task, which the store then acknowledges again.
const (
	TaskDraft        = "draft"
	TaskSent         = "sent"
	TaskAcknowledged = "acknowledged"
	TaskDone         = "done"
	TaskVerified     = "verified"
	TaskReopened     = "reopened"
)

// TaskStatuses lists every task status in lifecycle order.
var TaskStatuses = []string{TaskDraft, TaskSent, TaskAcknowledged, TaskDone, TaskVerified, TaskReopened}

// TaskOpenStatuses are the statuses of a task still in hand: footage
// attached to one of them is never evicted from the cache.
var TaskOpenStatuses = []string{TaskDraft, TaskSent, TaskAcknowledged, TaskDone, TaskReopened}

// Corrective-task categories (the keys of "taskcat.<key>").
const (
	TaskCatDoorGreeting = "door_greeting" // 门口叫卖
	TaskCatOpeningHours = "opening_hours" // 营业时间
	TaskCatDisplay      = "display"       // 陈列
	TaskCatTill         = "till"          // 收银
	TaskCatCamera       = "camera"        // 设备
	TaskCatOther        = "other"
)

// TaskCategories lists every task category.
var TaskCategories = []string{TaskCatDoorGreeting, TaskCatOpeningHours, TaskCatDisplay, TaskCatTill, TaskCatCamera, TaskCatOther}

// Who moved a task along (the keys of "taskactor.<actor>").
const (
	ActorManager = "manager"
	ActorStore   = "store"
	ActorHQ      = "hq"
)

// TaskActors lists every actor.
var TaskActors = []string{ActorManager, ActorStore, ActorHQ}

// Flag kinds: why insight flags a store (see package app/insight).
const (
	FlagBelowTagAverage   = "below_tag_average"
	FlagSharpDrop         = "sharp_drop"
	FlagEarlyClosing      = "early_closing"
	FlagAbnormalEntryRate = "abnormal_entry_rate"
	FlagSuspectCounts     = "suspect_counts"
)

// FlagKinds lists every flag kind.
var FlagKinds = []string{FlagBelowTagAverage, FlagSharpDrop, FlagEarlyClosing, FlagAbnormalEntryRate, FlagSuspectCounts}

// Valid reports whether code is one of codes.
func Valid(codes []string, code string) bool {
	for _, c := range codes {
		if c == code {
			return true
		}
	}
	return false
}
