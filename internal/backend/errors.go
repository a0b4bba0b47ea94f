package backend

import "errors"

// Kinds of failure an adapter reports; wrap them with %w and a message that
// says what to do.
var (
	// ErrAuthentication: the remote refused the credentials or wants some.
	ErrAuthentication = errors.New("authentication failed")
	// ErrUnreachable: the remote did not answer, or is not a repository.
	ErrUnreachable = errors.New("remote unreachable")
	// ErrBranchNotFound: the repository answered but has no such branch.
	ErrBranchNotFound = errors.New("branch not found")
	// ErrRefNotFound: the repository answered but has no such branch, tag
	// or commit.
	ErrRefNotFound = errors.New("ref not found")
	// ErrPackageNotFound: the folder named is absent at the ref read, or
	// holds no Kptfile.
	ErrPackageNotFound = errors.New("package not found")
	// ErrInvalidAddress: the address cannot be used at all.
	ErrInvalidAddress = errors.New("invalid address")
	// ErrRemoteRefused: the manager will not reach this remote for a user
	// (a local path, a scheme or address its flags do not allow, user info
	// in the URL); the spec must change.
	ErrRemoteRefused = errors.New("remote not allowed")
	// ErrConflict: a write expected a ref at one commit and found it
	// elsewhere (moved, created or deleted by another writer), so nothing
	// was written; re-read the repository and try again.
	ErrConflict = errors.New("conflicting change")
	// ErrInvalidPackage: a package path, workspace name or file path cannot
	// be written to a repository; the request must change, not be retried.
	ErrInvalidPackage = errors.New("invalid package")
	// ErrSourceTooLarge: reading a package from a remote would take more
	// than the fetch limit (bytes received, or objects to unpack), so it
	// was stopped; it fails again until the source or the limit changes.
	ErrSourceTooLarge = errors.New("source too large")
)
