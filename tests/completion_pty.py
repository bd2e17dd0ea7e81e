#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Type a command line into a real interactive bash or zsh (on a pseudo-terminal) with intercom's
completion loaded, press TAB (twice: bash lists the candidates), and print what the terminal showed,
escape sequences removed. Used by tests/test_cli_completion.sh.
    completion_pty.py bash|zsh DIR_WITH_INTERCOM 'intercom ... '"""
import os, pty, re, select, sys, time

shell, bindir, line = sys.argv[1], sys.argv[2], sys.argv[3]
env = {"PATH": bindir + ":/usr/bin:/bin", "HOME": os.environ.get("TMPDIR", "/tmp"), "TERM": "dumb",
       "LC_ALL": "C.UTF-8", "PS1": "PROMPT> ", "PROMPT": "PROMPT> "}
argv = {"bash": ["bash", "--norc", "--noprofile", "-i"], "zsh": ["zsh", "-f", "-i"]}[shell]
setup = {"bash": "bind 'set completion-query-items 1000'; bind 'set page-completions off'; "
                 "source <(intercom completion bash); echo READY\n",
         "zsh": "autoload -U compinit; compinit -u -D; source <(intercom completion zsh); echo READY\n"}[shell]
pid, fd = pty.fork()
if pid == 0:
    os.execvpe(argv[0], argv, env)


def read_for(secs, until=None, quiet=None):
    """What the terminal shows within secs; stops early 0.3 s after `until` appears, or after `quiet`
    seconds without output once something came."""
    out, end, last = b"", time.time() + secs, time.time()
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
            last = time.time()
            if until and until in out:
                end = min(end, time.time() + 0.3)
        elif quiet and out and time.time() - last > quiet:
            break
    return out


read_for(5, b"PROMPT> ", quiet=0.3)
os.write(fd, setup.encode())
read_for(20, b"READY\r\n")
os.write(fd, line.encode() + b"\t")
shown = read_for(5, quiet=0.5)
os.write(fd, b"\t")
shown += read_for(5, quiet=0.5)
try:
    os.kill(pid, 9)
except OSError:
    pass
os.waitpid(pid, 0)
text = shown.decode("utf-8", "replace")
text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>]|\x07|\r", "", text)
# a backspace moves back over the character the shell then rewrites (--per_ becomes --per-page): drop it
out = []
for c in text:
    if c != "\b":
        out.append(c)
    elif out and out[-1] != "\n":
        out.pop()
sys.stdout.write("".join(out) + "\n")
