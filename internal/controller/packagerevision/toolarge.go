package packagerevision

import "fmt"

// contentTooLarge says a package is over the content limit, so that
// nothing of it is committed: a Draft's resources could not record it.
type contentTooLarge struct {
	// what is the package refused: as given, or as rendered.
	what        string
	size, limit int64
}

func (e *contentTooLarge) Error() string {
	return fmt.Sprintf("%s is %d bytes (file names and contents as stored), over the content limit of %d bytes "+
		"(the manager's --max-package-bytes), so nothing was committed: make it smaller or split it into several packages",
		e.what, e.size, e.limit)
}
