"""ptyrun - the console in a pseudo-terminal, for the benchmarks that drive it
(bench/tui_pty.py, bench/probe_ui.py): start it at a size, and stop it."""
import fcntl, os, pty, signal, struct, termios, time


def spawn(cmd, cols, rows):
    """Start cmd in a new pty of cols x rows (TERM=xterm-256color, UTF-8): (pid, fd)."""
    pid, fd = pty.fork()
    if pid == 0:
        os.environ["TERM"] = "xterm-256color"
        os.environ["LANG"] = "C.UTF-8"
        os.execv(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    return pid, fd


def stop(pid, fd, quit_key, grace):
    """Type quit_key, wait grace seconds, then SIGTERM, reap, close the pty."""
    os.write(fd, quit_key)
    time.sleep(grace)
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)
    os.close(fd)
