// kestrel-trigger: one small, deterministic behaviour per subcommand, for the live e2e tests (the
// role falcosecurity/event-generator's syscall actions play for Falco; behaviours described in
// shared/reference/event-generator-actions.md). Tests run it under other names (symlinks such as
// `httpd` or `login`) when a rule looks at the process name, and pass a unique token as the last
// argument so that the alert can be told apart from anything else on the host.
//
//   noop [token]                     exit 0 (a target for exec under some name)
//   read PATH [token]                open(PATH, O_RDONLY), close (a failure is fine)
//   sleep-read MS PATH [token]       sleep MS milliseconds, then read PATH
//   truncate PATH [token]            open(PATH, O_WRONLY|O_CREAT|O_TRUNC, 0644), close
//   write PATH [token]               open(PATH, O_WRONLY|O_CREAT|O_EXCL, 0600), close, unlink
//   spawn PROG ARG... [token]        fork, exec PROG with ARG..., wait
//   memfd-exec [token]               copy this program into a memfd, then execveat(AT_EMPTY_PATH)
//                                    it as "noop"
//   setuid UID PROG ARG...           setgid/setuid(UID), then exec PROG ARG...
//   loginuid N PROG ARG...           write N to /proc/self/loginuid, then exec PROG ARG...
//   symlink TARGET LINKPATH [token]  symlink(TARGET, LINKPATH), then unlink(LINKPATH)
//   hardlink OLD NEW [token]         link(OLD, NEW) (a failure such as EXDEV is fine), unlink(NEW)
//   unlink PATH [token]              unlink(PATH) (a failure is fine)
//   ptrace-attach [token]            fork a child that waits; PTRACE_ATTACH to it, detach, kill
//   ptrace-traceme [token]           fork a child that calls PTRACE_TRACEME and exits
//   netns-udp IP PORT [token]        in a new network namespace whose loopback carries IP:
//                                    UDP socket, connect(IP:PORT), send one byte
//
// Exit code: 0 on success, 2 on bad usage, 1 when a step that must succeed fails.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char** environ;

static int fail(const char* what) {
    fprintf(stderr, "kestrel-trigger: %s: %s\n", what, strerror(errno));
    return 1;
}

static int do_read(const char* path) {
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
        close(fd);
    }
    return 0;
}

static int do_sleep_read(const char* ms, const char* path) {
    long n = strtol(ms, NULL, 10);
    struct timespec ts = {n / 1000, (n % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
    return do_read(path);
}

static int do_truncate(const char* path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        return fail("open O_TRUNC");
    }
    close(fd);
    return 0;
}

static int do_write(const char* path) {
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) {
        return fail("open O_CREAT");
    }
    close(fd);
    unlink(path);
    return 0;
}

