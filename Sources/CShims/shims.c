#define _GNU_SOURCE
#include "tongbao_shims.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdatomic.h>
#include <sys/stat.h>
#if defined(__linux__)
#include <sys/vfs.h>
#endif
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <linux/fs.h>
#if __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
#endif
#endif

int tongbao_exchange_paths(const char *first, const char *second) {
#if defined(__linux__) && defined(SYS_renameat2)
    return (int)syscall(SYS_renameat2, AT_FDCWD, first, AT_FDCWD, second, RENAME_EXCHANGE);
#else
    (void)first;
    (void)second;
    errno = ENOSYS;
    return -1;
#endif
}

int tongbao_open_folder(int root, const char *path) {
#if defined(__linux__) && defined(SYS_openat2) && defined(RESOLVE_NO_XDEV)
    static atomic_int unavailable = 0;
    if (!atomic_load_explicit(&unavailable, memory_order_relaxed)) {
        struct open_how how = {0};
        how.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
        how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV;
        long folder = syscall(SYS_openat2, root, path, &how, sizeof how);
        // ENOSYS: an older kernel; EPERM: a seccomp filter that does not know the call.
        if (folder >= 0 || (errno != ENOSYS && errno != EPERM && errno != E2BIG)) return (int)folder;
        atomic_store_explicit(&unavailable, 1, memory_order_relaxed);
    }
#endif
    int folder = openat(root, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (folder < 0) return -1;
    struct stat opened, top;
    if (fstat(folder, &opened) != 0 || fstat(root, &top) != 0) {
        int error = errno;
        close(folder);
        errno = error;
        return -1;
    }
    if (opened.st_dev != top.st_dev) {
        close(folder);
        errno = EXDEV;
        return -1;
    }
    return folder;
}

long tongbao_read_folder(int folder, void *buffer, unsigned long size) {
#if defined(__linux__) && defined(SYS_getdents64)
    return syscall(SYS_getdents64, folder, buffer, size);
#else
    (void)folder;
    (void)buffer;
    (void)size;
    errno = ENOSYS;
    return -1;
#endif
}

long tongbao_file_system_type(const char *path) {
#if defined(__linux__)
    struct statfs status;
    if (statfs(path, &status) != 0) return -1;
    return (long)status.f_type;
#else
    (void)path;
    errno = ENOSYS;
    return -1;
#endif
}

#if defined(__GLIBC__)
#include <malloc.h>
#endif

void tongbao_keep_heaps(void) {
#if defined(__GLIBC__)
    mallopt(M_TOP_PAD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 0x7fffffff);
#endif
}
