#ifndef TONGBAO_SHIMS_H
#define TONGBAO_SHIMS_H

/// Atomically exchanges two paths (both must exist): Linux renameat2 with
/// RENAME_EXCHANGE. Returns 0 on success, -1 with errno set otherwise
/// (ENOSYS or EINVAL where the kernel or file system cannot do it).
int tongbao_exchange_paths(const char *first, const char *second);

#endif
