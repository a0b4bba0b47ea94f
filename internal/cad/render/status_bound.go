package render

import (
	"encoding/json"
	"fmt"

	porchv1alpha1 "github.com/porch-dev/porch/api/porch/v1alpha1"
)

// maxStatusText bounds one text of a render status (the error, a
// function's standard error, a result's message) once the status as a
// whole is over its limit.
const maxStatusText = 16 << 10

// BoundStatus returns status cut to at most maxBytes as JSON, so that what
// functions report cannot make the object holding it too large to store.
// Long texts are cut first (standard error keeps its end, where the
// failure usually is); then the structured results of the last functions
// go, and a result of the last function kept says how many were left out.
func BoundStatus(status porchv1alpha1.RenderStatus, maxBytes int) porchv1alpha1.RenderStatus {
	if statusSize(status) <= maxBytes {
		return status
	}
	out := *status.DeepCopy()
	out.Err = keepHead(out.Err, maxStatusText)
	for i := range out.Result.Items {
		item := &out.Result.Items[i]
		item.Stderr = keepTail(item.Stderr, maxStatusText)
		for j := range item.Results {
			item.Results[j].Message = keepHead(item.Results[j].Message, maxStatusText/4)
		}
	}
	// A note of what was left out takes its place in the budget.
	budget := maxBytes - 512
	size := statusSize(out)
	results, functions := 0, 0
	items := out.Result.Items
	for i := len(items) - 1; i >= 0 && size > budget; i-- {
		item := &items[i]
		for len(item.Results) > 0 && size > budget {
			size -= jsonSize(item.Results[len(item.Results)-1]) + 1
			item.Results = item.Results[:len(item.Results)-1]
			results++
		}
		if size > budget {
			before := jsonSize(item.Stderr)
			item.Stderr = keepTail(item.Stderr, 1<<10)
			size -= before - jsonSize(item.Stderr)
		}
	}
	for len(items) > 1 && size > budget {
		size -= jsonSize(items[len(items)-1]) + 1
		items = items[:len(items)-1]
		functions++
	}
	out.Result.Items = items
	if (results > 0 || functions > 0) && len(items) > 0 {
		last := &items[len(items)-1]
		last.Results = append(last.Results, porchv1alpha1.ResultItem{Severity: "info", Message: fmt.Sprintf(
			"%d more results and the results of %d more functions were left out: the render status keeps at most %d bytes",
			results, functions, maxBytes)})
	}
	return out
}

func statusSize(status porchv1alpha1.RenderStatus) int { return jsonSize(status) }

func jsonSize(v any) int {
	b, err := json.Marshal(v)
	if err != nil {
		return 0
	}
	return len(b)
}

func keepHead(s string, most int) string {
	if len(s) <= most {
		return s
	}
	return s[:most] + fmt.Sprintf("... (%d more bytes)", len(s)-most)
}

func keepTail(s string, most int) string {
	if len(s) <= most {
		return s
	}
	return fmt.Sprintf("(%d bytes before) ...", len(s)-most) + s[len(s)-most:]
}
