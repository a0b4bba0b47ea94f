//go:build !linux

package isolation

import "syscall"

func childAttributes() *syscall.SysProcAttr { return nil }