static int do_spawn(char** argv) {
    pid_t pid = fork();
    if (pid < 0) {
        return fail("fork");
    }
    if (pid == 0) {
        execv(argv[0], argv);
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return 0;
}

static int do_symlink(const char* target, const char* linkpath) {
    if (symlink(target, linkpath) != 0) {
        return fail("symlink");
    }
    unlink(linkpath);
    return 0;
}

static int do_hardlink(const char* oldpath, const char* newpath) {
    if (link(oldpath, newpath) == 0) {
        unlink(newpath);
    }
    return 0;
}

static int do_ptrace_attach(void) {
    pid_t child = fork();
    if (child < 0) {
        return fail("fork");
    }
    if (child == 0) {
        for (;;) {
            pause();
        }
    }
    int status = 0;
    int rc = 0;
    if (ptrace(PTRACE_ATTACH, child, NULL, NULL) != 0) {
        rc = fail("PTRACE_ATTACH");
    } else {
        waitpid(child, &status, 0); // the attach stop
        ptrace(PTRACE_DETACH, child, NULL, NULL);
    }
    kill(child, SIGKILL);
    waitpid(child, &status, 0);
    return rc;
}

static int do_ptrace_traceme(void) {
    pid_t child = fork();
    if (child < 0) {
        return fail("fork");
    }
    if (child == 0) {
        _exit(ptrace(PTRACE_TRACEME, 0, NULL, NULL) == 0 ? 0 : 1);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

static int do_memfd_exec(const char* token) {
    int src = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (src < 0) {
        return fail("open /proc/self/exe");
    }
    struct stat st;
    if (fstat(src, &st) != 0) {
        return fail("fstat");
    }
    int mem = memfd_create("kestrel-e2e", MFD_CLOEXEC);
    if (mem < 0) {
        return fail("memfd_create");
    }
    off_t offset = 0;
    while (offset < st.st_size) {
        ssize_t n = sendfile(mem, src, &offset, (size_t)(st.st_size - offset));
        if (n <= 0) {
            return fail("sendfile");
        }
    }
    char* args[] = {"kestrel-trigger", "noop", (char*)token, NULL};
    // execveat directly: glibc's fexecve may go through execve("/proc/self/fd/N") instead.
    syscall(SYS_execveat, mem, "", args, environ, AT_EMPTY_PATH);
    return fail("execveat");
}

static int do_setuid(const char* uid_text, char** argv) {
    uid_t uid = (uid_t)strtoul(uid_text, NULL, 10);
    if (setgid(uid) != 0 || setuid(uid) != 0) {
        return fail("setuid");
    }
    execv(argv[0], argv);
    return fail("execv");
}

static int do_loginuid(const char* value, char** argv) {
    int fd = open("/proc/self/loginuid", O_WRONLY);
    if (fd < 0 || write(fd, value, strlen(value)) < 0) {
        return fail("writing /proc/self/loginuid");
    }
    close(fd);
    execv(argv[0], argv);
    return fail("execv");
}

static int do_netns_udp(const char* ip, const char* port) {
    if (unshare(CLONE_NEWNET) != 0) {
        return fail("unshare(CLONE_NEWNET)");
    }
    // The namespace's only interface is a down loopback: give it IP (a /8, so the kernel adds
    // the local route) and bring it up. Nothing leaves the namespace.
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    if (s < 0) {
        return fail("socket");
    }
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    struct sockaddr_in* addr = (struct sockaddr_in*)&ifr.ifr_addr;
    addr->sin_family = AF_INET;
    if (inet_pton(AF_INET, ip, &addr->sin_addr) != 1) {
        errno = EINVAL;
        return fail("bad IPv4 address");
    }
    if (ioctl(s, SIOCSIFADDR, &ifr) != 0) {
        return fail("SIOCSIFADDR");
    }
    if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0) {
        return fail("SIOCGIFFLAGS");
    }
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) != 0) {
        return fail("SIOCSIFFLAGS");
    }
    close(s);

    int u = socket(AF_INET, SOCK_DGRAM, 0);
    struct sockaddr_in dst;
    memset(&dst, 0, sizeof(dst));
    dst.sin_family = AF_INET;
    dst.sin_port = htons((uint16_t)strtoul(port, NULL, 10));
    inet_pton(AF_INET, ip, &dst.sin_addr);
    if (u < 0 || connect(u, (struct sockaddr*)&dst, sizeof(dst)) != 0) {
        return fail("connect");
    }
    (void)send(u, "k", 1, 0);
    close(u);
    return 0;
}

int main(int argc, char** argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: kestrel-trigger <action> [args] [token]\n");
        return 2;
    }
    const char* action = argv[1];
    const char* last = argv[argc - 1];
    if (strcmp(action, "noop") == 0) {
        return 0;
    }
    if (strcmp(action, "read") == 0 && argc >= 3) {
        return do_read(argv[2]);
    }
    if (strcmp(action, "sleep-read") == 0 && argc >= 4) {
        return do_sleep_read(argv[2], argv[3]);
    }
    if (strcmp(action, "truncate") == 0 && argc >= 3) {
        return do_truncate(argv[2]);
    }
    if (strcmp(action, "write") == 0 && argc >= 3) {
        return do_write(argv[2]);
    }
    if (strcmp(action, "spawn") == 0 && argc >= 3) {
        return do_spawn(argv + 2);
    }
    if (strcmp(action, "memfd-exec") == 0) {
        return do_memfd_exec(last);
    }
    if (strcmp(action, "setuid") == 0 && argc >= 4) {
        return do_setuid(argv[2], argv + 3);
    }
    if (strcmp(action, "loginuid") == 0 && argc >= 4) {
        return do_loginuid(argv[2], argv + 3);
    }
    if (strcmp(action, "symlink") == 0 && argc >= 4) {
        return do_symlink(argv[2], argv[3]);
    }
    if (strcmp(action, "hardlink") == 0 && argc >= 4) {
        return do_hardlink(argv[2], argv[3]);
    }
    if (strcmp(action, "unlink") == 0 && argc >= 3) {
        unlink(argv[2]);
        return 0;
    }
    if (strcmp(action, "ptrace-attach") == 0) {
        return do_ptrace_attach();
    }
    if (strcmp(action, "ptrace-traceme") == 0) {
        return do_ptrace_traceme();
    }
    if (strcmp(action, "netns-udp") == 0 && argc >= 4) {
        return do_netns_udp(argv[2], argv[3]);
    }
    fprintf(stderr, "kestrel-trigger: unknown action or missing arguments: %s\n", action);
    return 2;
}
