package rpkg

import (
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// ANSI escapes of the colours a diff is shown in on a terminal, as git
// shows one: headers bold, removed lines red, added lines green, hunk
// ranges cyan.
const (
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[31m"
	ansiGreen = "\x1b[32m"
	ansiCyan  = "\x1b[36m"
	ansiReset = "\x1b[m"
)

// diffHeaderLines is how many lines open each file's diff: the "diff",
// "---" and "+++" lines (see fileDiff). They are told apart by place, as
// a removed line that starts with "--" reads as "---" too.
const diffHeaderLines = 3

// useColor says whether the diff written to out is coloured: mode is the
// --color flag, auto colouring only for a terminal.
func useColor(mode string, out io.Writer) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		f, ok := out.(*os.File)
		return ok && term.IsTerminal(int(f.Fd())), nil
	default:
		return false, fmt.Errorf("--color must be auto, always or never, not %q", mode)
	}
}

// colorDiff colours the diff of one file.
func colorDiff(text string) string {
	var out strings.Builder
	for i, line := range strings.SplitAfter(text, "\n") {
		body := strings.TrimSuffix(line, "\n")
		color := ""
		switch {
		case body == "":
		case i < diffHeaderLines:
			color = ansiBold
		case strings.HasPrefix(body, "@@"):
			color = ansiCyan
		case strings.HasPrefix(body, "-"):
			color = ansiRed
		case strings.HasPrefix(body, "+"):
			color = ansiGreen
		}
		if color == "" {
			out.WriteString(line)
			continue
		}
		out.WriteString(color + body + ansiReset + line[len(body):])
	}
	return out.String()
}
