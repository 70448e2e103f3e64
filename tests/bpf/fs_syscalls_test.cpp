// Path syscalls on the real kernel (bpf/syscalls/fs.bpf.h): rename, unlink, rmdir, mkdir,
// symlink, link, chmod families, chdir/fchdir/chroot, mount/umount2. One test per syscall, success
// and failure, every parameter checked. Each workload runs in a forked child (probe_fixture.hpp);
// syscalls are made with syscall(2) so that libc cannot substitute another one.

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include <gtest/gtest.h>

#include "fs_flags.h"
#include "probe_fixture.hpp"

namespace kestrel::capture {
namespace {

// The single event of `type` whose string parameter `idx` equals `value`.
const event::View* find_one(const std::vector<event::View>& views, size_t idx,
                            std::string_view value) {
    const event::View* hit = nullptr;
    for (const auto& v : views) {
        if (v.param_string(idx) == value) {
            EXPECT_EQ(hit, nullptr) << "two events with " << value;
            hit = &v;
        }
    }
    return hit;
}

void rm_rf(const std::string& dir) {
    std::string cmd = "rm -rf '" + dir + "'";
    (void)!std::system(cmd.c_str());
}

TEST_F(ProbeTest, RenameSuccessAndFailure) {
    std::string dir = temp_dir();
    std::string a = dir + "/a", b = dir + "/b", missing = dir + "/missing";
    auto run = run_child([&](Report& r) {
        ::close(::creat(a.c_str(), 0600));
        r.v[0] = ::syscall(SYS_rename, a.c_str(), b.c_str());
        r.v[1] = ::syscall(SYS_rename, missing.c_str(), b.c_str());
        r.v[2] = errno;
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[2], ENOENT);
    auto evs = of_type(run, KES_EVT_RENAME);
    const event::View* ok = find_one(evs, KES_P_RENAME_OLDPATH, a);
    ASSERT_NE(ok, nullptr);
    EXPECT_EQ(ok->param_int64(KES_P_RENAME_RES), 0);
    EXPECT_EQ(ok->param_string(KES_P_RENAME_NEWPATH), b);
    EXPECT_EQ(ok->tid(), static_cast<uint32_t>(run.pid));
    const event::View* bad = find_one(evs, KES_P_RENAME_OLDPATH, missing);
    ASSERT_NE(bad, nullptr);
    EXPECT_EQ(bad->param_int64(KES_P_RENAME_RES), -ENOENT);
    EXPECT_EQ(bad->param_string(KES_P_RENAME_NEWPATH), b);
    rm_rf(dir);
}

TEST_F(ProbeTest, RenameatKeepsRelativePathsAndDirfds) {
    std::string dir = temp_dir();
    auto run = run_child([&](Report& r) {
        int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
        ::close(::openat(dfd, "x", O_CREAT | O_WRONLY, 0600));
        r.v[0] = dfd;
        r.v[1] = ::syscall(SYS_renameat, dfd, "x", AT_FDCWD, (dir + "/y").c_str());
        return 0;
    });
    ASSERT_EQ(run.report.v[1], 0);
    auto evs = of_type(run, KES_EVT_RENAMEAT);
    const event::View* e = find_one(evs, KES_P_RENAMEAT_OLDPATH, "x");
    ASSERT_NE(e, nullptr);
    EXPECT_EQ(e->param_int64(KES_P_RENAMEAT_RES), 0);
    EXPECT_EQ(e->param_int64(KES_P_RENAMEAT_OLDDIRFD), run.report.v[0]);
    EXPECT_EQ(e->param_int64(KES_P_RENAMEAT_NEWDIRFD), AT_FDCWD);
    EXPECT_EQ(e->param_string(KES_P_RENAMEAT_NEWPATH), dir + "/y");
    rm_rf(dir);
}

TEST_F(ProbeTest, Renameat2FlagsAndNoReplaceFailure) {
    std::string dir = temp_dir();
    auto run = run_child([&](Report& r) {
        ::close(::creat((dir + "/p").c_str(), 0600));
        ::close(::creat((dir + "/q").c_str(), 0600));
        r.v[0] = ::syscall(SYS_renameat2, AT_FDCWD, (dir + "/p").c_str(), AT_FDCWD,
                           (dir + "/q").c_str(), RENAME_NOREPLACE);
        r.v[1] = errno;
        r.v[2] = ::syscall(SYS_renameat2, AT_FDCWD, (dir + "/p").c_str(), AT_FDCWD,
                           (dir + "/q").c_str(), RENAME_EXCHANGE);
        return 0;
    });
    ASSERT_EQ(run.report.v[0], -1);
    ASSERT_EQ(run.report.v[1], EEXIST);
    ASSERT_EQ(run.report.v[2], 0);
    auto evs = of_type(run, KES_EVT_RENAMEAT2);
    ASSERT_EQ(evs.size(), 2u);
    EXPECT_EQ(evs[0].param_int64(KES_P_RENAMEAT2_RES), -EEXIST);
    EXPECT_EQ(evs[0].param_int64(KES_P_RENAMEAT2_OLDDIRFD), AT_FDCWD);
    EXPECT_EQ(evs[0].param_string(KES_P_RENAMEAT2_OLDPATH), dir + "/p");
    EXPECT_EQ(evs[0].param_int64(KES_P_RENAMEAT2_NEWDIRFD), AT_FDCWD);
    EXPECT_EQ(evs[0].param_string(KES_P_RENAMEAT2_NEWPATH), dir + "/q");
    EXPECT_EQ(evs[0].param_uint(KES_P_RENAMEAT2_FLAGS), uint64_t{KES_PPM_RENAME_NOREPLACE});
    EXPECT_EQ(evs[1].param_int64(KES_P_RENAMEAT2_RES), 0);
    EXPECT_EQ(evs[1].param_uint(KES_P_RENAMEAT2_FLAGS), uint64_t{KES_PPM_RENAME_EXCHANGE});
    rm_rf(dir);
}

TEST_F(ProbeTest, UnlinkSuccessAndFailure) {
    std::string dir = temp_dir();
    std::string f = dir + "/f";
    auto run = run_child([&](Report& r) {
        ::close(::creat(f.c_str(), 0600));
        r.v[0] = ::syscall(SYS_unlink, f.c_str());
        r.v[1] = ::syscall(SYS_unlink, dir.c_str()); // a directory: EISDIR
        r.v[2] = errno;
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[2], EISDIR);
    auto evs = of_type(run, KES_EVT_UNLINK);
    const event::View* ok = find_one(evs, KES_P_UNLINK_PATH, f);
    ASSERT_NE(ok, nullptr);
    EXPECT_EQ(ok->param_int64(KES_P_UNLINK_RES), 0);
    const event::View* bad = find_one(evs, KES_P_UNLINK_PATH, dir);
    ASSERT_NE(bad, nullptr);
    EXPECT_EQ(bad->param_int64(KES_P_UNLINK_RES), -EISDIR);
    rm_rf(dir);
}

TEST_F(ProbeTest, UnlinkatRemovedirRelative) {
    std::string dir = temp_dir();
    auto run = run_child([&](Report& r) {
        int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
        ::mkdirat(dfd, "sub", 0700);
        ::close(::openat(dfd, "file", O_CREAT | O_WRONLY, 0600));
        r.v[0] = dfd;
        r.v[1] = ::syscall(SYS_unlinkat, dfd, "sub", AT_REMOVEDIR);
        r.v[2] = ::syscall(SYS_unlinkat, dfd, "file", 0);
        r.v[3] = ::syscall(SYS_unlinkat, dfd, "gone", 0);
        return 0;
    });
    ASSERT_EQ(run.report.v[1], 0);
    ASSERT_EQ(run.report.v[2], 0);
    auto evs = of_type(run, KES_EVT_UNLINKAT);
    const event::View* sub = find_one(evs, KES_P_UNLINKAT_NAME, "sub");
    ASSERT_NE(sub, nullptr);
    EXPECT_EQ(sub->param_int64(KES_P_UNLINKAT_RES), 0);
    EXPECT_EQ(sub->param_int64(KES_P_UNLINKAT_DIRFD), run.report.v[0]);
    EXPECT_EQ(sub->param_uint(KES_P_UNLINKAT_FLAGS), uint64_t{KES_PPM_AT_REMOVEDIR});
    const event::View* file = find_one(evs, KES_P_UNLINKAT_NAME, "file");
    ASSERT_NE(file, nullptr);
    EXPECT_EQ(file->param_uint(KES_P_UNLINKAT_FLAGS), 0u);
    const event::View* gone = find_one(evs, KES_P_UNLINKAT_NAME, "gone");
    ASSERT_NE(gone, nullptr);
    EXPECT_EQ(gone->param_int64(KES_P_UNLINKAT_RES), -ENOENT);
    rm_rf(dir);
}

TEST_F(ProbeTest, RmdirSuccessAndNotEmpty) {
    std::string dir = temp_dir();
    std::string empty = dir + "/empty", full = dir + "/full";
    auto run = run_child([&](Report& r) {
        ::mkdir(empty.c_str(), 0700);
        ::mkdir(full.c_str(), 0700);
        ::close(::creat((full + "/f").c_str(), 0600));
        r.v[0] = ::syscall(SYS_rmdir, empty.c_str());
        r.v[1] = ::syscall(SYS_rmdir, full.c_str());
        r.v[2] = errno;
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[2], ENOTEMPTY);
    auto evs = of_type(run, KES_EVT_RMDIR);
    const event::View* ok = find_one(evs, KES_P_RMDIR_PATH, empty);
    ASSERT_NE(ok, nullptr);
    EXPECT_EQ(ok->param_int64(KES_P_RMDIR_RES), 0);
    const event::View* bad = find_one(evs, KES_P_RMDIR_PATH, full);
    ASSERT_NE(bad, nullptr);
    EXPECT_EQ(bad->param_int64(KES_P_RMDIR_RES), -ENOTEMPTY);
    rm_rf(dir);
}

TEST_F(ProbeTest, MkdirModeAndExists) {
    std::string dir = temp_dir();
    std::string d = dir + "/made";
    auto run = run_child([&](Report& r) {
        r.v[0] = ::syscall(SYS_mkdir, d.c_str(), 0751);
        r.v[1] = ::syscall(SYS_mkdir, d.c_str(), 0700);
        r.v[2] = errno;
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[2], EEXIST);
    auto evs = of_type(run, KES_EVT_MKDIR);
    ASSERT_EQ(evs.size(), 2u);
    EXPECT_EQ(evs[0].param_int64(KES_P_MKDIR_RES), 0);
    EXPECT_EQ(evs[0].param_string(KES_P_MKDIR_PATH), d);
    EXPECT_EQ(evs[0].param_uint(KES_P_MKDIR_MODE), 0751u);
    EXPECT_EQ(evs[1].param_int64(KES_P_MKDIR_RES), -EEXIST);
    EXPECT_EQ(evs[1].param_string(KES_P_MKDIR_PATH), d);
    EXPECT_EQ(evs[1].param_uint(KES_P_MKDIR_MODE), 0700u);
    rm_rf(dir);
}

TEST_F(ProbeTest, MkdiratRelative) {
    std::string dir = temp_dir();
    auto run = run_child([&](Report& r) {
        int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
        r.v[0] = dfd;
        r.v[1] = ::syscall(SYS_mkdirat, dfd, "rel", 0755);
        r.v[2] = ::syscall(SYS_mkdirat, 9999, "rel", 0755); // bad dirfd: EBADF
        return 0;
    });
    ASSERT_EQ(run.report.v[1], 0);
    auto evs = of_type(run, KES_EVT_MKDIRAT);
    ASSERT_EQ(evs.size(), 2u);
    EXPECT_EQ(evs[0].param_int64(KES_P_MKDIRAT_RES), 0);
    EXPECT_EQ(evs[0].param_int64(KES_P_MKDIRAT_DIRFD), run.report.v[0]);
    EXPECT_EQ(evs[0].param_string(KES_P_MKDIRAT_PATH), "rel");
    EXPECT_EQ(evs[0].param_uint(KES_P_MKDIRAT_MODE), 0755u);
    EXPECT_EQ(evs[1].param_int64(KES_P_MKDIRAT_RES), -EBADF);
    EXPECT_EQ(evs[1].param_int64(KES_P_MKDIRAT_DIRFD), 9999);
    rm_rf(dir);
}

TEST_F(ProbeTest, SymlinkAndSymlinkat) {
    std::string dir = temp_dir();
    std::string link = dir + "/l";
    auto run = run_child([&](Report& r) {
        r.v[0] = ::syscall(SYS_symlink, "/etc/passwd", link.c_str());
        r.v[1] = ::syscall(SYS_symlink, "/etc/shadow", link.c_str()); // EEXIST
        int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
        r.v[2] = dfd;
        r.v[3] = ::syscall(SYS_symlinkat, "../target", dfd, "rel");
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[3], 0);
    auto evs = of_type(run, KES_EVT_SYMLINK);
    const event::View* ok = find_one(evs, KES_P_SYMLINK_TARGET, "/etc/passwd");
    ASSERT_NE(ok, nullptr);
    EXPECT_EQ(ok->param_int64(KES_P_SYMLINK_RES), 0);
    EXPECT_EQ(ok->param_string(KES_P_SYMLINK_LINKPATH), link);
    const event::View* bad = find_one(evs, KES_P_SYMLINK_TARGET, "/etc/shadow");
    ASSERT_NE(bad, nullptr);
    EXPECT_EQ(bad->param_int64(KES_P_SYMLINK_RES), -EEXIST);
    auto at = of_type(run, KES_EVT_SYMLINKAT);
    ASSERT_EQ(at.size(), 1u);
    EXPECT_EQ(at[0].param_int64(KES_P_SYMLINKAT_RES), 0);
    EXPECT_EQ(at[0].param_string(KES_P_SYMLINKAT_TARGET), "../target");
    EXPECT_EQ(at[0].param_int64(KES_P_SYMLINKAT_LINKDIRFD), run.report.v[2]);
    EXPECT_EQ(at[0].param_string(KES_P_SYMLINKAT_LINKPATH), "rel");
    rm_rf(dir);
}

TEST_F(ProbeTest, LinkAndLinkat) {
    std::string dir = temp_dir();
    std::string src = dir + "/src", dst = dir + "/dst";
    auto run = run_child([&](Report& r) {
        ::close(::creat(src.c_str(), 0600));
        r.v[0] = ::syscall(SYS_link, src.c_str(), dst.c_str());
        r.v[1] = ::syscall(SYS_link, (dir + "/none").c_str(), dst.c_str()); // ENOENT
        int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
        r.v[2] = dfd;
        r.v[3] =
            ::syscall(SYS_linkat, dfd, "src", AT_FDCWD, (dir + "/dst2").c_str(), AT_SYMLINK_FOLLOW);
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[3], 0);
    auto evs = of_type(run, KES_EVT_LINK);
    const event::View* ok = find_one(evs, KES_P_LINK_OLDPATH, src);
    ASSERT_NE(ok, nullptr);
    EXPECT_EQ(ok->param_int64(KES_P_LINK_RES), 0);
    EXPECT_EQ(ok->param_string(KES_P_LINK_NEWPATH), dst);
    const event::View* bad = find_one(evs, KES_P_LINK_OLDPATH, dir + "/none");
    ASSERT_NE(bad, nullptr);
    EXPECT_EQ(bad->param_int64(KES_P_LINK_RES), -ENOENT);
    auto at = of_type(run, KES_EVT_LINKAT);
    ASSERT_EQ(at.size(), 1u);
    EXPECT_EQ(at[0].param_int64(KES_P_LINKAT_RES), 0);
    EXPECT_EQ(at[0].param_int64(KES_P_LINKAT_OLDDIR), run.report.v[2]);
    EXPECT_EQ(at[0].param_string(KES_P_LINKAT_OLDPATH), "src");
    EXPECT_EQ(at[0].param_int64(KES_P_LINKAT_NEWDIR), AT_FDCWD);
    EXPECT_EQ(at[0].param_string(KES_P_LINKAT_NEWPATH), dir + "/dst2");
    EXPECT_EQ(at[0].param_uint(KES_P_LINKAT_FLAGS), uint64_t{KES_PPM_AT_SYMLINK_FOLLOW});
    rm_rf(dir);
}

TEST_F(ProbeTest, ChmodFchmodFchmodat) {
    std::string dir = temp_dir();
    std::string f = dir + "/f";
    auto run = run_child([&](Report& r) {
        int fd = ::open(f.c_str(), O_CREAT | O_WRONLY, 0600);
        r.v[0] = fd;
        r.v[1] = ::syscall(SYS_chmod, f.c_str(), 04755);
        r.v[2] = ::syscall(SYS_chmod, (dir + "/none").c_str(), 0644);
        r.v[3] = ::syscall(SYS_fchmod, fd, 0640);
        int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
        r.v[4] = dfd;
        r.v[5] = ::syscall(SYS_fchmodat, dfd, "f", 01777);
        return 0;
    });
    ASSERT_EQ(run.report.v[1], 0);
    ASSERT_EQ(run.report.v[3], 0);
    ASSERT_EQ(run.report.v[5], 0);
    auto ch = of_type(run, KES_EVT_CHMOD);
    const event::View* ok = find_one(ch, KES_P_CHMOD_FILENAME, f);
    ASSERT_NE(ok, nullptr);
    EXPECT_EQ(ok->param_int64(KES_P_CHMOD_RES), 0);
    // PPM_S_ISUID | PPM_S_IRWXU | PPM_S_IRGRP | PPM_S_IXGRP | PPM_S_IROTH | PPM_S_IXOTH.
    EXPECT_EQ(ok->param_uint(KES_P_CHMOD_MODE), 04755u);
    const event::View* bad = find_one(ch, KES_P_CHMOD_FILENAME, dir + "/none");
    ASSERT_NE(bad, nullptr);
    EXPECT_EQ(bad->param_int64(KES_P_CHMOD_RES), -ENOENT);
    EXPECT_EQ(bad->param_uint(KES_P_CHMOD_MODE), 0644u);
    auto fch = of_type(run, KES_EVT_FCHMOD);
    ASSERT_EQ(fch.size(), 1u);
    EXPECT_EQ(fch[0].param_int64(KES_P_FCHMOD_RES), 0);
    EXPECT_EQ(fch[0].param_int64(KES_P_FCHMOD_FD), run.report.v[0]);
    EXPECT_EQ(fch[0].param_uint(KES_P_FCHMOD_MODE), 0640u);
    auto at = of_type(run, KES_EVT_FCHMODAT);
    ASSERT_EQ(at.size(), 1u);
    EXPECT_EQ(at[0].param_int64(KES_P_FCHMODAT_RES), 0);
    EXPECT_EQ(at[0].param_int64(KES_P_FCHMODAT_DIRFD), run.report.v[4]);
    EXPECT_EQ(at[0].param_string(KES_P_FCHMODAT_FILENAME), "f");
    EXPECT_EQ(at[0].param_uint(KES_P_FCHMODAT_MODE), 01777u);
    rm_rf(dir);
}

TEST_F(ProbeTest, ChdirReportsTheKernelsCwd) {
    std::string dir = temp_dir();
    std::string real = dir + "/real";
    auto run = run_child([&](Report& r) {
        ::mkdir(real.c_str(), 0700);
        ::symlink("real", (dir + "/via").c_str());
        ::chdir(dir.c_str());
        // Relative and through a symlink: the kernel's cwd is the resolved absolute path.
        r.v[0] = ::syscall(SYS_chdir, "via");
        r.v[1] = ::syscall(SYS_chdir, "/nonexistent-kestrel");
        r.v[2] = errno;
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[2], ENOENT);
    auto evs = of_type(run, KES_EVT_CHDIR);
    ASSERT_EQ(evs.size(), 3u);
    EXPECT_EQ(evs[0].param_string(KES_P_CHDIR_PATH), dir);
    EXPECT_EQ(evs[1].param_int64(KES_P_CHDIR_RES), 0);
    EXPECT_EQ(evs[1].param_string(KES_P_CHDIR_PATH), real);
    EXPECT_EQ(evs[2].param_int64(KES_P_CHDIR_RES), -ENOENT);
    EXPECT_EQ(evs[2].param_string(KES_P_CHDIR_PATH), "/nonexistent-kestrel");
    rm_rf(dir);
}

TEST_F(ProbeTest, Fchdir) {
    std::string dir = temp_dir();
    auto run = run_child([&](Report& r) {
        int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
        r.v[0] = dfd;
        r.v[1] = ::syscall(SYS_fchdir, dfd);
        r.v[2] = ::syscall(SYS_fchdir, 9999);
        return 0;
    });
    ASSERT_EQ(run.report.v[1], 0);
    auto evs = of_type(run, KES_EVT_FCHDIR);
    ASSERT_EQ(evs.size(), 2u);
    EXPECT_EQ(evs[0].param_int64(KES_P_FCHDIR_RES), 0);
    EXPECT_EQ(evs[0].param_int64(KES_P_FCHDIR_FD), run.report.v[0]);
    EXPECT_EQ(evs[1].param_int64(KES_P_FCHDIR_RES), -EBADF);
    EXPECT_EQ(evs[1].param_int64(KES_P_FCHDIR_FD), 9999);
    rm_rf(dir);
}

TEST_F(ProbeTest, ChrootReportsTheKernelsRoot) {
    std::string dir = temp_dir();
    auto run = run_child([&](Report& r) {
        ::mkdir((dir + "/jail").c_str(), 0700);
        ::chdir(dir.c_str());
        r.v[0] = ::syscall(SYS_chroot, "jail"); // relative: reported absolute
        r.v[1] = ::syscall(SYS_chroot, "/nonexistent-kestrel");
        r.v[2] = errno;
        return 0;
    });
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[2], ENOENT);
    auto evs = of_type(run, KES_EVT_CHROOT);
    ASSERT_EQ(evs.size(), 2u);
    EXPECT_EQ(evs[0].param_int64(KES_P_CHROOT_RES), 0);
    EXPECT_EQ(evs[0].param_string(KES_P_CHROOT_PATH), dir + "/jail");
    EXPECT_EQ(evs[1].param_int64(KES_P_CHROOT_RES), -ENOENT);
    EXPECT_EQ(evs[1].param_string(KES_P_CHROOT_PATH), "/nonexistent-kestrel");
    rm_rf(dir);
}

// In a mount namespace of the child's own (private propagation): the host's mounts never change.
TEST_F(ProbeTest, MountAndUmount2InOwnNamespace) {
    std::string dir = temp_dir();
    auto run = run_child([&](Report& r) {
        if (::unshare(CLONE_NEWNS) != 0) {
            return 10;
        }
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
            return 11;
        }
        r.v[0] = ::syscall(SYS_mount, "kestrel-fs", dir.c_str(), "tmpfs", MS_NOSUID | MS_NODEV,
                           "size=64k");
        r.v[1] = ::syscall(SYS_umount2, dir.c_str(), MNT_DETACH);
        r.v[2] = ::syscall(SYS_umount2, dir.c_str(), 0); // no longer a mount point
        r.v[3] = errno;
        return 0;
    });
    ASSERT_EQ(WEXITSTATUS(run.status), 0);
    ASSERT_EQ(run.report.v[0], 0);
    ASSERT_EQ(run.report.v[1], 0);
    ASSERT_EQ(run.report.v[3], EINVAL);
    auto mounts = of_type(run, KES_EVT_MOUNT);
    const event::View* m = find_one(mounts, KES_P_MOUNT_DEV, "kestrel-fs");
    ASSERT_NE(m, nullptr);
    EXPECT_EQ(m->param_int64(KES_P_MOUNT_RES), 0);
    EXPECT_EQ(m->param_string(KES_P_MOUNT_DIR), dir);
    EXPECT_EQ(m->param_string(KES_P_MOUNT_TYPE), "tmpfs");
    EXPECT_EQ(m->param_uint(KES_P_MOUNT_FLAGS), uint64_t{MS_NOSUID | MS_NODEV});
    auto um = of_type(run, KES_EVT_UMOUNT2);
    ASSERT_EQ(um.size(), 2u);
    EXPECT_EQ(um[0].param_int64(KES_P_UMOUNT2_RES), 0);
    EXPECT_EQ(um[0].param_string(KES_P_UMOUNT2_NAME), dir);
    EXPECT_EQ(um[0].param_uint(KES_P_UMOUNT2_FLAGS), uint64_t{KES_PPM_MNT_DETACH});
    EXPECT_EQ(um[1].param_int64(KES_P_UMOUNT2_RES), -EINVAL);
    EXPECT_EQ(um[1].param_uint(KES_P_UMOUNT2_FLAGS), 0u);
    rm_rf(dir);
}

} // namespace
} // namespace kestrel::capture
