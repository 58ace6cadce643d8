/* An I/O fault for tests, loaded with LD_PRELOAD into the real `gims` binary: writes (or, with
 * GIMS_FAULT_OP=fsync, syncs) to any file whose path ends with GIMS_FAULT_SUFFIX fail with EIO,
 * as a failing disk would. Everything else goes through untouched. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

static int faulty(int fd, const char *op) {
    const char *suffix = getenv("GIMS_FAULT_SUFFIX");
    const char *wanted = getenv("GIMS_FAULT_OP");
    if (!suffix || strcmp(wanted ? wanted : "write", op) != 0) return 0;
    char link[64], path[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof path - 1);
    if (n <= 0) return 0;
    path[n] = 0;
    size_t len = strlen(suffix);
    return (size_t)n >= len && strcmp(path + n - len, suffix) == 0;
}

ssize_t write(int fd, const void *buf, size_t count) {
    static ssize_t (*real)(int, const void *, size_t);
    if (!real) real = dlsym(RTLD_NEXT, "write");
    if (faulty(fd, "write")) { errno = EIO; return -1; }
    return real(fd, buf, count);
}

ssize_t pwrite64(int fd, const void *buf, size_t count, off_t offset) {
    static ssize_t (*real)(int, const void *, size_t, off_t);
    if (!real) real = dlsym(RTLD_NEXT, "pwrite64");
    if (faulty(fd, "write")) { errno = EIO; return -1; }
    return real(fd, buf, count, offset);
}

int fsync(int fd) {
    static int (*real)(int);
    if (!real) real = dlsym(RTLD_NEXT, "fsync");
    if (faulty(fd, "fsync")) { errno = EIO; return -1; }
    return real(fd);
}

int fdatasync(int fd) {
    static int (*real)(int);
    if (!real) real = dlsym(RTLD_NEXT, "fdatasync");
    if (faulty(fd, "fsync")) { errno = EIO; return -1; }
    return real(fd);
}
