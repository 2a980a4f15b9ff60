#ifndef DARKROOM_CLINUX_SHIM_H
#define DARKROOM_CLINUX_SHIM_H

// Linux calls that Swift's Glibc module does not import because glibc declares them only under
// _GNU_SOURCE. glibc has had renameat2 since 2.28.

/// Swaps two paths atomically (RENAME_EXCHANGE) or renames only when the target is absent
/// (RENAME_NOREPLACE). The archive replaces a task folder as a whole with it.
int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags);

static const unsigned int darkroom_rename_noreplace = 1U << 0;
static const unsigned int darkroom_rename_exchange = 1U << 1;

#endif
