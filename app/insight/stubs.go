package insight

import (
	"context"
	"errors"
	"time"
)

var errNotYet = errors.New("insight: not built yet")

// Region is the dashboard for period: every store of the filter with its
// KPIs, previous-period and year-ago KPIs, ranks, tag averages and flags.
func (in *Insight) Region(ctx context.Context, p Period, f Filter) (RegionOverview, error) {
	return RegionOverview{}, errNotYet
}

// Flags are the flags of the filter's stores for period, most severe first,
// and the number of stores looked at.
func (in *Insight) Flags(ctx context.Context, p Period, f Filter) ([]Flag, int, error) {
	return nil, 0, errNotYet
}

// Store is the store page of the store with code for period.
func (in *Insight) Store(ctx context.Context, code string, p Period) (StoreDetail, error) {
	return StoreDetail{}, errNotYet
}

// Hourly is every hour of the store's period (open or not) with its forecast
// band; a year of it is what the long-range chart reads.
func (in *Insight) Hourly(ctx context.Context, code string, p Period) ([]HourPoint, error) {
	return nil, errNotYet
}

// Forecast is the predicted entries band for each hour of the store's days
// in p (past days give real vs predicted, future days the outlook).
func (in *Insight) Forecast(ctx context.Context, code string, p Period) ([]HourPoint, error) {
	return nil, errNotYet
}

// Backtest scores the forecast of daily entries on the last weeks whole
// weeks before end (held out, each week forecast from the data before it)
// against the seasonal-naive baseline, over the filter's stores.
func (in *Insight) Backtest(ctx context.Context, f Filter, end time.Time, weeks int) (BacktestResult, error) {
	return BacktestResult{}, errNotYet
}

// TaskEffect compares the task's targeted KPI before and after it was done.
func (in *Insight) TaskEffect(ctx context.Context, taskID string) (TaskEffect, error) {
	return TaskEffect{}, errNotYet
}
