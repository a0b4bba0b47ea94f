package repository

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
	// ErrInvalidAddress: the address cannot be used at all.
	ErrInvalidAddress = errors.New("invalid address")
)
