#include "kestrel_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace kestrel::e2e {
namespace {

std::string temp_path(const char* tag) {
    std::string pattern = std::string("/tmp/kestrel-e2e-") + tag + "-XXXXXX";
    int fd = mkstemp(pattern.data());
    if (fd >= 0) {
        close(fd);
    }
    return pattern;
}

std::vector<char*> to_argv(std::vector<std::string>& args) {
    std::vector<char*> argv;
    for (std::string& arg : args) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);
    return argv;
}

} // namespace

KestrelProcess::KestrelProcess(const std::vector<std::string>& args)
    : stdout_path_(temp_path("stdout")), stderr_path_(temp_path("stderr")) {
    std::vector<std::string> full{std::string(KESTREL_BINARY_DIR) + "/kestrel"};
    full.insert(full.end(), args.begin(), args.end());
    pid_ = fork();
    if (pid_ == 0) {
        int out = open(stdout_path_.c_str(), O_WRONLY | O_TRUNC);
        int err = open(stderr_path_.c_str(), O_WRONLY | O_TRUNC);
        dup2(out, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
        std::vector<char*> argv = to_argv(full);
        execv(argv[0], argv.data());
        _exit(127);
    }
}

KestrelProcess::~KestrelProcess() {
    stop();
    unlink(stdout_path_.c_str());
    unlink(stderr_path_.c_str());
}

std::string KestrelProcess::read_stdout() const { return read_file(stdout_path_); }
std::string KestrelProcess::read_stderr() const { return read_file(stderr_path_); }

int KestrelProcess::stop() {
    if (pid_ <= 0) {
        return -1;
    }
    kill(pid_, SIGINT);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
}

int KestrelProcess::wait_exit() {
    if (pid_ <= 0) {
        return -1;
    }
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

Outcome run_kestrel(const std::vector<std::string>& args) {
    KestrelProcess process(args);
    Outcome outcome;
    outcome.exit_code = process.wait_exit();
    outcome.out = process.read_stdout();
    outcome.err = process.read_stderr();
    return outcome;
}

pid_t run_program(const std::vector<std::string>& args) {
    std::vector<std::string> copy = args;
    pid_t pid = fork();
    if (pid == 0) {
        int null_fd = open("/dev/null", O_WRONLY);
        dup2(null_fd, STDOUT_FILENO);
        std::vector<char*> argv = to_argv(copy);
        execvp(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return pid;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

} // namespace kestrel::e2e
