package isolation

import "syscall"

// childAttributes make the kernel kill a child whose parent dies, so that
// no function outlives the process that runs it.
func childAttributes() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
