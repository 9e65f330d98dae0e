/*
 * PID 1 of the telemetry microVM: the whole "operating system" around the task.
 *
 *  1. mounts /proc, /sys, /dev (devtmpfs) and a /tmp, and makes /dev/console its stdio;
 *  2. loads the kernel modules in /lib/modules (file name order: the build numbers them in
 *     dependency order) - Debian's cloud kernel builds virtio, virtio-mmio and virtio-net as
 *     modules, and there is no modprobe, udev or anything else here;
 *  3. brings up lo and eth0 with a static address (QEMU user networking: 10.0.2.15/24, gateway
 *     10.0.2.2; hybridge.ip=ADDR/PREFIX and hybridge.gw=ADDR on the kernel command line change it);
 *  4. starts the task (argv from /etc/task.args, one argument per line) with an environment
 *     made of every hybridge.env.NAME=value entry of the kernel command line (values may be
 *     double-quoted to hold spaces) plus PATH and HOME, and forwards SIGTERM/SIGINT to it;
 *     Once the task runs it prints "hybridge-init: task started (pid N)": the gateway's VMM driver
 *     takes that line as the guest's first sign of life (io.hybridge.unikernel.readyLine);
 *  5. listens on the control line, the second serial port (ttyS1, a unix socket on the host):
 *     a line "stop" stops the task as SIGTERM would (the gateway's graceful stop; ACPI's power
 *     button would need a userspace listener this image does not have);
 *  6. reaps whatever exits and, when the task has, prints
 *     "hybridge-init: task exited with status N" on the console and powers the VM off - the
 *     VMM process ends with the VM.
 *
 * Dynamically linked against the C library the JVM needs anyway (a few KB, nothing extra to ship).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/route.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAX_ARGS 64
#define MAX_ENV 128

static volatile pid_t task = -1;

static void say(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("hybridge-init: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void power_off(int status) {
    sync();
    reboot(RB_POWER_OFF);
    /* no ACPI power-off: a reset makes QEMU (-no-reboot) exit too */
    reboot(RB_AUTOBOOT);
    _exit(status);
}

static void forward(int sig) {
    if (task > 0) kill(task, SIGTERM);
    (void) sig;
}

/*
 * The control line: a child that reads lines from ttyS1 (raw, no echo) and, on "stop", sends
 * SIGTERM to init, which forwards it to the task. No ttyS1 (another VMM): nothing to listen to.
 */
static void control_line(void) {
    pid_t pid = fork();
    if (pid != 0) return;
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    int fd = open("/dev/ttyS1", O_RDONLY | O_NOCTTY);
    if (fd < 0) _exit(0);
    struct termios tio;
    if (tcgetattr(fd, &tio) == 0) {
        cfmakeraw(&tio);
        tcsetattr(fd, TCSANOW, &tio);
    }
    char line[64];
    size_t used = 0;
    char c;
    while (read(fd, &c, 1) == 1) {
        if (c == '\n' || c == '\r') {
            line[used] = 0;
            if (strcmp(line, "stop") == 0) kill(1, SIGTERM);
            used = 0;
        } else if (used < sizeof line - 1) {
            line[used++] = c;
        }
    }
    _exit(0);
}

static void mounts(void) {
    mkdir("/proc", 0555);
    mkdir("/sys", 0555);
    mkdir("/dev", 0755);
    mkdir("/tmp", 01777);
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755");
    mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=16m");
    int fd = open("/dev/console", O_RDWR | O_NOCTTY);
    if (fd >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (fd > 2) close(fd);
    }
}

static int by_name(const struct dirent **a, const struct dirent **b) {
    return strcmp((*a)->d_name, (*b)->d_name);
}

static void load_modules(void) {
    struct dirent **names;
    int n = scandir("/lib/modules", &names, NULL, by_name);
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        size_t len = strlen(name);
        if (len > 3 && strcmp(name + len - 3, ".ko") == 0) {
            char path[512];
            snprintf(path, sizeof path, "/lib/modules/%s", name);
            int fd = open(path, O_RDONLY | O_CLOEXEC);
            if (fd < 0 || (syscall(SYS_finit_module, fd, "", 0) != 0 && errno != EEXIST)) {
                say("cannot load %s: %s", path, strerror(errno));
            }
            if (fd >= 0) close(fd);
        }
        free(names[i]);
    }
    if (n >= 0) free(names);
}

static int set_address(int s, const char *ifname, unsigned long request, in_addr_t addr) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    struct sockaddr_in *sin = (struct sockaddr_in *) &ifr.ifr_addr;
    sin->sin_family = AF_INET;
    sin->sin_addr.s_addr = addr;
    return ioctl(s, request, &ifr);
}

static int up(int s, const char *ifname) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    if (ioctl(s, SIOCGIFFLAGS, &ifr) != 0) return -1;
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    return ioctl(s, SIOCSIFFLAGS, &ifr);
}

