// kestrel-eventgen on bad schemas: a clear file:line:column diagnostic naming the key, a
// non-zero exit, nothing written. On a good one: deterministic output, aliases and drop_params.

#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct GenRun {
    int exit_code = -1;
    std::string output; // stdout + stderr
};

class Eventgen : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("kestrel-eventgen-test-" + std::to_string(getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    GenRun generate(const std::string& yaml, const std::string& out = "out") {
        const fs::path schema = dir_ / "events.yaml";
        std::ofstream(schema) << yaml;
        const std::string cmd = std::string(KESTREL_EVENTGEN_BIN) + " --schema " + schema.string() +
                                " --out " + (dir_ / out).string() + " 2>&1";
        GenRun run;
        FILE* pipe = popen(cmd.c_str(), "r");
        if (pipe == nullptr) {
            return run;
        }
        char buf[4096];
        size_t n = 0;
        while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) {
            run.output.append(buf, n);
        }
        const int status = pclose(pipe);
        run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return run;
    }

    std::string read(const std::string& rel) {
        std::ifstream in(dir_ / rel);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

    // "<dir>/events.yaml:<line>:" as the diagnostic prefix.
    std::string at(int line) {
        return (dir_ / "events.yaml").string() + ":" + std::to_string(line) + ":";
    }

    fs::path dir_;
};

constexpr const char* kOpen = R"(events:
  - id: 1
    name: open
    category: file
    kind: syscall
    syscalls: [open]
    desc: a file was opened
    params: &p
      - {name: fd, type: fd}
      - {name: name, type: fspath, desc: "the path"}
)";

void expect_failure(const GenRun& run, const std::string& location, const std::string& text) {
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(run.output.find(location), std::string::npos) << run.output;
    EXPECT_NE(run.output.find(text), std::string::npos) << run.output;
}

TEST_F(Eventgen, GoodSchemaWithAliasAndDropParams) {
    const std::string yaml = std::string(kOpen) + R"(  - id: 2
    name: open_lite
    category: file
    kind: meta
    desc: same minus name
    params: *p
    drop_params: [name]
)";
    const GenRun run = generate(yaml);
    ASSERT_EQ(run.exit_code, 0) << run.output;
    const std::string header = read("out/bpf/gen/kestrel_events.h");
    EXPECT_NE(header.find("KES_EVT_OPEN = 1,"), std::string::npos);
    EXPECT_NE(header.find("KES_EVT_OPEN_LITE = 2,"), std::string::npos);
    EXPECT_NE(header.find("KES_EVT_MAX = 3,"), std::string::npos);
    EXPECT_NE(header.find("#define KES_OPEN_NPARAMS 2"), std::string::npos);
    EXPECT_NE(header.find("#define KES_OPEN_LITE_NPARAMS 1"), std::string::npos);
    EXPECT_NE(header.find("KES_P_OPEN_NAME = 1,"), std::string::npos);
    EXPECT_EQ(header.find("KES_P_OPEN_LITE_NAME"), std::string::npos);
    EXPECT_NE(header.find("#define KES_MAX_PARAMS 2"), std::string::npos);
    EXPECT_NE(read("out/src/event/gen/events.hpp").find("class OpenLiteView"), std::string::npos);
    EXPECT_NE(read("out/docs/events.md").find("## open_lite"), std::string::npos);

    // Same input, same bytes.
    ASSERT_EQ(generate(yaml, "again").exit_code, 0);
    for (const char* rel : {"bpf/gen/kestrel_events.h", "src/event/gen/events.hpp",
                            "src/event/gen/events.cpp", "docs/events.md"}) {
        EXPECT_EQ(read(std::string("out/") + rel), read(std::string("again/") + rel)) << rel;
    }
}

TEST_F(Eventgen, DuplicateId) {
    const GenRun run = generate(std::string(kOpen) + R"(  - id: 1
    name: creat
    category: file
    kind: syscall
    syscalls: [creat]
    desc: x
    params: []
)");
    expect_failure(run, at(11) + "9: error: event 'creat': key 'id': duplicate id 1",
                   "already used by 'open' at line 2");
    EXPECT_FALSE(fs::exists(dir_ / "out"));
}

TEST_F(Eventgen, DuplicateName) {
    const GenRun run = generate(std::string(kOpen) + R"(  - id: 2
    name: open
    category: file
    kind: meta
    desc: x
    params: []
)");
    expect_failure(run, at(12), "event 'open': key 'name': duplicate name");
}

TEST_F(Eventgen, UnknownParamType) {
    const GenRun run = generate(R"(events:
  - id: 1
    name: open
    category: file
    kind: meta
    desc: x
    params:
      - {name: fd, type: fd}
      - {name: size, type: size_t}
)");
    expect_failure(run, at(9), "parameter 'size': key 'type': unknown parameter type 'size_t'");
}

TEST_F(Eventgen, MissingKeys) {
    const GenRun run = generate(R"(events:
  - id: 1
    name: open
    category: file
    desc: x
    params:
      - {name: fd}
)");
    expect_failure(run, at(2), "event 'open': missing key 'kind'");
    expect_failure(run, at(7), "parameter 'fd': missing key 'type'");
}

TEST_F(Eventgen, UnknownKeyAndBadDropParams) {
    const GenRun run = generate(R"(events:
  - id: 1
    name: open
    category: file
    kind: meta
    desc: x
    parms: []
    params: [{name: fd, type: fd}]
    drop_params: [nope]
)");
    expect_failure(run, at(7), "unknown key 'parms'");
    expect_failure(run, at(9), "key 'drop_params': no parameter named 'nope'");
}

TEST_F(Eventgen, SyscallEventNeedsSyscalls) {
    const GenRun run = generate(R"(events:
  - id: 1
    name: open
    category: file
    kind: syscall
    desc: x
    params: []
)");
    expect_failure(run, at(2), "missing key 'syscalls'");
}

TEST_F(Eventgen, BadId) {
    const GenRun run = generate(R"(events:
  - id: seven
    name: open
    category: file
    kind: meta
    desc: x
    params: []
)");
    expect_failure(run, at(2) + "9:", "key 'id' must be an integer in 1..65535");
}

TEST_F(Eventgen, YamlSyntaxError) {
    const GenRun run = generate("events:\n  - id: [1\n");
    expect_failure(run, at(3), "yaml syntax error");
}

TEST_F(Eventgen, MissingFile) {
    const std::string cmd = std::string(KESTREL_EVENTGEN_BIN) + " --schema " +
                            (dir_ / "nope.yaml").string() + " --out " + (dir_ / "out").string() +
                            " >/dev/null 2>&1";
    EXPECT_NE(std::system(cmd.c_str()), 0);
}

} // namespace
