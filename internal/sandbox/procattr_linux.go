package sandbox

import (
	"os/exec"
	"runtime"
	"syscall"
)

// run runs cmd with the kernel told to kill the child should the daemon die
// without killing it (SIGKILL, a crash): an evaluation must not outlive the
// daemon that waits for it. The kernel watches the thread that started the
// child, so the goroutine keeps that thread to itself until the child is
// gone.
func run(cmd *exec.Cmd) error {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	return cmd.Run()
}