static void network(const char *ip, const char *gw) {
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
        say("no socket: %s", strerror(errno));
        return;
    }
    up(s, "lo");
    char address[64];
    snprintf(address, sizeof address, "%s", ip);
    int prefix = 24;
    char *slash = strchr(address, '/');
    if (slash) {
        *slash = 0;
        prefix = atoi(slash + 1);
    }
    in_addr_t mask = prefix <= 0 ? 0 : htonl(0xffffffffu << (32 - (prefix > 32 ? 32 : prefix)));
    if (set_address(s, "eth0", SIOCSIFADDR, inet_addr(address)) != 0
            || set_address(s, "eth0", SIOCSIFNETMASK, mask) != 0 || up(s, "eth0") != 0) {
        say("cannot configure eth0 (%s): %s - no network", ip, strerror(errno));
        close(s);
        return;
    }
    if (gw && *gw) {
        struct rtentry route;
        memset(&route, 0, sizeof route);
        struct sockaddr_in *dst = (struct sockaddr_in *) &route.rt_dst;
        struct sockaddr_in *gateway = (struct sockaddr_in *) &route.rt_gateway;
        struct sockaddr_in *genmask = (struct sockaddr_in *) &route.rt_genmask;
        dst->sin_family = gateway->sin_family = genmask->sin_family = AF_INET;
        gateway->sin_addr.s_addr = inet_addr(gw);
        route.rt_flags = RTF_UP | RTF_GATEWAY;
        route.rt_dev = "eth0";
        if (ioctl(s, SIOCADDRT, &route) != 0 && errno != EEXIST) say("no default route via %s: %s", gw, strerror(errno));
    }
    close(s);
}

/* Splits the kernel command line into words; a double-quoted part may hold spaces (quotes removed). */
static int words(char *line, char **out, int max) {
    int n = 0;
    char *r = line, *w = line;
    while (*r && n < max) {
        while (*r == ' ' || *r == '\n' || *r == '\t') r++;
        if (!*r) break;
        out[n++] = w;
        int quoted = 0;
        while (*r && (quoted || (*r != ' ' && *r != '\n' && *r != '\t'))) {
            if (*r == '"') quoted = !quoted;
            else *w++ = *r;
            r++;
        }
        if (*r) r++;
        *w++ = 0;
    }
    return n;
}

static int read_file(const char *path, char *buf, size_t size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t len = read(fd, buf, size - 1);
    close(fd);
    if (len < 0) return -1;
    buf[len] = 0;
    return (int) len;
}

int main(void) {
    static char cmdline[4096], args_text[4096];
    static char *params[256], *env[MAX_ENV + 3], *argv[MAX_ARGS + 1];
    const char *ip = "10.0.2.15/24", *gw = "10.0.2.2";
    int nenv = 0;

    if (getpid() != 1) {
        fprintf(stderr, "hybridge-init: only runs as PID 1 (the microVM's init)\n");
        return 1;
    }
    mounts();
    if (read_file("/proc/cmdline", cmdline, sizeof cmdline) < 0) cmdline[0] = 0;
    int nparams = words(cmdline, params, 256);
    env[nenv++] = "PATH=/opt/java/bin";
    env[nenv++] = "HOME=/";
    for (int i = 0; i < nparams; i++) {
        if (strncmp(params[i], "hybridge.env.", 13) == 0 && strchr(params[i] + 13, '=') && nenv < MAX_ENV + 2) {
            env[nenv++] = params[i] + 13;
        } else if (strncmp(params[i], "hybridge.ip=", 12) == 0) {
            ip = params[i] + 12;
        } else if (strncmp(params[i], "hybridge.gw=", 12) == 0) {
            gw = params[i] + 12;
        }
    }
    env[nenv] = NULL;

    load_modules();
    network(ip, gw);

    int nargs = 0;
    if (read_file("/etc/task.args", args_text, sizeof args_text) > 0) {
        for (char *line = strtok(args_text, "\n"); line && nargs < MAX_ARGS; line = strtok(NULL, "\n")) {
            if (*line) argv[nargs++] = line;
        }
    }
    argv[nargs] = NULL;
    if (nargs == 0) {
        say("/etc/task.args names no task");
        power_off(1);
    }

    signal(SIGTERM, forward);
    signal(SIGINT, forward);
    reboot(RB_DISABLE_CAD); /* Ctrl-Alt-Del arrives as SIGINT: a clean stop */

    pid_t child = fork();
    if (child == 0) {
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        chdir("/app");
        execve(argv[0], argv, env);
        say("cannot start %s: %s", argv[0], strerror(errno));
        _exit(127);
    }
    if (child < 0) {
        say("cannot fork: %s", strerror(errno));
        power_off(1);
    }
    task = child;
    control_line();
    say("task started (pid %d)", (int) child);

    int status = 0;
    while (1) {
        pid_t pid = wait(&status);
        if (pid == child) break;
        if (pid < 0 && errno == ECHILD) break;
    }
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    say("task exited with status %d", code);
    power_off(code);
    return code;
}
