package harden

import "syscall"

const prSetDumpable = 4 // PR_SET_DUMPABLE of <linux/prctl.h>

// NoCoreDumps sets the soft core-file limit to 0 (the hard limit stays, so
// a child such as an --exec shell may raise it again: ulimit -c) and marks
// the process non-dumpable: no core file, no ptrace attach by other
// processes of the user, /proc/PID/{environ,mem,maps} owned by root. The
// flag is not inherited across execve, so children are unaffected.
func NoCoreDumps() error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_CORE, &lim); err != nil {
		return err
	}
	lim.Cur = 0
	if err := syscall.Setrlimit(syscall.RLIMIT_CORE, &lim); err != nil {
		return err
	}
	if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, prSetDumpable, 0, 0); e != 0 {
		return e
	}
	return nil
}
