#pragma once
// syslog_output: each alert as one RFC 3164 datagram on the local syslog socket, exactly what
// Falco's syslog(priority, "%s", line) call sends through glibc:
//
//   <PRI>Mmm dd hh:mm:ss ident[pid]: line        PRI = facility LOG_USER (1) * 8 + severity
//
// The severity is the rule priority's number, Falco's mapping (Emergency 0 = LOG_EMERG ...
// Debug 7 = LOG_DEBUG); the timestamp is the local time of sending, as syslog(3) stamps it; the
// ident is the program's name. The socket is /dev/log unless the Kestrel key
// syslog_output.socket_path names another one (tests use a private rsyslogd). Like glibc, a
// refused send reconnects once; then the alert is counted as failed and dropped.

#include <string>

#include "output/sink.hpp"

namespace kestrel::output {

inline constexpr const char* kDefaultSyslogSocket = "/dev/log";

class SyslogSink final : public Sink {
  public:
    explicit SyslogSink(std::string socket_path);
    ~SyslogSink() override;
    SyslogSink(const SyslogSink&) = delete;
    SyslogSink& operator=(const SyslogSink&) = delete;

    [[nodiscard]] std::string_view name() const override { return "syslog"; }
    void deliver(const eval::Alert& alert, std::string_view line) override;
    void reopen() override { disconnect(); }

  private:
    bool connect_socket();
    void disconnect();
    // 0 sent, else errno (ECANCELED: stop requested while the receiver was full).
    int send_datagram();

    std::string path_;
    std::string ident_;
    int fd_ = -1;
    std::string datagram_; // reused
    bool failing_ = false;
};

// The datagram for `severity` (0..7) with `line`, stamped `wall_s` (seconds since the epoch).
void format_syslog_datagram(int severity, uint64_t wall_s, std::string_view ident, int pid,
                            std::string_view line, std::string& out);

} // namespace kestrel::output
