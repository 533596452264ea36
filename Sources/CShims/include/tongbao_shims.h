#ifndef TONGBAO_SHIMS_H
#define TONGBAO_SHIMS_H

/// Atomically exchanges two paths (both must exist): Linux renameat2 with
/// RENAME_EXCHANGE. Returns 0 on success, -1 with errno set otherwise
/// (ENOSYS or EINVAL where the kernel or file system cannot do it).
int tongbao_exchange_paths(const char *first, const char *second);

/// Opens the folder at `path` below the folder open as `root` for reading its
/// entries, refusing a path that leaves `root`, goes through a symbolic link or
/// crosses into another file system (Linux openat2 with RESOLVE_BENEATH,
/// RESOLVE_NO_SYMLINKS and RESOLVE_NO_XDEV; where the kernel lacks it, openat
/// with O_NOFOLLOW, which checks the last component only, and the devices
/// compared). Returns the descriptor, or -1 with errno set.
int tongbao_open_folder(int root, const char *path);

/// Reads entries of an open folder (Linux getdents64: records of a 64-bit
/// inode, a 64-bit offset, a 16-bit record length, an 8-bit type and the name,
/// NUL-terminated). Returns the bytes read, 0 at the end, -1 with errno set.
long tongbao_read_folder(int folder, void *buffer, unsigned long size);

/// The file system type (Linux statfs f_type, a magic number) of the file
/// system holding `path`; -1 with errno set when it cannot be told.
long tongbao_file_system_type(const char *path);

/// Tells glibc's allocator to grow its heaps in large steps and never to trim
/// them (M_TOP_PAD, M_TRIM_THRESHOLD), for a process that exits when its work
/// is done. Does nothing elsewhere.
void tongbao_keep_heaps(void);

#endif
