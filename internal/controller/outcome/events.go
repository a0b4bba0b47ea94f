package outcome

import "unicode/utf8"

// maxEventNote is the longest note the apiserver accepts in an event
// (events.k8s.io/v1): it refuses a longer one, and the event is lost.
const maxEventNote = 1024

// EventNote is message cut to fit an event's note, ending in "…" when cut.
func EventNote(message string) string {
	if len(message) <= maxEventNote {
		return message
	}
	const ellipsis = "…"
	cut := message[:maxEventNote-len(ellipsis)]
	for !utf8.ValidString(cut) {
		cut = cut[:len(cut)-1]
	}
	return cut + ellipsis
}
